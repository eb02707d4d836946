package contract

import (
	"context"
	"fmt"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/billing"
	"github.com/quotient-cpq/quotient/catalog"
	"github.com/quotient-cpq/quotient/crm"
	"github.com/quotient-cpq/quotient/ledger"
)

// Bill invoices, on the books' day, every period of c's subscriptions not
// invoiced yet that starts within the contract's invoice lead days,
// except those of an order on credit hold (they wait for its release): one
// invoice for all of them (no ID when there is nothing to charge). Each
// period is recorded against its subscription, which makes invoicing it
// again a conflict however many workers try; c's subscriptions and
// header are stored with their next periods. c must be locked.
func (s *Service) Bill(ctx context.Context, st Store, books ledger.Books, c *Contract, acc crm.Account) (billing.Invoice, error) {
	day := books.Date()
	cur, ok := quotient.LookupCurrency(c.Currency)
	if !ok {
		return billing.Invoice{}, fmt.Errorf("contract: %s has unknown currency %s", c.Number, c.Currency)
	}
	var charges []billing.ServiceCharge
	var periods []Billing
	var changed []int
	held := map[string]bool{}
	for i := range c.Subscriptions {
		sub := &c.Subscriptions[i]
		if sub.NextBillOn.IsZero() {
			continue
		}
		h, ok := held[sub.OrderID]
		if !ok {
			o, err := st.GetOrder(ctx, sub.OrderID)
			if err != nil {
				return billing.Invoice{}, err
			}
			h = o.HoldReason != ""
			held[sub.OrderID] = h
		}
		if h { // invoiced when its order is released
			continue
		}
		spans, err := catalog.SpansFrom(c.BillingAnchor, sub.StartDate, sub.EndDate, sub.BillingFrequency)
		if err != nil {
			return billing.Invoice{}, err
		}
		next := quotient.Date{}
		for _, sp := range spans {
			if sp.Start.Before(sub.NextBillOn) {
				continue
			}
			if sp.Start.AddDays(-c.InvoiceLeadDays).After(day) {
				next = sp.Start
				break
			}
			net := catalog.Charge(cur, sub.UnitPrice, sub.Quantity.Decimal(), sub.BillingPeriod, sub.BillingFrequency, sp)
			charges = append(charges, billing.ServiceCharge{SubscriptionID: sub.ID, OrderLineID: sub.OrderLineID, ProductID: sub.ProductID,
				SKU: sub.SKU, Name: sub.Name, Family: sub.Family, Quantity: sub.Quantity, UnitPrice: sub.UnitPrice, Net: net,
				TaxRateID: sub.TaxRateID, TaxRatePct: sub.TaxRatePct, Start: sp.Start, End: sp.End})
			periods = append(periods, Billing{SubscriptionID: sub.ID, PeriodStart: sp.Start, PeriodEnd: sp.End, Amount: net})
		}
		if next != sub.NextBillOn {
			sub.NextBillOn = next
			changed = append(changed, i)
		}
	}
	if len(changed) == 0 {
		return billing.Invoice{}, nil
	}
	inv, err := s.billing.InvoiceServices(ctx, st, books, acc, c.OrderID, c.Currency, charges, "system")
	if err != nil {
		return billing.Invoice{}, err
	}
	var billed []Billing
	for _, b := range periods {
		if b.Amount <= 0 || inv.ID == "" { // a free period is not invoiced; it is passed
			continue
		}
		b.InvoiceID = inv.ID
		billed = append(billed, b)
	}
	if err := st.InsertBillings(ctx, billed); err != nil {
		return billing.Invoice{}, err
	}
	byNext := map[quotient.Date][]string{} // one statement per next period, not per subscription
	var nexts []quotient.Date
	for _, i := range changed {
		sub := c.Subscriptions[i]
		if _, ok := byNext[sub.NextBillOn]; !ok {
			nexts = append(nexts, sub.NextBillOn)
		}
		byNext[sub.NextBillOn] = append(byNext[sub.NextBillOn], sub.ID)
	}
	for _, next := range nexts {
		if err := st.SetNextBill(ctx, next, byNext[next]); err != nil {
			return billing.Invoice{}, err
		}
	}
	return inv, s.save(ctx, st, c)
}

// billedThrough is the last day a subscription has been invoiced for
// (the day before its start when nothing is).
func billedThrough(sub Subscription) quotient.Date {
	if sub.NextBillOn.IsZero() {
		return sub.EndDate
	}
	return sub.NextBillOn.AddDays(-1)
}
