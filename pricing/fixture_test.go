package pricing

import (
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/catalog"
	"github.com/quotient-cpq/quotient/rules"
)

func d(s string) decimal.Decimal   { return decimal.RequireFromString(s) }
func dp(s string) *decimal.Decimal { v := d(s); return &v }

var day = quotient.NewDate(2026, time.November, 26)

// fixture is a small catalog in one currency.
type fixture struct {
	book     Book
	rules    []Rule
	sched    []catalog.Schedule
	taxes    []TaxRate
	currency string
}

func newFixture(currency string) *fixture {
	f := &fixture{currency: currency, book: Book{PriceBook: catalog.PriceBook{ID: "pb1", Name: "List", Currency: currency, Active: true, Version: 1},
		Products: map[string]catalog.Product{}, Entries: map[string]catalog.Entry{}}}
	return f
}

func (f *fixture) product(id, family, price, cost string) *fixture {
	f.book.Products[id] = catalog.Product{ID: id, SKU: "SKU-" + id, Name: "Product " + id, Family: family, Kind: catalog.KindGood,
		UnitCost: d(cost), TaxCategory: "standard", Active: true, Version: 1}
	f.book.Entries[id] = catalog.Entry{ID: "e-" + id, PriceBookID: "pb1", ProductID: id, UnitPrice: d(price), Active: true, Version: 1}
	return f
}

func (f *fixture) rule(name, cond string, action Action, value string, priority int, stackable bool) *fixture {
	r := Rule{ID: "r-" + name, Name: name, Condition: cond, Action: action, Priority: priority, Stackable: stackable, Active: true, Version: 1}
	if action == Formula {
		r.Formula = value
	} else {
		r.Value = d(value)
	}
	f.rules = append(f.rules, r)
	return f
}

func (f *fixture) price(t testing.TB, lines []LineInput, mod ...func(*Request)) *Result {
	t.Helper()
	rb, err := NewRulebook(1, f.sched, f.rules, f.taxes, &rules.Cache{})
	if err != nil {
		t.Fatal(err)
	}
	req := Request{Currency: f.currency, Date: day, Account: AccountFacts{ID: "acc1", Segment: "enterprise", TaxRegion: "US-CA", Currency: f.currency},
		Lines: lines, CostCurrency: f.currency}
	for _, m := range mod {
		m(&req)
	}
	res, err := Price(req, f.book, rb)
	if err != nil {
		t.Fatal(err)
	}
	saidInFormats(t, res)
	return res
}

// saidInFormats holds every detail, conflict and warning of a priced
// result to one of TraceFormats, read back into the same text: a page
// in another language can then say each through its catalog.
func saidInFormats(t testing.TB, res *Result) {
	t.Helper()
	for _, l := range res.Lines {
		texts := append(append([]string{}, l.Conflicts...), l.Warnings...)
		for _, s := range l.Trace {
			texts = append(texts, s.Detail)
		}
		for _, text := range texts {
			format, args, ok := ParseDetail(text)
			if !ok {
				t.Errorf("line %d: %q is in none of TraceFormats", l.Number, text)
				continue
			}
			if again := fmt.Sprintf(format, args...); again != text {
				t.Errorf("line %d: %q reads back as %q", l.Number, text, again)
			}
		}
	}
}

func line(id, qty string) LineInput { return LineInput{ProductID: id, Quantity: d(qty)} }

func steps(l Line, kind string) []Step {
	var out []Step
	for _, s := range l.Trace {
		if s.Step == kind {
			out = append(out, s)
		}
	}
	return out
}

func names(ss []Step) string {
	out := ""
	for i, s := range ss {
		if i > 0 {
			out += ","
		}
		out += s.Ref.Name
	}
	return out
}

var _ = fmt.Sprint
