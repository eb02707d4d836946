package server

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/catalog"
	"github.com/quotient-cpq/quotient/pricing"
)

// TierJSON is a tier [from, to) of a schedule; the last has no to.
type TierJSON struct {
	From        *Dec `json:"from"`
	To          *Dec `json:"to,omitempty"`
	DiscountPct *Dec `json:"discount_pct"`
}

// ScheduleJSON is a volume discount schedule.
type ScheduleJSON struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Type       string     `json:"type" enum:"range,slab"`
	Tiers      []TierJSON `json:"tiers"`
	ProductIDs []string   `json:"product_ids"`
	Family     *string    `json:"family"`
	Active     bool       `json:"active"`
	Version    int        `json:"version"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
}

// ScheduleRequest creates a schedule (name, type, tiers and product_ids
// or family required) or changes one.
type ScheduleRequest struct {
	Name       *string     `json:"name" maxLength:"200"`
	Type       *string     `json:"type" enum:"range,slab"`
	Tiers      *[]TierJSON `json:"tiers"`
	ProductIDs *[]string   `json:"product_ids"`
	Family     *string     `json:"family"`
	Active     *bool       `json:"active"`
}

func scheduleJSON(s catalog.Schedule) ScheduleJSON {
	out := ScheduleJSON{ID: s.ID, Name: s.Name, Type: string(s.Type), Tiers: make([]TierJSON, len(s.Tiers)), ProductIDs: s.ProductIDs,
		Family: optStr(s.Family), Active: s.Active, Version: s.Version, CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt}
	if out.ProductIDs == nil {
		out.ProductIDs = []string{}
	}
	for i, t := range s.Tiers {
		out.Tiers[i] = TierJSON{From: DecOf(t.From.String()), DiscountPct: DecOf(t.DiscountPct.String()), To: decStr(t.To)}
	}
	return out
}

func tiersOf(p *quotient.Problems, in []TierJSON) []catalog.Tier {
	out := make([]catalog.Tier, len(in))
	for i, t := range in {
		f := fmt.Sprintf("tiers[%d]", i)
		if t.From == nil {
			p.Add(f+".from", "is required")
		}
		if t.DiscountPct == nil {
			p.Add(f+".discount_pct", "is required")
		}
		out[i] = catalog.Tier{From: t.From.Value(p, f+".from"), To: t.To.Ptr(p, f+".to"), DiscountPct: t.DiscountPct.Value(p, f+".discount_pct")}
	}
	return out
}

func (r ScheduleRequest) input() (catalog.Schedule, error) {
	p := quotient.Problems{}
	s := catalog.Schedule{Name: strOr(r.Name), Type: catalog.ScheduleType(strOr(r.Type)), Family: strOr(r.Family), Active: true}
	if r.Tiers != nil {
		s.Tiers = tiersOf(&p, *r.Tiers)
	}
	if r.ProductIDs != nil {
		s.ProductIDs = *r.ProductIDs
	}
	if r.Active != nil {
		s.Active = *r.Active
	}
	return s, p.Err()
}

func (r ScheduleRequest) patch() (catalog.SchedulePatch, error) {
	p := quotient.Problems{}
	out := catalog.SchedulePatch{Name: r.Name, Family: r.Family, Active: r.Active, ProductIDs: r.ProductIDs}
	if r.Type != nil {
		t := catalog.ScheduleType(*r.Type)
		out.Type = &t
	}
	if r.Tiers != nil {
		ts := tiersOf(&p, *r.Tiers)
		out.Tiers = &ts
	}
	return out, p.Err()
}

// PriceRuleJSON is a price rule.
type PriceRuleJSON struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Condition string    `json:"condition"`
	Action    string    `json:"action" enum:"percent_discount,amount_discount,set_price,formula"`
	Value     string    `json:"value" format:"decimal"`
	Formula   *string   `json:"formula"`
	Priority  int       `json:"priority"`
	Stackable bool      `json:"stackable"`
	ValidFrom *string   `json:"valid_from" format:"date"`
	ValidTo   *string   `json:"valid_to" format:"date"`
	Active    bool      `json:"active"`
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at,omitempty"`
	UpdatedAt time.Time `json:"updated_at"`
}

// PriceRuleRequest creates a rule (name, condition, action and value or
// formula required) or changes one, making a new version.
type PriceRuleRequest struct {
	Name      *string `json:"name" maxLength:"200"`
	Condition *string `json:"condition" maxLength:"4000"`
	Action    *string `json:"action" enum:"percent_discount,amount_discount,set_price,formula"`
	Value     *Dec    `json:"value"`
	Formula   *string `json:"formula" maxLength:"4000"`
	Priority  *int    `json:"priority"`
	Stackable *bool   `json:"stackable"`
	ValidFrom *string `json:"valid_from" format:"date"`
	ValidTo   *string `json:"valid_to" format:"date"`
	Active    *bool   `json:"active"`
}

func priceRuleJSON(r pricing.Rule) PriceRuleJSON {
	return PriceRuleJSON{ID: r.ID, Name: r.Name, Condition: r.Condition, Action: string(r.Action), Value: fmtDec(r.Value, 0),
		Formula: optStr(r.Formula), Priority: r.Priority, Stackable: r.Stackable, ValidFrom: optStr(r.ValidFrom.String()), ValidTo: optStr(r.ValidTo.String()),
		Active: r.Active, Version: r.Version, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

func (r PriceRuleRequest) input() (pricing.RuleInput, error) {
	p := quotient.Problems{}
	if r.Condition == nil {
		p.Add("condition", "is required (use \"true\" for a rule that always applies)")
	}
	in := pricing.RuleInput{Name: strOr(r.Name), Condition: strOr(r.Condition), Formula: strOr(r.Formula),
		Action: pricing.Action(strOr(r.Action)), Value: r.Value.Value(&p, "value"), ValidFrom: day(&p, "valid_from", r.ValidFrom), ValidTo: day(&p, "valid_to", r.ValidTo),
		Active: r.Active}
	if r.Priority != nil {
		in.Priority = *r.Priority
	}
	in.Stackable = true
	if r.Stackable != nil {
		in.Stackable = *r.Stackable
	}
	return in, p.Err()
}

func (r PriceRuleRequest) patch() (pricing.RulePatch, error) {
	p := quotient.Problems{}
	out := pricing.RulePatch{Name: r.Name, Condition: r.Condition, Formula: r.Formula, Value: r.Value.Ptr(&p, "value"),
		Priority: r.Priority, Stackable: r.Stackable, ValidFrom: dayPatch(&p, "valid_from", r.ValidFrom), ValidTo: dayPatch(&p, "valid_to", r.ValidTo),
		Active: r.Active}
	if r.Action != nil {
		a := pricing.Action(*r.Action)
		out.Action = &a
	}
	return out, p.Err()
}

// TaxRateJSON is the rate of a tax region and product tax category.
type TaxRateJSON struct {
	ID          string    `json:"id"`
	Region      string    `json:"region"`
	TaxCategory string    `json:"tax_category"`
	RatePct     string    `json:"rate_pct" format:"decimal"`
	Name        string    `json:"name"`
	Reduced     bool      `json:"reduced"`
	Version     int       `json:"version"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// TaxRateRequest creates a rate (region, rate_pct and name required;
// tax_category defaults to standard) or changes one.
type TaxRateRequest struct {
	Region      *string `json:"region" maxLength:"10"`
	TaxCategory *string `json:"tax_category"`
	RatePct     *Dec    `json:"rate_pct"`
	Name        *string `json:"name" maxLength:"100"`
	Reduced     *bool   `json:"reduced"`
}

func taxRateJSON(t pricing.TaxRate) TaxRateJSON {
	return TaxRateJSON{ID: t.ID, Region: t.Region, TaxCategory: t.TaxCategory, RatePct: fmtDec(t.RatePct, 0), Name: t.Name,
		Reduced: t.Reduced, Version: t.Version, CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt}
}

func (r TaxRateRequest) input() (pricing.TaxRate, error) {
	p := quotient.Problems{}
	if r.RatePct == nil {
		p.Add("rate_pct", "is required")
	}
	out := pricing.TaxRate{Region: strOr(r.Region), TaxCategory: strOr(r.TaxCategory), RatePct: r.RatePct.Value(&p, "rate_pct"), Name: strOr(r.Name),
		Reduced: r.Reduced != nil && *r.Reduced}
	return out, p.Err()
}

func (r TaxRateRequest) patch() (pricing.TaxRatePatch, error) {
	p := quotient.Problems{}
	return pricing.TaxRatePatch{Region: r.Region, TaxCategory: r.TaxCategory, Name: r.Name, RatePct: r.RatePct.Ptr(&p, "rate_pct"), Reduced: r.Reduced}, p.Err()
}

// PreviewLineJSON is a line to price.
type PreviewLineJSON struct {
	ProductID         string                 `json:"product_id"`
	Quantity          *Dec                   `json:"quantity"`
	Configuration     map[string]ConfigValue `json:"configuration,omitempty"`
	ManualDiscountPct *Dec                   `json:"manual_discount_pct,omitempty"`
}

// PreviewRequest prices lines for an account without saving anything.
type PreviewRequest struct {
	AccountID         string            `json:"account_id"`
	Currency          string            `json:"currency,omitempty"`
	PriceBookID       string            `json:"price_book_id,omitempty"`
	PricingDate       string            `json:"pricing_date,omitempty" format:"date"`
	HeaderDiscountPct *Dec              `json:"header_discount_pct,omitempty"`
	Lines             []PreviewLineJSON `json:"lines"`
}

// configValue turns a JSON configuration value into its text form.
// ConfigValue is an attribute's value as it arrives in JSON: a string, a
// number (kept as its exact decimal text, so 96 and "96" are the same
// value, as money is), true or false. Anything else is reported by value.
type ConfigValue struct {
	text string
	bad  string
}

// UnmarshalJSON keeps the value's text; what cannot be one is remembered
// and reported with the field's name.
func (v *ConfigValue) UnmarshalJSON(b []byte) error {
	var d Dec
	switch {
	case len(b) > 0 && b[0] == '"':
		return json.Unmarshal(b, &v.text)
	case string(b) == "true", string(b) == "false":
		v.text = string(b)
	case string(b) == "null":
		v.text = ""
	default:
		_ = d.UnmarshalJSON(b)
		if d.bad != "" {
			v.bad = d.bad
			return nil
		}
		if _, ok := quotient.ParseDecimal(d.raw); !ok {
			v.bad = "not an exact decimal"
			return nil
		}
		v.text = d.raw
	}
	return nil
}

// MarshalJSON writes the value as a string.
func (v ConfigValue) MarshalJSON() ([]byte, error) { return json.Marshal(v.text) }

// ConfigOf makes a ConfigValue from text (tests and clients).
func ConfigOf(s string) ConfigValue { return ConfigValue{text: s} }

func configValue(p *quotient.Problems, field string, v ConfigValue) string {
	if v.bad != "" {
		p.Add(field, "must be a string, a number or true/false, not %s", v.bad)
		return ""
	}
	return v.text
}

func configuration(p *quotient.Problems, prefix string, in map[string]ConfigValue) map[string]string {
	if len(in) == 0 {
		return nil
	}
	out := make(map[string]string, len(in))
	for k, v := range in {
		out[k] = configValue(p, prefix+".configuration."+k, v)
	}
	return out
}

func (r PreviewRequest) input() (pricing.PreviewInput, error) {
	p := quotient.Problems{}
	in := pricing.PreviewInput{AccountID: r.AccountID, Currency: r.Currency, PriceBookID: r.PriceBookID, PricingDate: p.Date("pricing_date", r.PricingDate, quotient.Optional),
		HeaderDiscountPct: r.HeaderDiscountPct.Value(&p, "header_discount_pct")}
	if r.Currency != "" {
		p.Currency("currency", r.Currency)
	}
	for i, l := range r.Lines {
		f := fmt.Sprintf("lines[%d]", i)
		if l.ProductID == "" {
			p.Add(f+".product_id", "is required")
		}
		if l.Quantity == nil {
			p.Add(f+".quantity", "is required")
		}
		in.Lines = append(in.Lines, pricing.LineInput{ProductID: l.ProductID, Quantity: l.Quantity.Value(&p, f+".quantity"),
			Configuration: configuration(&p, f, l.Configuration), ManualDiscountPct: l.ManualDiscountPct.Value(&p, f+".manual_discount_pct")})
	}
	return in, p.Err()
}

// StepJSON is one step of a line's trace.
type StepJSON struct {
	Step    string  `json:"step"`
	RefID   string  `json:"ref_id,omitempty"`
	Name    string  `json:"name,omitempty"`
	Version int     `json:"version,omitempty"`
	Before  *string `json:"before,omitempty" format:"decimal"`
	After   *string `json:"after,omitempty" format:"decimal"`
	Detail  string  `json:"detail,omitempty"`
}

// PricedLineJSON is a priced line.
type PricedLineJSON struct {
	Number            int               `json:"number"`
	ProductID         string            `json:"product_id"`
	SKU               string            `json:"sku"`
	Name              string            `json:"name"`
	Quantity          string            `json:"quantity" format:"decimal"`
	Configuration     map[string]string `json:"configuration,omitempty"`
	ManualDiscountPct string            `json:"manual_discount_pct" format:"decimal"`
	ListPrice         string            `json:"list_price" format:"decimal"`
	UnitPrice         string            `json:"unit_price" format:"decimal"`
	ListAmount        string            `json:"list_amount" format:"decimal"`
	HeaderDiscount    string            `json:"header_discount" format:"decimal"`
	NetAmount         string            `json:"net_amount" format:"decimal"`
	TaxRateID         *string           `json:"tax_rate_id"`
	TaxRatePct        string            `json:"tax_rate_pct" format:"decimal"`
	TaxReduced        bool              `json:"tax_reduced"`
	TaxAmount         string            `json:"tax_amount" format:"decimal"`
	Cost              *string           `json:"cost" format:"decimal"`
	Margin            *string           `json:"margin" format:"decimal"`
	MarginPct         *string           `json:"margin_pct" format:"decimal"`
	Conflicts         []string          `json:"conflicts"`
	Warnings          []string          `json:"warnings"`
	Trace             []StepJSON        `json:"trace"`
	*LineTermsJSON
}

// LineTermsJSON is what a quote's line of a recurring product adds: its
// terms and its worth over them (omitted on one-time lines).
type LineTermsJSON struct {
	BillingPeriod    string  `json:"billing_period" enum:"month,quarter,year"`
	StartDate        string  `json:"start_date" format:"date"`
	EndDate          string  `json:"end_date" format:"date"`
	TermMonths       int     `json:"term_months"`
	BillingFrequency string  `json:"billing_frequency" enum:"month,quarter,year"`
	PriorQuantity    *string `json:"prior_quantity,omitempty" format:"decimal"`
	ContractPrice    *string `json:"contract_price,omitempty" format:"decimal"`
	PerPeriod        string  `json:"per_period" format:"decimal"`
	MRR              string  `json:"mrr" format:"decimal"`
	MRRChange        *string `json:"mrr_change,omitempty" format:"decimal"`
	TCV              string  `json:"tcv" format:"decimal"`
	FirstYearValue   string  `json:"first_year_value" format:"decimal"`
}

// TaxLineJSON is the tax of one rate on a document.
type TaxLineJSON struct {
	RateID  string `json:"rate_id"`
	Name    string `json:"name"`
	RatePct string `json:"rate_pct" format:"decimal"`
	Reduced bool   `json:"reduced"`
	Base    string `json:"base" format:"decimal"`
	Tax     string `json:"tax" format:"decimal"`
}

// PricingJSON is a priced document.
type PricingJSON struct {
	Currency          string           `json:"currency"`
	PricingDate       string           `json:"pricing_date" format:"date"`
	PriceBookID       string           `json:"price_book_id"`
	RulebookVersion   int              `json:"rulebook_version"`
	InputHash         string           `json:"input_hash"`
	Lines             []PricedLineJSON `json:"lines"`
	Subtotal          string           `json:"subtotal" format:"decimal"`
	DiscountTotal     string           `json:"discount_total" format:"decimal"`
	DiscountPct       string           `json:"discount_pct" format:"decimal"`
	HeaderDiscountPct string           `json:"header_discount_pct" format:"decimal"`
	NetTotal          string           `json:"net_total" format:"decimal"`
	Taxes             []TaxLineJSON    `json:"taxes"`
	TaxTotal          string           `json:"tax_total" format:"decimal"`
	Total             string           `json:"total" format:"decimal"`
	Cost              *string          `json:"cost" format:"decimal"`
	Margin            *string          `json:"margin" format:"decimal"`
	MarginPct         *string          `json:"margin_pct" format:"decimal"`
	HasConflicts      bool             `json:"has_conflicts"`
}

func moneyPtr(d *decimal.Decimal, cur string) *string {
	if d == nil {
		return nil
	}
	s := fmtMoney(*d, cur)
	return &s
}

func pricingJSON(r *pricing.Result) PricingJSON {
	cur := r.Currency
	money := func(d decimal.Decimal) string { return fmtMoney(d, cur) }
	out := PricingJSON{Currency: cur, PricingDate: r.PricingDate.String(), PriceBookID: r.PriceBookID, RulebookVersion: r.RulebookVersion,
		InputHash: r.InputHash, Lines: make([]PricedLineJSON, len(r.Lines)), Subtotal: money(r.Subtotal),
		DiscountTotal: money(r.DiscountTotal), DiscountPct: fmtDec(r.DiscountPct, 0), HeaderDiscountPct: fmtDec(r.HeaderDiscountPct, 0),
		NetTotal: money(r.NetTotal), Taxes: make([]TaxLineJSON, len(r.Taxes)), TaxTotal: money(r.TaxTotal), Total: money(r.Total),
		Cost: moneyPtr(r.Cost, cur), Margin: moneyPtr(r.Margin, cur), MarginPct: fmtDecPtr(r.MarginPct), HasConflicts: r.HasConflicts}
	for i, t := range r.Taxes {
		out.Taxes[i] = TaxLineJSON{RateID: t.RateID, Name: t.Name, RatePct: fmtDec(t.RatePct, 0), Reduced: t.Reduced, Base: money(t.Base), Tax: money(t.Tax)}
	}
	for i, l := range r.Lines {
		pl := PricedLineJSON{Number: l.Number, ProductID: l.ProductID, SKU: l.SKU, Name: l.Name, Quantity: fmtDec(l.Quantity, 0),
			Configuration: l.Configuration, ManualDiscountPct: fmtDec(l.ManualDiscountPct, 0), ListPrice: money(l.ListPrice),
			UnitPrice: money(l.UnitPrice), ListAmount: money(l.ListAmount), HeaderDiscount: money(l.HeaderDiscount),
			NetAmount: money(l.NetAmount), TaxRateID: optStr(l.TaxRateID), TaxRatePct: fmtDec(l.TaxRatePct, 0), TaxReduced: l.TaxReduced, TaxAmount: money(l.TaxAmount),
			Cost: moneyPtr(l.Cost, cur), Margin: moneyPtr(l.Margin, cur), MarginPct: fmtDecPtr(l.MarginPct),
			Conflicts: nonNil(l.Conflicts), Warnings: nonNil(l.Warnings), Trace: make([]StepJSON, len(l.Trace))}
		for k, s := range l.Trace {
			sj := StepJSON{Step: s.Step, Detail: s.Detail}
			if s.Ref != nil {
				sj.RefID, sj.Name, sj.Version = s.Ref.ID, s.Ref.Name, s.Ref.Version
			}
			if s.Priced {
				b, a := money(s.Before), money(s.After)
				if s.Step != "list_price" && s.Step != "tax" {
					sj.Before = &b
				}
				sj.After = &a
			}
			pl.Trace[k] = sj
		}
		out.Lines[i] = pl
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// FindingJSON is one problem the rulebook lint found.
type FindingJSON struct {
	Kind    string   `json:"kind" enum:"never_matches,expired,conflict"`
	RuleIDs []string `json:"rule_ids"`
	Message string   `json:"message"`
}

// CheckJSON is the result of POST /price-rules/check.
type CheckJSON struct {
	RulebookVersion int           `json:"rulebook_version"`
	Findings        []FindingJSON `json:"findings"`
}
