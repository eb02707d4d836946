package pricing

import (
	"fmt"

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
	// ContractPrice, when set, is the unit price a contract already
	// fixed (an amendment's existing seats, a renewal with its uplift):
	// it replaces the book's price, schedules and rules; only the rep's
	// manual discount still applies.
	ContractPrice *decimal.Decimal
	// Notices are the configuration's alerts (warnings that do not
	// block), filled by the preview; the priced line's warnings start
	// with them.
	Notices []string
}

// Request is everything one pricing depends on besides the book and the
// rulebook.
type Request struct {
	Currency          string
	Date              quotient.Date
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
	// BillingPeriod is what the line's prices pay for when its product
	// is recurring (month, quarter, year); "" for a one-time product.
	BillingPeriod  string
	ListPrice      decimal.Decimal // per unit, with options and required components
	UnitPrice      decimal.Decimal // per unit after schedule, rules and manual discount
	ListAmount     decimal.Decimal // ListPrice × Quantity, rounded
	HeaderDiscount decimal.Decimal
	NetAmount      decimal.Decimal
	TaxRateID      string
	TaxRatePct     decimal.Decimal
	TaxReduced     bool // the rate is a reduced one (documents mark the line)
	TaxAmount      decimal.Decimal
	Cost           *decimal.Decimal
	Margin         *decimal.Decimal
	MarginPct      *decimal.Decimal
	Trace          []Step
	Conflicts      []string
	Warnings       []string
}

// TaxLine is the tax of one rate on a document.
type TaxLine struct {
	RateID  string // the first rate record of the rate
	Name    string
	RatePct decimal.Decimal
	Reduced bool
	Base    decimal.Decimal
	Tax     decimal.Decimal
}

// Result is a priced document.
type Result struct {
	Currency          string
	PricingDate       quotient.Date
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
	day := req.Date
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
			Account: req.Account, Quote: quote, Config: configs[i], PricingDate: day.Time()}
		unit := l.ListPrice
		in := req.Lines[i]
		if in.ContractPrice != nil {
			unit = *in.ContractPrice
			l.Trace = append(l.Trace, Step{Step: "contract_price", Priced: true, Before: l.ListPrice, After: unit,
				Detail: fmt.Sprintf(sayContract, unit)})
		} else if s := rb.schedule(pr); s != nil {
			pct, uses := s.Discount(l.Quantity)
			if pct.IsPositive() {
				before := unit
				unit = unit.Mul(one.Sub(pct.Div(hundred)))
				l.Trace = append(l.Trace, Step{Step: "schedule", Ref: &Ref{ID: s.ID, Name: s.Name, Version: s.Version},
					Priced: true, Before: before, After: unit, Detail: describeTiers(s, uses, pct)})
			} else {
				l.Trace = append(l.Trace, Step{Step: "schedule_skipped", Ref: &Ref{ID: s.ID, Name: s.Name, Version: s.Version},
					Detail: fmt.Sprintf(sayNoTier, l.Quantity)})
			}
		}
		if in.ContractPrice == nil {
			c := cands[pr.ID]
			if n := len(rb.rules) - len(c); n > 0 {
				l.Trace = append(l.Trace, Step{Step: "rules_not_applicable", Detail: notApplicable[min(n, len(notApplicable)-1)]})
			}
			unit = applyRules(l, env, unit, c, day, texts)
		}
		if l.ManualDiscountPct.IsPositive() {
			before := unit
			unit = unit.Mul(one.Sub(l.ManualDiscountPct.Div(hundred)))
			l.Trace = append(l.Trace, Step{Step: "manual_discount", Priced: true, Before: before, After: unit,
				Detail: fmt.Sprintf(sayManual, l.ManualDiscountPct)})
		}
		l.UnitPrice = unit
		amount := cur.Round(unit.Mul(l.Quantity))
		l.NetAmount = amount
		l.Trace = append(l.Trace, Step{Step: "net_amount", Priced: true, Before: unit.Mul(l.Quantity), After: amount,
			Detail: texts.text("net\x00"+l.Quantity.String(), func() string {
				return fmt.Sprintf(sayNet, l.Quantity, cur.MinorUnits)
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
				Detail: fmt.Sprintf(sayHeader, req.HeaderDiscountPct, cur.Format(total))})
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
