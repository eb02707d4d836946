package pricing

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/catalog"
)

// LineInput is a line to price.
type LineInput struct {
	ProductID         string
	Quantity          decimal.Decimal
	Configuration     map[string]string
	ManualDiscountPct decimal.Decimal
}

// Request is everything one pricing depends on besides the book and the
// rulebook.
type Request struct {
	Currency          string
	Date              time.Time
	Account           AccountFacts
	Lines             []LineInput
	HeaderDiscountPct decimal.Decimal
	// CostCurrency is the currency of products' unit_cost; margins are
	// computed when it is the document's currency.
	CostCurrency string
}

// Book is the price book and what it prices: every product on the lines
// (and their bundle components) and their entries by product id.
type Book struct {
	PriceBook catalog.PriceBook
	Products  map[string]catalog.Product
	Entries   map[string]catalog.Entry
}

// Ref names what a trace step came from: a rule, schedule, entry or rate.
type Ref struct {
	ID      string
	Name    string
	Version int
}

// Step is one entry of a line's trace. Before and After are set when
// Priced is (a step that changed or set a price). Steps of one rule share
// its Ref, which keeps a 1,000-line trace compact.
type Step struct {
	Step   string
	Ref    *Ref
	Priced bool
	Before decimal.Decimal
	After  decimal.Decimal
	Detail string
}

// Line is a priced line.
type Line struct {
	Number            int
	ProductID         string
	SKU               string
	Name              string
	Quantity          decimal.Decimal
	Configuration     map[string]string
	ManualDiscountPct decimal.Decimal
	ListPrice         decimal.Decimal // per unit, with options and required components
	UnitPrice         decimal.Decimal // per unit after schedule, rules and manual discount
	ListAmount        decimal.Decimal // ListPrice × Quantity, rounded
	HeaderDiscount    decimal.Decimal
	NetAmount         decimal.Decimal
	TaxRateID         string
	TaxRatePct        decimal.Decimal
	TaxAmount         decimal.Decimal
	Cost              *decimal.Decimal
	Margin            *decimal.Decimal
	MarginPct         *decimal.Decimal
	Trace             []Step
	Conflicts         []string
	Warnings          []string
}

// TaxLine is the tax of one rate on a document.
type TaxLine struct {
	RateID  string
	Name    string
	RatePct decimal.Decimal
	Base    decimal.Decimal
	Tax     decimal.Decimal
}

// Result is a priced document.
type Result struct {
	Currency          string
	PricingDate       string
	PriceBookID       string
	RulebookVersion   int
	InputHash         string
	Lines             []Line
	Subtotal          decimal.Decimal // Σ list amounts
	DiscountTotal     decimal.Decimal // Subtotal − NetTotal
	HeaderDiscountPct decimal.Decimal
	NetTotal          decimal.Decimal
	Taxes             []TaxLine
	TaxTotal          decimal.Decimal
	Total             decimal.Decimal
	DiscountPct       decimal.Decimal
	Cost              *decimal.Decimal
	Margin            *decimal.Decimal
	MarginPct         *decimal.Decimal
	HasConflicts      bool
}

// MaxLines bounds one pricing.
const MaxLines = 10000

var (
	hundred = decimal.NewFromInt(100)
	one     = decimal.NewFromInt(1)
)

func ptr(d decimal.Decimal) *decimal.Decimal { return &d }

// Price runs the waterfall. It is a pure function of its arguments: the
// same request, book and rulebook give the same result, byte for byte.
// Problems with the input (a product without a price, a bad
// configuration) are one 422 naming every line and field at fault.
func Price(req Request, book Book, rb *Rulebook) (*Result, error) {
	cur, ok := quotient.LookupCurrency(req.Currency)
	if !ok {
		return nil, quotient.FieldErrorf(quotient.Unprocessable, "currency", "unknown currency %q", req.Currency)
	}
	if book.PriceBook.Currency != req.Currency {
		return nil, quotient.FieldErrorf(quotient.Unprocessable, "price_book_id", "the price book is in %s, the document in %s", book.PriceBook.Currency, req.Currency)
	}
	p := quotient.Problems{}
	if len(req.Lines) == 0 {
		p.Add("lines", "at least one line is required")
	}
	if len(req.Lines) > MaxLines {
		p.Add("lines", "at most %d lines", MaxLines)
	}
	if req.HeaderDiscountPct.IsNegative() || req.HeaderDiscountPct.GreaterThan(hundred) {
		p.Add("header_discount_pct", "must be between 0 and 100")
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	day := req.Date.UTC().Format(time.DateOnly)
	date, _ := time.Parse(time.DateOnly, day)
	res := &Result{Currency: req.Currency, PricingDate: day, PriceBookID: book.PriceBook.ID, RulebookVersion: rb.Version,
		HeaderDiscountPct: req.HeaderDiscountPct, Lines: make([]Line, len(req.Lines))}

	texts := newInterner()
	// Pass 1: list prices, which the rules' quote.list_total needs.
	configs := make([]map[string]any, len(req.Lines))
	for i, in := range req.Lines {
		l, cfg, err := listPrice(i, in, book, texts)
		if err != nil {
			addProblems(&p, err)
			continue
		}
		l.ListAmount = cur.Round(l.ListPrice.Mul(l.Quantity))
		res.Lines[i], configs[i] = l, cfg
		res.Subtotal = res.Subtotal.Add(l.ListAmount)
	}
	if err := p.Err(); err != nil {
		return nil, err
	}

	// Pass 2: schedules, rules and the manual discount, per line. The
	// candidate rules of each product are found once; every line's trace
	// gets a window of one arena sized for it, instead of its own growing
	// slice (a 1,000-line trace is ~90,000 steps).
	cands := map[string][]*compiledRule{}
	need := make([]int, len(res.Lines))
	total := 0
	for i := range res.Lines {
		pr := book.Products[res.Lines[i].ProductID]
		c, seen := cands[pr.ID] // the segment is the same for every line
		if !seen {
			c = rb.candidates(pr, req.Account.Segment)
			cands[pr.ID] = c
		}
		need[i] = len(res.Lines[i].Trace) + len(c) + 8
		total += need[i]
	}
	arena := make([]Step, total)
	for i := range res.Lines {
		l := &res.Lines[i]
		window := arena[:len(l.Trace):need[i]]
		copy(window, l.Trace)
		l.Trace = window
		arena = arena[need[i]:]
	}
	quote := QuoteFacts{Currency: req.Currency, LineCount: len(req.Lines), ListTotal: res.Subtotal}
	amounts := make([]int64, len(req.Lines))
	for i := range res.Lines {
		l := &res.Lines[i]
		pr := book.Products[l.ProductID]
		env := &LineEnv{Line: LineFacts{Number: l.Number, Quantity: l.Quantity, ListPrice: l.ListPrice, UnitPrice: l.ListPrice,
			ManualDiscountPct: l.ManualDiscountPct},
			Product: ProductFacts{ID: pr.ID, SKU: pr.SKU, Name: pr.Name, Family: pr.Family, Kind: string(pr.Kind),
				TaxCategory: pr.TaxCategory, UnitCost: pr.UnitCost},
			Account: req.Account, Quote: quote, Config: configs[i], PricingDate: date}
		unit := l.ListPrice
		if s := rb.schedule(pr); s != nil {
			pct, uses := s.Discount(l.Quantity)
			if pct.IsPositive() {
				before := unit
				unit = unit.Mul(one.Sub(pct.Div(hundred)))
				l.Trace = append(l.Trace, Step{Step: "schedule", Ref: &Ref{ID: s.ID, Name: s.Name, Version: s.Version},
					Priced: true, Before: before, After: unit, Detail: describeTiers(s, uses, pct)})
			} else {
				l.Trace = append(l.Trace, Step{Step: "schedule_skipped", Ref: &Ref{ID: s.ID, Name: s.Name, Version: s.Version},
					Detail: fmt.Sprintf("quantity %s is in no discounted tier", l.Quantity)})
			}
		}
		c := cands[pr.ID]
		if n := len(rb.rules) - len(c); n > 0 {
			l.Trace = append(l.Trace, Step{Step: "rules_not_applicable", Detail: notApplicable[min(n, len(notApplicable)-1)]})
		}
		unit = applyRules(l, env, unit, c, day, texts)
		if l.ManualDiscountPct.IsPositive() {
			before := unit
			unit = unit.Mul(one.Sub(l.ManualDiscountPct.Div(hundred)))
			l.Trace = append(l.Trace, Step{Step: "manual_discount", Priced: true, Before: before, After: unit,
				Detail: fmt.Sprintf("%s%% off by the rep", l.ManualDiscountPct)})
		}
		l.UnitPrice = unit
		amount := cur.Round(unit.Mul(l.Quantity))
		l.NetAmount = amount
		l.Trace = append(l.Trace, Step{Step: "net_amount", Priced: true, Before: unit.Mul(l.Quantity), After: amount,
			Detail: texts.text("net\x00"+l.Quantity.String(), func() string {
				return fmt.Sprintf("unit price × quantity %s, rounded to %d decimals half-up", l.Quantity, cur.MinorUnits)
			})})
		amounts[i], _ = cur.ToMinor(amount)
		res.HasConflicts = res.HasConflicts || len(l.Conflicts) > 0
	}

	// The header discount, spread over lines by largest remainder.
	if req.HeaderDiscountPct.IsPositive() {
		sum := decimal.Zero
		for _, l := range res.Lines {
			sum = sum.Add(l.NetAmount)
		}
		total := cur.Round(sum.Mul(req.HeaderDiscountPct).Div(hundred))
		minor, _ := cur.ToMinor(total)
		shares := allocate(minor, amounts)
		for i := range res.Lines {
			l := &res.Lines[i]
			share := cur.FromMinor(shares[i])
			before := l.NetAmount
			l.HeaderDiscount = share
			l.NetAmount = l.NetAmount.Sub(share)
			l.Trace = append(l.Trace, Step{Step: "header_discount", Priced: true, Before: before, After: l.NetAmount,
				Detail: fmt.Sprintf("this line's share of the %s%% header discount of %s, by largest remainder", req.HeaderDiscountPct, cur.Format(total))})
		}
	}
	for _, l := range res.Lines {
		res.NetTotal = res.NetTotal.Add(l.NetAmount)
	}
	res.DiscountTotal = res.Subtotal.Sub(res.NetTotal)
	if res.Subtotal.IsPositive() {
		res.DiscountPct = res.DiscountTotal.Mul(hundred).DivRound(res.Subtotal, 2)
	}
	tax(res, req, book, rb, cur)
	margins(res, req, book, cur)
	res.InputHash = inputHash(req, book, rb)
	return res, nil
}

func addProblems(p *quotient.Problems, err error) {
	if qe, ok := err.(*quotient.Error); ok {
		if len(qe.Fields) > 0 {
			p.Fields = append(p.Fields, qe.Fields...)
			return
		}
		p.Add(qe.Field, "%s", qe.Message)
		return
	}
	p.Add("lines", "%v", err)
}

// listPrice computes step 1: the book's unit price, option deltas and
// required bundle components.
func listPrice(i int, in LineInput, book Book, texts *interner) (Line, map[string]any, error) {
	f := fmt.Sprintf("lines[%d]", i)
	p := quotient.Problems{}
	pr, ok := book.Products[in.ProductID]
	if !ok {
		return Line{}, nil, quotient.FieldErrorf(quotient.Unprocessable, f+".product_id", "no such product %q", in.ProductID)
	}
	if !in.Quantity.IsPositive() {
		p.Add(f+".quantity", "must be greater than zero")
	}
	p.Scale(f+".quantity", in.Quantity, 6)
	if in.ManualDiscountPct.IsNegative() || in.ManualDiscountPct.GreaterThan(hundred) {
		p.Add(f+".manual_discount_pct", "must be between 0 and 100")
	}
	if !pr.Active {
		p.Add(f+".product_id", "product %s is inactive", pr.SKU)
	}
	e, ok := book.Entries[pr.ID]
	if !ok || !e.Active {
		p.Add(f+".product_id", "product %s has no active price in price book %s", pr.SKU, book.PriceBook.Name)
	}
	choices, err := catalog.ResolveConfiguration(pr, in.Configuration)
	if err != nil {
		if qe, ok := err.(*quotient.Error); ok {
			for _, fe := range qe.Fields {
				p.Add(f+"."+fe.Field, "%s", fe.Message)
			}
		}
	}
	if err := p.Err(); err != nil {
		return Line{}, nil, err
	}
	l := Line{Number: i + 1, ProductID: pr.ID, SKU: pr.SKU, Name: pr.Name, Quantity: in.Quantity,
		Configuration: in.Configuration, ManualDiscountPct: in.ManualDiscountPct}
	price := e.UnitPrice
	l.Trace = append(l.Trace, Step{Step: "list_price", Ref: &Ref{ID: e.ID, Name: book.PriceBook.Name}, Priced: true, Before: price, After: price,
		Detail: texts.text("list\x00"+pr.ID, func() string { return pr.SKU + " in " + book.PriceBook.Name })})
	var cfg map[string]any
	if len(choices) > 0 {
		cfg = make(map[string]any, len(choices))
	}
	for _, c := range choices {
		switch c.Attribute.Type {
		case catalog.Enum:
			cfg[c.Attribute.Code] = c.Value
			delta := catalog.OptionPrice(e, c.Attribute.Code, *c.Option)
			if !delta.IsZero() {
				before := price
				price = price.Add(delta)
				l.Trace = append(l.Trace, Step{Step: "option", Ref: &Ref{Name: c.Attribute.Name + ": " + c.Option.Label},
					Priced: true, Before: before, After: price, Detail: fmt.Sprintf("%s = %s adds %s", c.Attribute.Code, c.Value, delta)})
			}
		case catalog.Number:
			cfg[c.Attribute.Code] = c.Number
		case catalog.Boolean:
			cfg[c.Attribute.Code] = c.Value == "true"
		}
	}
	for _, comp := range pr.Components {
		if !comp.Required {
			continue
		}
		cp, ok := book.Products[comp.ProductID]
		ce, priced := book.Entries[comp.ProductID]
		if !ok || !priced || !ce.Active {
			return Line{}, nil, quotient.FieldErrorf(quotient.Unprocessable, f+".product_id",
				"bundle %s needs component %s, which has no active price in %s", pr.SKU, comp.ProductID, book.PriceBook.Name)
		}
		add := ce.UnitPrice.Mul(comp.Quantity)
		before := price
		price = price.Add(add)
		l.Trace = append(l.Trace, Step{Step: "bundle_component", Ref: &Ref{ID: cp.ID, Name: cp.SKU},
			Priced: true, Before: before, After: price, Detail: fmt.Sprintf("%s × %s at %s", comp.Quantity, cp.SKU, ce.UnitPrice)})
	}
	l.ListPrice = price
	return l, cfg, nil
}

// notApplicable are the texts of the rules_not_applicable step, by count.
var notApplicable = func() []string {
	out := make([]string, 1001)
	for n := range out {
		out[n] = fmt.Sprintf("%d rule(s) test another product, family or segment and were not evaluated", n)
	}
	out[1000] = "1000 or more rules test another product, family or segment and were not evaluated"
	return out
}()

func describeTiers(s *catalog.Schedule, uses []catalog.TierUse, pct decimal.Decimal) string {
	if s.Type == catalog.Range {
		return fmt.Sprintf("range schedule: quantity in tier %d, %s%% off every unit", uses[0].Index+1, pct)
	}
	parts := make([]string, len(uses))
	for i, u := range uses {
		parts[i] = fmt.Sprintf("%s at %s%%", u.Quantity, u.DiscountPct)
	}
	return fmt.Sprintf("slab schedule: %s; %s%% off on average", strings.Join(parts, ", "), pct.Round(6))
}

// applyRules runs step 3 and records every rule considered.
// interner shares the text of identical trace entries within one
// pricing: a skipped rule's explanation depends only on the facts it reads,
// so lines with the same quantity (and product, when it reads the product)
// share the words, built once. Keys are small integers, not strings.
type interner struct {
	qtys     map[string]int32
	products map[string]int32
	details  map[internKey]string
	texts    map[string]string // per-line texts that repeat: keyed by their inputs
}

// text returns the cached text for key, building it once.
func (in *interner) text(key string, build func() string) string {
	t, ok := in.texts[key]
	if !ok {
		t = build()
		in.texts[key] = t
	}
	return t
}

type internKey struct {
	rule, qty, product int32
}

func newInterner() *interner {
	return &interner{qtys: map[string]int32{}, products: map[string]int32{}, details: map[internKey]string{}, texts: map[string]string{}}
}

func (in *interner) index(m map[string]int32, k string) int32 {
	i, ok := m[k]
	if !ok {
		i = int32(len(m))
		m[k] = i
	}
	return i
}

// lineKeys are a line's interned quantity and product.
type lineKeys struct {
	qty, product int32
	qtyText      string
	configured   bool
}

func (in *interner) keys(l *Line) lineKeys {
	qty := l.Quantity.String()
	return lineKeys{qty: in.index(in.qtys, qty), product: in.index(in.products, l.ProductID), qtyText: qty,
		configured: len(l.Configuration) > 0}
}

// falseDetail is the trace text of a rule whose condition was false.
func (in *interner) falseDetail(r *compiledRule, env *LineEnv, k lineKeys) string {
	build := func() string {
		d := r.falseText
		if ex := explain(r.cond.Paths(), env, k.qtyText); ex != "" {
			d += " (" + ex + ")"
		}
		return d
	}
	if r.readsUnit || (r.readsProduct && k.configured) {
		return build()
	}
	key := internKey{rule: r.idx, qty: -1, product: -1}
	if r.readsQty {
		key.qty = k.qty
	}
	if r.readsProduct {
		key.product = k.product
	}
	d, ok := in.details[key]
	if !ok {
		d = build()
		in.details[key] = d
	}
	return d
}

func applyRules(l *Line, env *LineEnv, unit decimal.Decimal, cands []*compiledRule, day string, texts *interner) decimal.Decimal {
	var stop *compiledRule
	keys := texts.keys(l)
	for _, r := range cands {
		skip := func(why string) {
			l.Trace = append(l.Trace, Step{Step: "rule_skipped", Ref: r.ref, Detail: why})
		}
		if !r.validOn(day) {
			skip(fmt.Sprintf("outside validity (%s to %s)", orOpen(r.ValidFrom), orOpen(r.ValidTo)))
			continue
		}
		env.Line.UnitPrice = unit
		if stop != nil {
			if r.Priority == stop.Priority && !r.Stackable {
				if ok, err := r.test(env); err == nil && ok {
					msg := fmt.Sprintf("non-stackable rules %q and %q both match at priority %d; change a priority or make one stackable", stop.Name, r.Name, r.Priority)
					l.Conflicts = append(l.Conflicts, msg)
					skip("conflict: " + msg)
					continue
				}
			}
			skip(fmt.Sprintf("after non-stackable rule %q", stop.Name))
			continue
		}
		ok, err := r.test(env)
		if err != nil {
			l.Warnings = append(l.Warnings, fmt.Sprintf("rule %q: %v", r.Name, err))
			skip("error: " + err.Error())
			continue
		}
		if !ok {
			skip(texts.falseDetail(r, env, keys))
			continue
		}
		before := unit
		switch r.Action {
		case PercentDiscount:
			unit = unit.Mul(r.factor)
		case AmountDiscount:
			unit = unit.Sub(r.Value)
		case SetPrice:
			unit = r.Value
		case Formula:
			v, err := r.newPrice(env)
			if err != nil {
				l.Warnings = append(l.Warnings, fmt.Sprintf("rule %q: formula: %v", r.Name, err))
				skip("error in formula: " + err.Error())
				continue
			}
			unit = v
		}
		step := Step{Step: "rule", Ref: r.ref, Priced: true, Before: before, After: unit,
			Detail: r.desc}
		l.Trace = append(l.Trace, step)
		if unit.IsNegative() {
			l.Trace = append(l.Trace, Step{Step: "clamp", Ref: r.ref, Priced: true, Before: unit, After: decimal.Zero,
				Detail: "a unit price cannot go below zero"})
			unit = decimal.Zero
		}
		if !r.Stackable {
			stop = r
		}
	}
	return unit
}

func orOpen(s string) string {
	if s == "" {
		return "open"
	}
	return s
}

func describeAction(r *compiledRule) string {
	switch r.Action {
	case PercentDiscount:
		return fmt.Sprintf("%s%% off", r.Value)
	case AmountDiscount:
		return fmt.Sprintf("%s off per unit", r.Value)
	case SetPrice:
		return fmt.Sprintf("unit price set to %s", r.Value)
	}
	return "formula: " + r.Formula
}

// tax computes step 6: per rate, on the sum of the lines at that rate,
// rounded once per rate, then shown per line by largest remainder.
func tax(res *Result, req Request, book Book, rb *Rulebook, cur quotient.Currency) {
	type group struct {
		rate  *TaxRate
		lines []int
		base  decimal.Decimal
	}
	groups := map[string]*group{}
	var order []string
	for i := range res.Lines {
		l := &res.Lines[i]
		pr := book.Products[l.ProductID]
		r := rb.taxRate(req.Account.TaxRegion, pr.TaxCategory)
		key := ""
		if r != nil {
			key = r.ID
			l.TaxRateID, l.TaxRatePct = r.ID, r.RatePct
		} else {
			l.Trace = append(l.Trace, Step{Step: "tax", Detail: fmt.Sprintf("no tax rate for region %q and category %q: 0%%", req.Account.TaxRegion, pr.TaxCategory)})
		}
		g, ok := groups[key]
		if !ok {
			g = &group{rate: r}
			groups[key] = g
			order = append(order, key)
		}
		g.lines = append(g.lines, i)
		g.base = g.base.Add(l.NetAmount)
	}
	sort.Strings(order)
	for _, key := range order {
		g := groups[key]
		if g.rate == nil {
			continue
		}
		total := cur.Round(g.base.Mul(g.rate.RatePct).Div(hundred))
		weights := make([]int64, len(g.lines))
		for k, i := range g.lines {
			weights[k], _ = cur.ToMinor(res.Lines[i].NetAmount)
		}
		minor, _ := cur.ToMinor(total)
		shares := allocate(minor, weights)
		detail := fmt.Sprintf("%s%% on %s of lines at this rate is %s, rounded once; this line's share by largest remainder",
			g.rate.RatePct, cur.Format(g.base), cur.Format(total))
		ref := &Ref{ID: g.rate.ID, Name: g.rate.Name}
		for k, i := range g.lines {
			l := &res.Lines[i]
			l.TaxAmount = cur.FromMinor(shares[k])
			l.Trace = append(l.Trace, Step{Step: "tax", Ref: ref, Priced: true, After: l.TaxAmount, Detail: detail})
		}
		res.Taxes = append(res.Taxes, TaxLine{RateID: g.rate.ID, Name: g.rate.Name, RatePct: g.rate.RatePct, Base: g.base, Tax: total})
		res.TaxTotal = res.TaxTotal.Add(total)
	}
	res.Total = res.NetTotal.Add(res.TaxTotal)
}

// margins computes cost and margin per line and for the document when
// costs are in the document's currency.
func margins(res *Result, req Request, book Book, cur quotient.Currency) {
	rate := one
	if req.CostCurrency != req.Currency {
		if book.PriceBook.CostRate == nil {
			return // costs are in another currency and the book gives no rate
		}
		rate = *book.PriceBook.CostRate
	}
	costTotal := decimal.Zero
	for i := range res.Lines {
		l := &res.Lines[i]
		pr := book.Products[l.ProductID]
		unitCost := pr.UnitCost
		for _, comp := range pr.Components {
			if comp.Required {
				unitCost = unitCost.Add(book.Products[comp.ProductID].UnitCost.Mul(comp.Quantity))
			}
		}
		cost := cur.Round(unitCost.Mul(rate).Mul(l.Quantity))
		margin := l.NetAmount.Sub(cost)
		l.Cost, l.Margin = ptr(cost), ptr(margin)
		if l.NetAmount.IsPositive() {
			l.MarginPct = ptr(margin.Mul(hundred).DivRound(l.NetAmount, 2))
		}
		costTotal = costTotal.Add(cost)
	}
	margin := res.NetTotal.Sub(costTotal)
	res.Cost, res.Margin = ptr(costTotal), ptr(margin)
	if res.NetTotal.IsPositive() {
		res.MarginPct = ptr(margin.Mul(hundred).DivRound(res.NetTotal, 2))
	}
}

// inputHash fingerprints everything the result depends on.
func inputHash(req Request, book Book, rb *Rulebook) string {
	h := sha256.New()
	w := func(parts ...any) {
		fmt.Fprintln(h, parts...)
	}
	w("v1", req.Currency, req.Date.UTC().Format(time.DateOnly), req.CostCurrency, req.HeaderDiscountPct.String())
	a := req.Account
	w("account", a.ID, a.Name, a.Segment, a.Industry, a.TaxRegion, a.Currency)
	w("book", book.PriceBook.ID, book.PriceBook.Version, "rulebook", rb.Version)
	if book.PriceBook.CostRate != nil {
		w("cost_rate", book.PriceBook.CostRate.String())
	}
	ids := map[string]bool{}
	for _, l := range req.Lines {
		keys := make([]string, 0, len(l.Configuration))
		for k := range l.Configuration {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		cfg := make([]string, len(keys))
		for i, k := range keys {
			cfg[i] = k + "=" + l.Configuration[k]
		}
		w("line", l.ProductID, l.Quantity.String(), l.ManualDiscountPct.String(), strings.Join(cfg, "&"))
		ids[l.ProductID] = true
		for _, c := range book.Products[l.ProductID].Components {
			ids[c.ProductID] = true
		}
	}
	sorted := make([]string, 0, len(ids))
	for id := range ids {
		sorted = append(sorted, id)
	}
	sort.Strings(sorted)
	for _, id := range sorted {
		p := book.Products[id]
		e := book.Entries[id]
		w("product", id, p.Version, "entry", e.ID, e.Version)
	}
	return hex.EncodeToString(h.Sum(nil))
}
