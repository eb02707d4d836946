package pricing

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
)

// tax computes step 6: per rate, on the sum of the lines at that rate,
// rounded once per rate, then shown per line by largest remainder. Rate
// records of the same name and percentage (Japan's 10 % on goods and on
// services) are one rate: the document has one tax line for it, totalled
// and rounded once, as the qualified invoice system requires.
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
			key = r.RatePct.String() + "%\x00" + r.Name
			l.TaxRateID, l.TaxRatePct, l.TaxReduced = r.ID, r.RatePct, r.Reduced
		} else {
			l.Trace = append(l.Trace, Step{Step: "tax", Detail: fmt.Sprintf(sayNoTaxRate, req.Account.TaxRegion, pr.TaxCategory)})
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
		detail := fmt.Sprintf(sayTax, g.rate.RatePct, cur.Format(g.base), cur.Format(total))
		ref := &Ref{ID: g.rate.ID, Name: g.rate.Name}
		for k, i := range g.lines {
			l := &res.Lines[i]
			l.TaxAmount = cur.FromMinor(shares[k])
			l.Trace = append(l.Trace, Step{Step: "tax", Ref: ref, Priced: true, After: l.TaxAmount, Detail: detail})
		}
		res.Taxes = append(res.Taxes, TaxLine{RateID: g.rate.ID, Name: g.rate.Name, RatePct: g.rate.RatePct, Reduced: g.rate.Reduced, Base: g.base, Tax: total})
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
	w("v1", req.Currency, req.Date.String(), req.CostCurrency, req.HeaderDiscountPct.String())
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
		if l.ContractPrice != nil {
			w("contract_price", l.ContractPrice.String())
		}
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
