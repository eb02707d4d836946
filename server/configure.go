package server

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/app"
	"github.com/quotient-cpq/quotient/catalog"
)

// RuleActionJSON is what a selection or filter rule acts on.
type RuleActionJSON struct {
	Attribute string   `json:"attribute,omitempty"`
	Value     string   `json:"value,omitempty"`
	Options   []string `json:"options,omitempty"`
}

// ConfigRuleJSON is a configuration rule of a product.
type ConfigRuleJSON struct {
	ID        string         `json:"id"`
	ProductID string         `json:"product_id"`
	Name      string         `json:"name"`
	Kind      string         `json:"kind" enum:"validation,alert,selection,filter"`
	Condition string         `json:"condition"`
	Message   string         `json:"message"`
	Action    RuleActionJSON `json:"action"`
	Active    bool           `json:"active"`
	Version   int            `json:"version"`
	CreatedAt time.Time      `json:"created_at"`
	UpdatedAt time.Time      `json:"updated_at"`
}

// ConfigRuleRequest creates a configuration rule (name, kind, condition
// required; message for validation and alert; action for selection and
// filter) or changes one.
type ConfigRuleRequest struct {
	Name      *string         `json:"name" maxLength:"200"`
	Kind      *string         `json:"kind" enum:"validation,alert,selection,filter"`
	Condition *string         `json:"condition" maxLength:"4000"`
	Message   *string         `json:"message" maxLength:"500"`
	Action    *RuleActionJSON `json:"action"`
	Active    *bool           `json:"active"`
}

func configRuleJSON(r catalog.ConfigRule) ConfigRuleJSON {
	return ConfigRuleJSON{ID: r.ID, ProductID: r.ProductID, Name: r.Name, Kind: string(r.Kind), Condition: r.Condition, Message: r.Message,
		Action: RuleActionJSON(r.Action), Active: r.Active, Version: r.Version, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

func (r ConfigRuleRequest) input() (catalog.ConfigRule, error) {
	p := quotient.Problems{}
	if r.Condition == nil {
		p.Add("condition", "is required")
	}
	out := catalog.ConfigRule{Name: strOr(r.Name), Kind: catalog.RuleKind(strOr(r.Kind)), Condition: strOr(r.Condition),
		Message: strOr(r.Message), Active: true}
	if r.Action != nil {
		out.Action = catalog.RuleAction(*r.Action)
	}
	if r.Active != nil {
		out.Active = *r.Active
	}
	return out, p.Err()
}

func (r ConfigRuleRequest) patch() (catalog.ConfigRulePatch, error) {
	out := catalog.ConfigRulePatch{Name: r.Name, Condition: r.Condition, Message: r.Message, Active: r.Active}
	if r.Kind != nil {
		k := catalog.RuleKind(*r.Kind)
		out.Kind = &k
	}
	if r.Action != nil {
		a := catalog.RuleAction(*r.Action)
		out.Action = &a
	}
	return out, nil
}

var configRuleView = view[catalog.ConfigRule, ConfigRuleJSON]{version: func(r catalog.ConfigRule) int { return r.Version }, json: configRuleJSON}

func (s *Server) listConfigRules() fiber.Handler {
	return listOf(func(r catalog.ConfigRule) string { return r.ID }, configRuleJSON, nil,
		func(ctx context.Context, c *fiber.Ctx, p quotient.Page, _ map[string]string) ([]catalog.ConfigRule, error) {
			return s.app.ConfigRules(ctx, c.Params("id"), p)
		})
}

func (s *Server) createConfigRule() fiber.Handler {
	return createOne(configRuleView, ConfigRuleRequest.input, func(r catalog.ConfigRule) string { return v1 + "/products/" + r.ProductID + "/rules/" + r.ID },
		func(ctx context.Context, c *fiber.Ctx, in catalog.ConfigRule) (catalog.ConfigRule, error) {
			return s.app.CreateConfigRule(ctx, c.Params("id"), in)
		})
}

func (s *Server) getConfigRule() fiber.Handler {
	return getOne(configRuleView, func(ctx context.Context, c *fiber.Ctx) (catalog.ConfigRule, error) {
		return s.app.ConfigRule(ctx, c.Params("id"), c.Params("rule_id"))
	})
}

func (s *Server) patchConfigRule() fiber.Handler {
	return patchOne(configRuleView, ConfigRuleRequest.patch, func(ctx context.Context, c *fiber.Ctx, v int, p catalog.ConfigRulePatch) (catalog.ConfigRule, error) {
		return s.app.UpdateConfigRule(ctx, c.Params("id"), c.Params("rule_id"), v, p)
	})
}

func (s *Server) deleteConfigRule() fiber.Handler {
	return deleteOne(func(ctx context.Context, c *fiber.Ctx) error {
		return s.app.DeleteConfigRule(ctx, c.Params("id"), c.Params("rule_id"))
	})
}

// ConfigureRequest is a configuration to check, optionally for an account
// (whose facts rules may test) and a price book (whose option prices are
// shown).
type ConfigureRequest struct {
	Configuration map[string]ConfigValue `json:"configuration"`
	AccountID     string                 `json:"account_id,omitempty"`
	PriceBookID   string                 `json:"price_book_id,omitempty"`
}

// IssueJSON is an error or warning of a configuration.
type IssueJSON struct {
	Attribute *string `json:"attribute"`
	RuleID    *string `json:"rule_id"`
	RuleName  *string `json:"rule_name"`
	Message   string  `json:"message"`
}

// AllowedOptionJSON is an option still allowed, with its price delta.
type AllowedOptionJSON struct {
	Code       string `json:"code"`
	Label      string `json:"label"`
	PriceDelta string `json:"price_delta" format:"decimal"`
}

// AttributeStateJSON is an attribute as configured.
type AttributeStateJSON struct {
	Code           string              `json:"code"`
	Name           string              `json:"name"`
	Type           string              `json:"type"`
	Value          *string             `json:"value"`
	Source         *string             `json:"source"`
	AllowedOptions []AllowedOptionJSON `json:"allowed_options,omitempty"`
	Min            *Dec                `json:"min,omitempty"`
	Max            *Dec                `json:"max,omitempty"`
	Step           *Dec                `json:"step,omitempty"`
}

// ConfigurationJSON is the result of POST /products/{id}/configure.
type ConfigurationJSON struct {
	Valid         bool                 `json:"valid"`
	Configuration map[string]string    `json:"configuration"`
	Errors        []IssueJSON          `json:"errors"`
	Warnings      []IssueJSON          `json:"warnings"`
	Attributes    []AttributeStateJSON `json:"attributes"`
	PriceDelta    string               `json:"price_delta" format:"decimal"`
	Currency      *string              `json:"currency"`
}

func issuesJSON(is []catalog.Issue) []IssueJSON {
	out := make([]IssueJSON, len(is))
	for i, x := range is {
		out[i] = IssueJSON{Attribute: optStr(x.Attribute), RuleID: optStr(x.RuleID), RuleName: optStr(x.RuleName), Message: x.Message}
	}
	return out
}

func (s *Server) configure() fiber.Handler {
	return func(c *fiber.Ctx) error {
		var req ConfigureRequest
		if err := decode(c, &req); err != nil {
			return err
		}
		p := quotient.Problems{}
		cfg := configuration(&p, "", req.Configuration)
		for i := range p.Fields {
			p.Fields[i].Field = p.Fields[i].Field[1:] // drop the leading dot
		}
		if err := p.Err(); err != nil {
			return err
		}
		r, err := s.app.Configure(c.UserContext(), c.Params("id"), app.ConfigureInput{AccountID: req.AccountID, PriceBookID: req.PriceBookID, Configuration: cfg})
		if err != nil {
			return err
		}
		out := ConfigurationJSON{Valid: r.Valid, Configuration: r.Values, Errors: issuesJSON(r.Errors),
			Warnings: issuesJSON(r.Warnings), PriceDelta: fmtMoney(r.PriceDelta, r.Currency), Currency: optStr(r.Currency)}
		for _, a := range r.Attributes {
			st := AttributeStateJSON{Code: a.Attribute.Code, Name: a.Attribute.Name, Type: string(a.Attribute.Type), Value: optStr(a.Value),
				Source: optStr(a.Source), Min: decStr(a.Attribute.Min), Max: decStr(a.Attribute.Max), Step: decStr(a.Attribute.Step)}
			for _, o := range a.Allowed {
				st.AllowedOptions = append(st.AllowedOptions, AllowedOptionJSON{Code: o.Code, Label: o.Label, PriceDelta: fmtMoney(o.PriceDelta, r.Currency)})
			}
			out.Attributes = append(out.Attributes, st)
		}
		return send(c, fiber.StatusOK, 0, out)
	}
}
