package pricing

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/expr-lang/expr/ast"
	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/catalog"
	"github.com/quotient-cpq/quotient/rules"
)

// Action is what a matching price rule does to the unit price.
type Action string

// The actions of docs/api.md.
const (
	PercentDiscount Action = "percent_discount" // value: percent off
	AmountDiscount  Action = "amount_discount"  // value: amount off per unit
	SetPrice        Action = "set_price"        // value: the new unit price
	Formula         Action = "formula"          // formula: an expression giving the new unit price
)

// Rule is a price rule.
type Rule struct {
	ID        string
	Name      string
	Condition string
	Action    Action
	Value     decimal.Decimal
	Formula   string
	Priority  int
	Stackable bool
	ValidFrom quotient.Date
	ValidTo   quotient.Date
	Active    bool
	Version   int
	CreatedAt time.Time
	UpdatedAt time.Time
}

// TaxRate is the rate for a tax region and a product tax category.
type TaxRate struct {
	ID          string
	Region      string
	TaxCategory string
	RatePct     decimal.Decimal
	Name        string
	// Reduced marks a reduced rate (Japan's 8 %): documents mark the
	// items it applies to.
	Reduced   bool
	Version   int
	CreatedAt time.Time
	UpdatedAt time.Time
}

// ValidateRule checks a rule and compiles its expressions (422 with line
// and column when they do not compile).
func ValidateRule(r Rule, cache *rules.Cache) error {
	p := quotient.Problems{}
	p.Text("name", r.Name, quotient.Required, 200)
	p.OneOf("action", string(r.Action), "percent_discount", "amount_discount", "set_price", "formula")
	switch r.Action {
	case PercentDiscount:
		if r.Value.IsNegative() || r.Value.GreaterThan(decimal.NewFromInt(100)) {
			p.Add("value", "a percent discount must be between 0 and 100")
		}
	case AmountDiscount, SetPrice:
		if r.Value.IsNegative() {
			p.Add("value", "must not be negative")
		}
	case Formula:
		if strings.TrimSpace(r.Formula) == "" {
			p.Add("formula", "a formula rule needs a formula giving the new unit price")
		}
	}
	if r.Action != Formula && r.Formula != "" {
		p.Add("formula", "only formula rules have a formula")
	}
	p.Scale("value", r.Value, 6)
	if r.Priority < 0 || r.Priority > 1_000_000 {
		p.Add("priority", "must be between 0 and 1000000")
	}
	if !r.ValidFrom.IsZero() && !r.ValidTo.IsZero() && r.ValidTo.Before(r.ValidFrom) {
		p.Add("valid_to", "must not be before valid_from")
	}
	if err := p.Err(); err != nil {
		return err
	}
	if _, err := rules.Compile(r.Condition, LineEnv{}, rules.Bool); err != nil {
		return rules.AsProblem(err, "condition")
	}
	if r.Action == Formula {
		if _, err := rules.Compile(r.Formula, LineEnv{}, rules.Decimal); err != nil {
			return rules.AsProblem(err, "formula")
		}
	}
	return nil
}

// ValidateTaxRate checks a tax rate.
func ValidateTaxRate(t TaxRate) error {
	p := quotient.Problems{}
	p.Text("region", t.Region, quotient.Required, 10)
	p.MachineCode("tax_category", t.TaxCategory)
	p.Text("name", t.Name, quotient.Required, 100)
	if t.RatePct.IsNegative() || t.RatePct.GreaterThan(decimal.NewFromInt(100)) {
		p.Add("rate_pct", "must be between 0 and 100")
	}
	p.Scale("rate_pct", t.RatePct, 4)
	return p.Err()
}

// compiledRule is a rule ready to evaluate, with what indexing learned.
type compiledRule struct {
	Rule
	cond    *rules.Program
	formula *rules.Program
	// fastCond and fastFormula run common shapes without the VM.
	fastCond    boolFn
	fastFormula decFn
	desc        string
	factor      decimal.Decimal // 1 − value/100 for percent discounts
	falseText   string          // "condition false: <condition>"
	idx         int32
	ref         *Ref // shared by every trace step of this rule
	// What the condition reads decides when its explanation can be shared
	// between lines (see interner).
	readsUnit, readsQty, readsProduct bool
	// Only lines whose product family / sku / id / account segment is in
	// these sets can match (nil: no constraint).
	families, skus, productIDs, segments map[string]bool
}

// test evaluates the condition.
func (c *compiledRule) test(env *LineEnv) (bool, error) {
	if c.fastCond != nil {
		return c.fastCond(env), nil
	}
	return c.cond.Bool(env)
}

// newPrice evaluates the formula.
func (c *compiledRule) newPrice(env *LineEnv) (decimal.Decimal, error) {
	if c.fastFormula != nil {
		return c.fastFormula(env), nil
	}
	return c.formula.Decimal(env)
}

func (c *compiledRule) validOn(day quotient.Date) bool { return day.Within(c.ValidFrom, c.ValidTo) }

// Rulebook is the compiled, indexed set of rules one pricing uses.
type Rulebook struct {
	Version   int
	schedules []catalog.Schedule
	rules     []*compiledRule // active rules, by priority then name
	taxes     []TaxRate
}

// NewRulebook compiles active rules (through the cache, so a rule version
// compiles once per process) and indexes them.
func NewRulebook(version int, schedules []catalog.Schedule, rs []Rule, taxes []TaxRate, cache *rules.Cache) (*Rulebook, error) {
	rb := &Rulebook{Version: version, taxes: taxes}
	for _, s := range schedules {
		if s.Active {
			rb.schedules = append(rb.schedules, s)
		}
	}
	sort.SliceStable(rb.schedules, func(i, j int) bool { return rb.schedules[i].Name < rb.schedules[j].Name })
	for _, r := range rs {
		if !r.Active {
			continue
		}
		cond, err := cache.Get(r.ID, r.Version, r.Condition, LineEnv{}, rules.Bool)
		if err != nil {
			return nil, fmt.Errorf("price rule %s (%s): condition: %w", r.Name, r.ID, err)
		}
		c := &compiledRule{Rule: r, cond: cond}
		if r.Action == Formula {
			if c.formula, err = cache.Get(r.ID+"#formula", r.Version, r.Formula, LineEnv{}, rules.Decimal); err != nil {
				return nil, fmt.Errorf("price rule %s (%s): formula: %w", r.Name, r.ID, err)
			}
		}
		c.index(cond.Node())
		c.fastCond, _ = fastBool(cond.Node())
		if c.formula != nil {
			c.fastFormula, _ = fastDec(c.formula.Node())
		}
		c.desc = describeAction(c)
		c.factor = one.Sub(r.Value.Div(hundred))
		c.falseText = "condition false: " + r.Condition // sayFalse
		c.idx = int32(len(rb.rules))
		c.ref = &Ref{ID: r.ID, Name: r.Name, Version: r.Version}
		for _, p := range cond.Paths() {
			switch {
			case p == "line.quantity":
				c.readsQty = true
			case strings.HasPrefix(p, "product."), p == "line.list_price", strings.HasPrefix(p, "config."):
				c.readsProduct = true
			case strings.HasPrefix(p, "account."), strings.HasPrefix(p, "quote."):
				// the same for every line of one pricing
			default: // line.unit_price, line.number, anything else: per line
				c.readsUnit = true
			}
		}
		rb.rules = append(rb.rules, c)
	}
	sort.SliceStable(rb.rules, func(i, j int) bool {
		if rb.rules[i].Priority != rb.rules[j].Priority {
			return rb.rules[i].Priority < rb.rules[j].Priority
		}
		return rb.rules[i].Name < rb.rules[j].Name
	})
	return rb, nil
}

// index reads the top-level conjuncts of a condition for equality or
// membership tests on the product's family, sku or id or the account's
// segment, so that lines which cannot match never evaluate the rule.
func (c *compiledRule) index(n ast.Node) {
	for _, conj := range conjuncts(n) {
		b, ok := conj.(*ast.BinaryNode)
		if !ok {
			continue
		}
		var field string
		var values []string
		switch b.Operator {
		case "==":
			field, ok = fieldOf(b.Left)
			if s, isStr := b.Right.(*ast.StringNode); ok && isStr {
				values = []string{s.Value}
			} else if f2, ok2 := fieldOf(b.Right); ok2 {
				if s, isStr := b.Left.(*ast.StringNode); isStr {
					field, values = f2, []string{s.Value}
				}
			}
		case "in":
			field, ok = fieldOf(b.Left)
			if ok {
				values, ok = stringSet(b.Right)
			}
		}
		if field == "" || values == nil || !ok {
			continue
		}
		set := map[string]bool{}
		for _, v := range values {
			set[v] = true
		}
		switch field {
		case "product.family":
			c.families = intersect(c.families, set)
		case "product.sku":
			c.skus = intersect(c.skus, set)
		case "product.id":
			c.productIDs = intersect(c.productIDs, set)
		case "account.segment":
			c.segments = intersect(c.segments, set)
		}
	}
}

func intersect(a, b map[string]bool) map[string]bool {
	if a == nil {
		return b
	}
	out := map[string]bool{}
	for k := range a {
		if b[k] {
			out[k] = true
		}
	}
	return out
}

func conjuncts(n ast.Node) []ast.Node {
	if b, ok := n.(*ast.BinaryNode); ok && (b.Operator == "and" || b.Operator == "&&") {
		return append(conjuncts(b.Left), conjuncts(b.Right)...)
	}
	return []ast.Node{n}
}

func fieldOf(n ast.Node) (string, bool) {
	m, ok := n.(*ast.MemberNode)
	if !ok {
		return "", false
	}
	base, ok := m.Node.(*ast.IdentifierNode)
	prop, ok2 := m.Property.(*ast.StringNode)
	if !ok || !ok2 {
		return "", false
	}
	return base.Value + "." + prop.Value, true
}

func stringSet(n ast.Node) ([]string, bool) {
	switch x := n.(type) {
	case *ast.ArrayNode:
		var out []string
		for _, e := range x.Nodes {
			s, ok := e.(*ast.StringNode)
			if !ok {
				return nil, false
			}
			out = append(out, s.Value)
		}
		return out, true
	case *ast.ConstantNode:
		switch v := x.Value.(type) {
		case map[string]struct{}:
			out := make([]string, 0, len(v))
			for k := range v {
				out = append(out, k)
			}
			return out, true
		case []string:
			return v, true
		case []any:
			var out []string
			for _, e := range v {
				s, ok := e.(string)
				if !ok {
					return nil, false
				}
				out = append(out, s)
			}
			return out, true
		}
	}
	return nil, false
}

// candidates returns, in application order, the rules that can match a
// line of this product for this account.
func (rb *Rulebook) candidates(p catalog.Product, segment string) []*compiledRule {
	var out []*compiledRule
	for _, r := range rb.rules {
		if (r.families != nil && !r.families[p.Family]) || (r.skus != nil && !r.skus[p.SKU]) ||
			(r.productIDs != nil && !r.productIDs[p.ID]) || (r.segments != nil && !r.segments[segment]) {
			continue
		}
		out = append(out, r)
	}
	return out
}

// schedule returns the volume schedule for a product: one naming the
// product wins over one for its family; among equals, the first by name.
func (rb *Rulebook) schedule(p catalog.Product) *catalog.Schedule {
	var family *catalog.Schedule
	for i := range rb.schedules {
		s := &rb.schedules[i]
		for _, id := range s.ProductIDs {
			if id == p.ID {
				return s
			}
		}
		if family == nil && s.Family != "" && s.Family == p.Family {
			family = s
		}
	}
	return family
}

// taxRate finds the rate for a region and category: the exact region
// first ("US-CA"), then its country ("US").
func (rb *Rulebook) taxRate(region, category string) *TaxRate {
	country, _, _ := strings.Cut(region, "-")
	var best *TaxRate
	for i := range rb.taxes {
		t := &rb.taxes[i]
		if t.TaxCategory != category {
			continue
		}
		if t.Region == region {
			return t
		}
		if t.Region == country && best == nil {
			best = t
		}
	}
	return best
}
