package billing

import (
	"context"
	"fmt"
	"sort"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/crm"
	"github.com/quotient-cpq/quotient/ledger"
)

// ServiceCharge is a period of a subscription to invoice: its net, in
// minor units, was prorated where the period is partial (see
// catalog.Charge).
type ServiceCharge struct {
	SubscriptionID string
	OrderLineID    string
	ProductID      string
	SKU            string
	Name           string
	Family         string
	Quantity       quotient.Quantity
	UnitPrice      decimal.Decimal
	Net            int64
	TaxRateID      string
	TaxRatePct     decimal.Decimal
	Start, End     quotient.Date
}

// InvoiceServices issues one invoice, dated by the books, for periods of
// a contract's subscriptions, through the same numbering and posting as
// every invoice: AR against deferred revenue (recognised over each
// period) and tax. Tax is rounded once per rate on the invoice and spread
// over its lines by their nets, so the lines add up to it. Charges of
// nothing are left off; nothing to charge is no invoice (empty ID).
func (s *Service) InvoiceServices(ctx context.Context, st Store, books ledger.Books, acc crm.Account, orderID, currency string,
	charges []ServiceCharge, actorID string) (Invoice, error) {
	c, ok := quotient.LookupCurrency(currency)
	if !ok {
		return Invoice{}, fmt.Errorf("billing: unknown currency %s", currency)
	}
	terms, err := ParseTerms(acc.PaymentTerms)
	if err != nil {
		return Invoice{}, quotient.Wrap(err, quotient.Conflict, "account %s has payment terms %q that cannot be invoiced; correct them", acc.Name, acc.PaymentTerms)
	}
	day := books.Date()
	now := s.now().UTC()
	inv := Invoice{ID: quotient.NewID("inv"), OrderID: orderID, AccountID: acc.ID, Currency: currency, Status: Posted,
		IssueDate: day, DueDate: terms.Due(day), PaymentTerms: terms.Code, DiscountPct: terms.DiscountPct, Version: 1, CreatedAt: now, UpdatedAt: now}
	if until, ok := terms.DiscountUntil(day); ok {
		inv.DiscountUntil = until
	}
	byRate := map[string][]int{}
	var rates []string
	for _, ch := range charges {
		if ch.Net <= 0 {
			continue
		}
		key := ch.TaxRatePct.String()
		if _, seen := byRate[key]; !seen {
			rates = append(rates, key)
		}
		byRate[key] = append(byRate[key], len(inv.Lines))
		inv.Lines = append(inv.Lines, InvoiceLine{OrderLineID: ch.OrderLineID, ProductID: ch.ProductID, SKU: ch.SKU, Name: ch.Name,
			Quantity: ch.Quantity, UnitPrice: ch.UnitPrice, Net: ch.Net, TaxRateID: ch.TaxRateID, TaxRatePct: ch.TaxRatePct, Family: ch.Family,
			ServiceStart: ch.Start, ServiceEnd: ch.End, SubscriptionID: ch.SubscriptionID})
		inv.Net += ch.Net
	}
	if len(inv.Lines) == 0 {
		return Invoice{}, nil
	}
	sort.Strings(rates)
	for _, key := range rates {
		idx := byRate[key]
		var base int64
		for _, i := range idx {
			base += inv.Lines[i].Net
		}
		pct := inv.Lines[idx[0]].TaxRatePct
		tax := c.RoundMinor(c.FromMinor(base).Mul(pct).Div(decimal.NewFromInt(100)))
		var cum, given int64
		for _, i := range idx { // cumulative shares add up to the rate's tax exactly
			cum += inv.Lines[i].Net
			share := ledger.Share(tax, cum, base)
			inv.Lines[i].Tax = share - given
			given = share
		}
		inv.Tax += tax
	}
	inv.Total = inv.Net + inv.Tax
	inv.AmountDue = inv.Total
	if books.Closed() {
		return Invoice{}, quotient.Errorf(quotient.Conflict, "the books of %s are closed; subscriptions are invoiced once the month is open", day)
	}
	return s.issue(ctx, st, books, inv, actorID)
}
