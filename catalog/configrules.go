package catalog

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/rules"
)

// RuleKind is what a configuration rule does when its condition is true.
type RuleKind string

// The configuration rule kinds.
const (
	Validation RuleKind = "validation" // the configuration is invalid, with Message
	Alert      RuleKind = "alert"      // a warning that does not block
	Selection  RuleKind = "selection"  // sets (or requires) Action.Attribute = Action.Value
	Filter     RuleKind = "filter"     // hides Action.Options of Action.Attribute
)

// RuleAction is what a selection or filter rule acts on.
type RuleAction struct {
	Attribute string
	Value     string
	Options   []string
}

// ConfigRule is a configuration rule of a product.
type ConfigRule struct {
	ID        string
	ProductID string
	Name      string
	Kind      RuleKind
	Condition string
	Message   string
	Action    RuleAction
	Active    bool
	Version   int
	CreatedAt time.Time
	UpdatedAt time.Time
}

// ConfigEnv is what a configuration rule's condition sees.
type ConfigEnv struct {
	Config  map[string]any `expr:"config"`
	Product ConfigProduct  `expr:"product"`
	Account ConfigAccount  `expr:"account"`
	Quote   ConfigQuote    `expr:"quote"`
}

// ConfigProduct describes the product being configured.
type ConfigProduct struct {
	ID     string `expr:"id"`
	SKU    string `expr:"sku"`
	Family string `expr:"family"`
	Kind   string `expr:"kind"`
}

// ConfigAccount describes the customer, when known.
type ConfigAccount struct {
	ID        string `expr:"id"`
	Segment   string `expr:"segment"`
	Industry  string `expr:"industry"`
	TaxRegion string `expr:"tax_region"`
	Currency  string `expr:"currency"`
}

// ConfigQuote describes the document, when known.
type ConfigQuote struct {
	Currency  string `expr:"currency"`
	LineCount int    `expr:"line_count"`
}

// validateConfigRule checks a rule against its product and compiles it.
func validateConfigRule(r ConfigRule, pr Product) error {
	p := quotient.Problems{}
	p.Text("name", r.Name, quotient.Required, 200)
	p.OneOf("kind", string(r.Kind), "validation", "alert", "selection", "filter")
	p.Text("message", r.Message, quotient.Presence(r.Kind == Validation || r.Kind == Alert), 500)
	attr := findAttr(pr, r.Action.Attribute)
	switch r.Kind {
	case Selection:
		if attr == nil {
			p.Add("action.attribute", "product %s has no attribute %q", pr.SKU, r.Action.Attribute)
		} else if _, err := ResolveConfiguration(Product{SKU: pr.SKU, Attributes: []Attribute{*attr}}, map[string]string{attr.Code: r.Action.Value}); err != nil {
			p.Add("action.value", "%q is not a valid value of %s", r.Action.Value, attr.Code)
		}
	case Filter:
		if attr == nil || attr.Type != Enum {
			p.Add("action.attribute", "a filter hides options of an enum attribute of product %s", pr.SKU)
		} else {
			if len(r.Action.Options) == 0 {
				p.Add("action.options", "name the options to hide")
			}
			for i, o := range r.Action.Options {
				if !hasOption(pr, attr.Code, o) {
					p.Add(fmt.Sprintf("action.options[%d]", i), "%s has no option %q", attr.Code, o)
				}
			}
		}
	default:
		if r.Action.Attribute != "" || r.Action.Value != "" || len(r.Action.Options) > 0 {
			p.Add("action", "only selection and filter rules have an action")
		}
	}
	if err := p.Err(); err != nil {
		return err
	}
	if _, err := rules.Compile(r.Condition, ConfigEnv{}, rules.Bool); err != nil {
		return rules.AsProblem(err, "condition")
	}
	return nil
}

func findAttr(pr Product, code string) *Attribute {
	for i := range pr.Attributes {
		if pr.Attributes[i].Code == code {
			return &pr.Attributes[i]
		}
	}
	return nil
}

// ConfigRulePatch holds the fields to change; nil leaves a field as it is.
type ConfigRulePatch struct {
	Name, Condition, Message *string
	Kind                     *RuleKind
	Action                   *RuleAction
	Active                   *bool
}

// CreateConfigRule adds a configuration rule to a product; admins only.
func (s *Service) CreateConfigRule(ctx context.Context, st Store, productID string, in ConfigRule) (ConfigRule, error) {
	if err := requireCatalogAdmin(ctx); err != nil {
		return ConfigRule{}, err
	}
	pr, err := st.GetProduct(ctx, productID)
	if err != nil {
		return ConfigRule{}, err
	}
	now := s.now().UTC()
	in.ID, in.ProductID, in.Name, in.Version, in.CreatedAt, in.UpdatedAt = quotient.NewID("cfr"), pr.ID, strings.TrimSpace(in.Name), 1, now, now
	if err := validateConfigRule(in, pr); err != nil {
		return ConfigRule{}, err
	}
	return in, st.InsertConfigRule(ctx, in)
}

// GetConfigRule returns a configuration rule of a product.
func (s *Service) GetConfigRule(ctx context.Context, st Store, productID, id string) (ConfigRule, error) {
	if err := requireActor(ctx); err != nil {
		return ConfigRule{}, err
	}
	r, err := st.GetConfigRule(ctx, id)
	if err == nil && r.ProductID != productID {
		return ConfigRule{}, quotient.Errorf(quotient.NotFound, "rule %s not found on product %s", id, productID)
	}
	return r, err
}

// ListConfigRules returns a product's configuration rules.
func (s *Service) ListConfigRules(ctx context.Context, st Store, productID string, p quotient.Page) ([]ConfigRule, error) {
	if err := requireActor(ctx); err != nil {
		return nil, err
	}
	if _, err := st.GetProduct(ctx, productID); err != nil {
		return nil, err
	}
	return st.ListConfigRules(ctx, productID, p)
}

// UpdateConfigRule changes a configuration rule; admins only.
func (s *Service) UpdateConfigRule(ctx context.Context, st Store, productID, id string, version int, p ConfigRulePatch) (ConfigRule, error) {
	if err := requireCatalogAdmin(ctx); err != nil {
		return ConfigRule{}, err
	}
	r, err := s.GetConfigRule(ctx, st, productID, id)
	if err != nil {
		return ConfigRule{}, err
	}
	if err := quotient.CheckVersion("rule", version, r.Version); err != nil {
		return ConfigRule{}, err
	}
	pr, err := st.GetProduct(ctx, productID)
	if err != nil {
		return ConfigRule{}, err
	}
	old := r.Version
	set(&r.Name, p.Name)
	set(&r.Condition, p.Condition)
	set(&r.Message, p.Message)
	set(&r.Kind, p.Kind)
	set(&r.Action, p.Action)
	set(&r.Active, p.Active)
	if err := validateConfigRule(r, pr); err != nil {
		return ConfigRule{}, err
	}
	r.Version++
	r.UpdatedAt = s.now().UTC()
	return r, st.UpdateConfigRule(ctx, r, old)
}

// DeleteConfigRule removes a configuration rule; admins only.
func (s *Service) DeleteConfigRule(ctx context.Context, st Store, productID, id string) error {
	if err := requireCatalogAdmin(ctx); err != nil {
		return err
	}
	if _, err := s.GetConfigRule(ctx, st, productID, id); err != nil {
		return err
	}
	return st.DeleteConfigRule(ctx, id)
}

// Issue is an error or warning of a configuration, with the attribute and
// rule concerned when there is one.
type Issue struct {
	Attribute string
	RuleID    string
	RuleName  string
	Message   string
}

// AttributeState is an attribute as configured: its value and the options
// still allowed with their prices.
type AttributeState struct {
	Attribute Attribute
	Value     string
	Source    string // "chosen", "default", "selected by rule <name>", "" (unset)
	Allowed   []Option
}

// Configuration is the outcome of configuring a product.
type Configuration struct {
	Valid      bool
	Values     map[string]string
	Errors     []Issue
	Warnings   []Issue
	Attributes []AttributeState
	PriceDelta decimal.Decimal
}

// ConfigureInput is what the buyer chose and, optionally, for whom.
type ConfigureInput struct {
	Configuration map[string]string
	Account       ConfigAccount
	Quote         ConfigQuote
	// Entry, when set, prices options as in its book.
	Entry *Entry
}

const maxSelectionPasses = 10

// Configure checks a configuration against the product's attributes and
// rules: defaults fill unset attributes, selection rules set or require
// values, filter rules hide options, validation rules raise errors and
// alerts warnings. Every issue names its attribute and the rule that
// raised it.
func (s *Service) Configure(ctx context.Context, st Store, productID string, in ConfigureInput) (Configuration, error) {
	if err := requireActor(ctx); err != nil {
		return Configuration{}, err
	}
	pr, err := st.GetProduct(ctx, productID)
	if err != nil {
		return Configuration{}, err
	}
	crs, err := st.ListConfigRules(ctx, productID, quotient.Page{Limit: 1000})
	if err != nil {
		return Configuration{}, err
	}
	return Evaluate(pr, crs, in, s.cache)
}

// Evaluate applies configuration rules to a configuration without touching
// storage; pricing uses it to price what the rules resolve. Rules are
// compiled through cache.
func Evaluate(pr Product, crs []ConfigRule, in ConfigureInput, cache *rules.Cache) (Configuration, error) {
	sort.SliceStable(crs, func(i, j int) bool { return crs[i].Name < crs[j].Name })
	return configure(pr, crs, in, cache)
}

func configure(pr Product, crs []ConfigRule, in ConfigureInput, cache *rules.Cache) (Configuration, error) {
	out := Configuration{Values: map[string]string{}}
	source := map[string]string{}
	for k, v := range in.Configuration {
		if v != "" {
			out.Values[k], source[k] = v, "chosen"
		}
	}
	env := ConfigEnv{Product: ConfigProduct{ID: pr.ID, SKU: pr.SKU, Family: pr.Family, Kind: string(pr.Kind)}, Account: in.Account, Quote: in.Quote}
	type compiled struct {
		ConfigRule
		prog *rules.Program
	}
	var active []compiled
	for _, r := range crs {
		if !r.Active {
			continue
		}
		prog, err := cache.Get(r.ID, r.Version, r.Condition, ConfigEnv{}, rules.Bool)
		if err != nil {
			return out, fmt.Errorf("configuration rule %s: %w", r.ID, err)
		}
		active = append(active, compiled{r, prog})
	}
	eval := func(r compiled) bool {
		env.Config = configMap(pr, out.Values)
		ok, err := r.prog.Bool(&env)
		if err != nil {
			out.Warnings = append(out.Warnings, Issue{RuleID: r.ID, RuleName: r.Name, Message: "the rule could not be evaluated: " + err.Error()})
			return false
		}
		return ok
	}
	// Selection rules run until nothing changes (bounded): a selection can
	// make another rule's condition true.
	for pass := 0; pass < maxSelectionPasses; pass++ {
		changed := false
		for _, r := range active {
			if r.Kind != Selection || !eval(r) {
				continue
			}
			a, want := r.Action.Attribute, r.Action.Value
			switch cur, set := out.Values[a]; {
			case !set || source[a] == "default":
				out.Values[a], source[a] = want, "selected by rule "+r.Name
				changed = true
			case cur != want && source[a] == "chosen":
				out.Errors = appendOnce(out.Errors, Issue{Attribute: a, RuleID: r.ID, RuleName: r.Name,
					Message: fmt.Sprintf("%s must be %q here (rule %q): %s", a, want, r.Name, r.Message)})
			}
		}
		// Fill defaults for what is still unset, once selections settle.
		for _, at := range pr.Attributes {
			if _, ok := out.Values[at.Code]; !ok && at.Default != "" {
				out.Values[at.Code], source[at.Code] = at.Default, "default"
				changed = true
			}
		}
		if !changed {
			break
		}
	}
	// Attribute checks: required, unknown options, numbers in range.
	if _, err := ResolveConfiguration(pr, out.Values); err != nil {
		if qe, ok := err.(*quotient.Error); ok {
			for _, f := range qe.Fields {
				out.Errors = append(out.Errors, Issue{Attribute: strings.TrimPrefix(f.Field, "configuration."), Message: f.Message})
			}
		}
	}
	hidden := map[string]map[string]string{} // attribute → option → rule name
	for _, r := range active {
		switch r.Kind {
		case Filter:
			if eval(r) {
				if hidden[r.Action.Attribute] == nil {
					hidden[r.Action.Attribute] = map[string]string{}
				}
				for _, o := range r.Action.Options {
					hidden[r.Action.Attribute][o] = r.Name
					if out.Values[r.Action.Attribute] == o {
						out.Errors = append(out.Errors, Issue{Attribute: r.Action.Attribute, RuleID: r.ID, RuleName: r.Name,
							Message: fmt.Sprintf("option %q of %s is not available here (rule %q)%s", o, r.Action.Attribute, r.Name, suffix(r.Message))})
					}
				}
			}
		case Validation:
			if eval(r) {
				out.Errors = append(out.Errors, Issue{Attribute: firstPath(r.Condition), RuleID: r.ID, RuleName: r.Name, Message: r.Message})
			}
		case Alert:
			if eval(r) {
				out.Warnings = append(out.Warnings, Issue{Attribute: firstPath(r.Condition), RuleID: r.ID, RuleName: r.Name, Message: r.Message})
			}
		}
	}
	for _, at := range pr.Attributes {
		st := AttributeState{Attribute: at, Value: out.Values[at.Code], Source: source[at.Code]}
		for _, o := range at.Options {
			if _, gone := hidden[at.Code][o.Code]; gone {
				continue
			}
			if in.Entry != nil {
				o.PriceDelta = OptionPrice(*in.Entry, at.Code, o)
			}
			st.Allowed = append(st.Allowed, o)
			if o.Code == st.Value {
				out.PriceDelta = out.PriceDelta.Add(o.PriceDelta)
			}
		}
		out.Attributes = append(out.Attributes, st)
	}
	out.Valid = len(out.Errors) == 0
	return out, nil
}

func appendOnce(is []Issue, i Issue) []Issue {
	for _, x := range is {
		if x == i {
			return is
		}
	}
	return append(is, i)
}

func suffix(msg string) string {
	if msg == "" {
		return ""
	}
	return ": " + msg
}

// firstPath names the attribute a validation concerns: the first config.x
// its condition mentions.
func firstPath(cond string) string {
	i := strings.Index(cond, "config.")
	if i < 0 {
		return ""
	}
	j := i + len("config.")
	k := j
	for k < len(cond) && (cond[k] == '_' || cond[k] >= 'a' && cond[k] <= 'z' || cond[k] >= '0' && cond[k] <= '9') {
		k++
	}
	return cond[j:k]
}

// configMap gives a rule the configuration as typed values: option codes
// and booleans as such, numbers as decimals.
func configMap(pr Product, values map[string]string) map[string]any {
	m := make(map[string]any, len(values))
	for k, v := range values {
		m[k] = v
		if a := findAttr(pr, k); a != nil {
			switch a.Type {
			case Number:
				if d, ok := quotient.ParseDecimal(v); ok {
					m[k] = d
				}
			case Boolean:
				m[k] = v == "true"
			}
		}
	}
	return m
}
