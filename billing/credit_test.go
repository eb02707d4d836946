package billing

import (
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
)

func creditTestInvoice() Invoice {
	return Invoice{Number: "INV-1", Lines: []InvoiceLine{
		{OrderLineID: "a", Quantity: 3_000_000, Net: 10000, Tax: 825, TaxRatePct: decimal.RequireFromString("8.25")},
		{OrderLineID: "b", Quantity: 1_000_000, Net: 3333, Tax: 0},
		{OrderLineID: "c", Quantity: 7_000_000, Net: 7001, Tax: 1400},
	}}
}

// Thirds of a line, then the rest, give back exactly what the line charged.
func TestCreditByLinesAddsUpToTheLine(t *testing.T) {
	usd, _ := quotient.LookupCurrency("USD")
	inv := creditTestInvoice()
	done := map[int]Credited{}
	for i := 0; i < 3; i++ {
		p := quotient.Problems{}
		got := byLines(&p, inv, done, []CreditLineInput{{OrderLineID: "a", Quantity: 1_000_000}}, usd)
		if p.Err() != nil || len(got) != 1 {
			t.Fatalf("third %d: %v %v", i, got, p.Err())
		}
		d := done[1]
		done[1] = Credited{Quantity: d.Quantity + got[0].Quantity, Net: d.Net + got[0].Net, Tax: d.Tax + got[0].Tax}
	}
	if d := done[1]; d.Net != 10000 || d.Tax != 825 || d.Quantity != 3_000_000 {
		t.Fatalf("credited %+v", d)
	}
	p := quotient.Problems{}
	byLines(&p, inv, done, []CreditLineInput{{OrderLineID: "a", Quantity: 1}}, usd)
	if p.Err() == nil {
		t.Fatal("a line credited in full was credited again")
	}
}

// An amount spreads over the lines exactly, never more tax than a line has.
func TestCreditByAmountAddsUp(t *testing.T) {
	usd, _ := quotient.LookupCurrency("USD")
	inv := creditTestInvoice()
	for _, want := range []string{"0.01", "1.00", "33.33", "100.00", "225.59"} {
		p := quotient.Problems{}
		lines := byAmount(&p, inv, map[int]Credited{}, decimal.RequireFromString(want), usd)
		var sum int64
		for _, l := range lines {
			sum += l.Net + l.Tax
			if l.Tax < 0 || l.Net < 0 {
				t.Fatalf("%s: negative part %+v", want, l)
			}
		}
		if w, _ := usd.ToMinor(decimal.RequireFromString(want)); p.Err() != nil || sum != w {
			t.Fatalf("%s: lines add up to %d (%v)", want, sum, p.Err())
		}
	}
	p := quotient.Problems{}
	if byAmount(&p, inv, map[int]Credited{}, decimal.RequireFromString("225.60"), usd); p.Err() == nil {
		t.Fatal("credited more than the invoice")
	}
	// The whole invoice by amount gives back every line's net and tax.
	p = quotient.Problems{}
	for i, l := range byAmount(&p, inv, map[int]Credited{}, decimal.RequireFromString("225.59"), usd) {
		if l.Net != inv.Lines[i].Net || l.Tax != inv.Lines[i].Tax {
			t.Fatalf("line %d: %+v", i, l)
		}
	}
}

// A subscription invoice charging one order line on two lines (two
// periods) needs the line named; a named line is credited alone.
func TestCreditByLinesNamesTheLineOfARepeatedOrderLine(t *testing.T) {
	usd, _ := quotient.LookupCurrency("USD")
	inv := Invoice{Number: "INV-2", Lines: []InvoiceLine{
		{OrderLineID: "a", Quantity: 5_000_000, Net: 20000},
		{OrderLineID: "a", Quantity: 5_000_000, Net: 20000},
	}}
	p := quotient.Problems{}
	byLines(&p, inv, map[int]Credited{}, []CreditLineInput{{OrderLineID: "a", Quantity: 1_000_000}}, usd)
	if err := p.Err(); err == nil || !strings.Contains(err.Error(), "lines 1, 2") {
		t.Fatalf("an order line on two lines credited without naming one: %v", err)
	}
	p = quotient.Problems{}
	got := byLines(&p, inv, map[int]Credited{1: {Quantity: 5_000_000, Net: 20000}}, []CreditLineInput{{OrderLineID: "a", Line: 2, Quantity: 1_000_000}}, usd)
	if p.Err() != nil || len(got) != 1 || got[0].InvoiceLine != 2 || got[0].Net != 4000 {
		t.Fatalf("line 2 credited: %+v %v", got, p.Err())
	}
	p = quotient.Problems{}
	byLines(&p, inv, map[int]Credited{}, []CreditLineInput{{Line: 3, Quantity: 1_000_000}}, usd)
	if p.Err() == nil {
		t.Fatal("line 3 of a two-line invoice was credited")
	}
}
