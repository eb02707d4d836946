package pricing

import (
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/catalog"
)

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
	if !pr.Active && in.ContractPrice == nil { // a contract renews what it has, retired or not
		p.Add(f+".product_id", "product %s is inactive", pr.SKU)
	}
	e, ok := book.Entries[pr.ID]
	if in.ContractPrice != nil && (!ok || !e.Active) {
		e, ok = catalog.Entry{ProductID: pr.ID, UnitPrice: *in.ContractPrice, Active: true}, true
	}
	if in.ContractPrice != nil && in.ContractPrice.IsNegative() {
		p.Add(f+".contract_price", "must not be negative")
	}
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
	l := Line{Number: i + 1, ProductID: pr.ID, SKU: pr.SKU, Name: pr.Name, Quantity: in.Quantity, BillingPeriod: string(pr.BillingPeriod),
		Configuration: in.Configuration, ManualDiscountPct: in.ManualDiscountPct, Warnings: slices.Clone(in.Notices)}
	price := e.UnitPrice
	l.Trace = append(l.Trace, Step{Step: "list_price", Ref: &Ref{ID: e.ID, Name: book.PriceBook.Name}, Priced: true, Before: price, After: price,
		Detail: texts.text("list\x00"+pr.ID, func() string { return pr.SKU + " in " + book.PriceBook.Name /* sayListPrice */ })})
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
					Priced: true, Before: before, After: price, Detail: fmt.Sprintf(sayOption, c.Attribute.Code, c.Value, delta)})
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
			Priced: true, Before: before, After: price, Detail: fmt.Sprintf(sayComponent, comp.Quantity, cp.SKU, ce.UnitPrice)})
	}
	l.ListPrice = price
	return l, cfg, nil
}

// notApplicable are the texts of the rules_not_applicable step, by count.
var notApplicable = func() []string {
	out := make([]string, 1001)
	for n := range out {
		out[n] = fmt.Sprintf(sayNotApplicable, n)
	}
	out[1000] = sayManyNotApplicable
	return out
}()

func describeTiers(s *catalog.Schedule, uses []catalog.TierUse, pct decimal.Decimal) string {
	if s.Type == catalog.Range {
		return fmt.Sprintf(sayRange, uses[0].Index+1, pct)
	}
	parts := make([]string, len(uses))
	for i, u := range uses {
		parts[i] = fmt.Sprintf("%s at %s%%", u.Quantity, u.DiscountPct)
	}
	return fmt.Sprintf(saySlab, strings.Join(parts, ", "), pct.Round(6))
}
