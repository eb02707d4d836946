package contract

import (
	"context"
	"fmt"
	"slices"
	"sort"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/billing"
	"github.com/quotient-cpq/quotient/catalog"
	"github.com/quotient-cpq/quotient/order"
	"github.com/quotient-cpq/quotient/quote"
)

// Accepted applies the order of an accepted quote to contracts, in the
// transaction that accepted it: a new quote with recurring lines starts
// a contract; an amendment changes its contract (added seats from its
// effective date to the contract's end, fewer seats from the next period
// not yet invoiced); a renewal extends its contract by the renewal's
// term. It returns the contract, locked (no ID: the quote has no
// recurring lines).
func (s *Service) Accepted(ctx context.Context, st Store, q quote.Quote, o order.Order) (Contract, error) {
	var lines []order.Line
	for _, l := range o.Lines {
		if l.Recurring() {
			lines = append(lines, l)
		}
	}
	switch {
	case q.Kind == quote.Amendment || q.Kind == quote.Renewal:
		c, err := st.LockContract(ctx, q.ContractID)
		if err != nil {
			return Contract{}, err
		}
		if c.Status != Active {
			return Contract{}, quotient.Errorf(quotient.Conflict, "contract %s is %s; quote %s can no longer change it", c.Number, c.Status, q.Number)
		}
		if q.Kind == quote.Amendment {
			err = s.amend(ctx, st, &c, q, o, lines)
		} else {
			err = s.renew(ctx, st, &c, q, o, lines)
		}
		if err != nil {
			return Contract{}, err
		}
		return c, s.save(ctx, st, &c)
	case len(lines) == 0:
		return Contract{}, nil
	}
	return s.start(ctx, st, q, o, lines)
}

// subscriptionOf is the subscription of an order line from start to end.
func (s *Service) subscriptionOf(ctx context.Context, st Store, c Contract, o order.Order, l order.Line, qty quotient.Quantity,
	start, end quotient.Date) (Subscription, error) {
	pr, err := st.GetProduct(ctx, l.ProductID)
	if err != nil {
		return Subscription{}, err
	}
	return Subscription{ID: quotient.NewID("sub"), ContractID: c.ID, QuoteID: o.QuoteID, OrderID: o.ID, OrderLineID: l.ID,
		ProductID: l.ProductID, SKU: l.SKU, Name: l.Name, Family: l.Family, Quantity: qty,
		UnitPrice: quote.UnitPrice(l.NetAmount, l.Quantity.Decimal()), BillingPeriod: pr.BillingPeriod,
		BillingFrequency: catalog.BillingPeriod(l.BillingFrequency), StartDate: start, EndDate: end, TaxRateID: l.TaxRateID,
		TaxRatePct: l.TaxRatePct, NextBillOn: start, CreatedAt: s.now().UTC()}, nil
}

func (s *Service) add(ctx context.Context, st Store, c *Contract, sub Subscription) error {
	if err := st.InsertSubscription(ctx, sub); err != nil {
		return err
	}
	c.Subscriptions = append(c.Subscriptions, sub)
	return nil
}

// termMonths is the shortest whole number of months from start that
// reaches end.
func termMonths(start, end quotient.Date) int {
	for n := 1; n < 12*catalog.MaxSpans; n++ {
		if !catalog.TermEnd(start, n).Before(end) {
			return n
		}
	}
	return 0
}

// start makes the contract of a new quote's recurring lines.
func (s *Service) start(ctx context.Context, st Store, q quote.Quote, o order.Order, lines []order.Line) (Contract, error) {
	if c, err := st.ContractOfQuote(ctx, q.ID); err == nil {
		return c, nil
	} else if quotient.ErrorCode(err) != quotient.NotFound {
		return Contract{}, err
	}
	now := s.now().UTC()
	c := Contract{ID: quotient.NewID("con"), AccountID: q.AccountID, OwnerID: q.OwnerID, Currency: q.Currency, QuoteID: q.ID, OrderID: o.ID,
		Status: Active, RenewalLeadDays: DefaultRenewalLeadDays, InvoiceLeadDays: DefaultInvoiceLeadDays, Version: 1, CreatedAt: now, UpdatedAt: now}
	for _, l := range lines {
		if c.StartDate.IsZero() || l.ServiceStart.Before(c.StartDate) {
			c.StartDate = l.ServiceStart
		}
		if l.ServiceEnd.After(c.EndDate) {
			c.EndDate = l.ServiceEnd
		}
	}
	c.TermMonths = termMonths(c.StartDate, c.EndDate)
	c.BillingAnchor = catalog.Anchor(c.StartDate)
	up, err := st.RenewalUplift(ctx, q.AccountID)
	if err != nil {
		return Contract{}, err
	}
	if up != nil {
		c.RenewalUpliftPct = *up
	}
	n, err := st.NextNumber(ctx, "contract")
	if err != nil {
		return Contract{}, err
	}
	c.Number = fmt.Sprintf("CON-%06d", n)
	c.schedule()
	if err := st.InsertContract(ctx, c); err != nil {
		return Contract{}, err
	}
	for _, l := range lines {
		sub, err := s.subscriptionOf(ctx, st, c, o, l, l.Quantity, l.ServiceStart, l.ServiceEnd)
		if err != nil {
			return Contract{}, err
		}
		if err := s.add(ctx, st, &c, sub); err != nil {
			return Contract{}, err
		}
	}
	c.schedule() // with its subscriptions' first periods
	return c, st.UpdateContract(ctx, c, c.Version)
}

// amend applies an amendment's lines: what a line has more than the
// contract (Prior) is a new subscription from the line's start to the
// contract's end at the line's price; what it has less ends, latest
// subscriptions first, at the next period not yet invoiced, or, where the
// contract's terms credited reductions when the quote was made, on the
// amendment's effective day (today at the earliest), its days already
// invoiced credited.
func (s *Service) amend(ctx context.Context, st Store, c *Contract, q quote.Quote, o order.Order, lines []order.Line) error {
	for _, l := range lines {
		delta := l.Quantity - l.Prior
		switch {
		case delta > 0:
			sub, err := s.subscriptionOf(ctx, st, *c, o, l, delta, l.ServiceStart, c.EndDate)
			if err != nil {
				return err
			}
			if err := s.add(ctx, st, c, sub); err != nil {
				return err
			}
		case delta < 0:
			if err := s.reduce(ctx, st, c, l.ProductID, -delta, l.ServiceStart, q.Number, q.ReductionsCredited); err != nil {
				return err
			}
		}
	}
	return nil
}

// reduce takes n units of a product off a contract from the first period
// after from that is not invoiced yet; credited, from from itself (today
// at the earliest), and what was invoiced of the units for the days from
// then is added to c.Credits.
func (s *Service) reduce(ctx context.Context, st Store, c *Contract, productID string, n quotient.Quantity, from quotient.Date, number string,
	credited bool) error {
	var idx []int
	eff := quotient.Date{}
	if credited {
		eff = maxDate(from, s.today(), c.StartDate)
	}
	for i, sub := range c.Subscriptions {
		if sub.ProductID != productID || sub.EndDate.Before(from) {
			continue
		}
		idx = append(idx, i)
		if credited {
			continue
		}
		next := billedThrough(sub).AddDays(1)
		if sp, ok := catalog.SpanOf(sub.StartDate, sub.EndDate, from, sub.BillingFrequency); ok && sp.End.AddDays(1).After(next) {
			next = sp.End.AddDays(1)
		}
		if next.After(eff) {
			eff = next
		}
	}
	if eff.After(c.EndDate) || len(idx) == 0 {
		return quotient.Errorf(quotient.Conflict, "quote %s removes seats the contract has invoiced to its end (%s); reduce them at renewal", number, c.EndDate)
	}
	var billings []Billing
	if credited {
		var err error
		if billings, err = st.ContractBillings(ctx, c.ID); err != nil {
			return err
		}
	}
	// Latest first: what was added last goes first.
	sort.SliceStable(idx, func(a, b int) bool {
		sa, sb := c.Subscriptions[idx[a]], c.Subscriptions[idx[b]]
		if sa.StartDate != sb.StartDate {
			return sa.StartDate.After(sb.StartDate)
		}
		return sa.CreatedAt.After(sb.CreatedAt)
	})
	left := n
	for _, i := range idx {
		if left == 0 {
			break
		}
		sub := &c.Subscriptions[i]
		take := min(left, sub.Quantity)
		left -= take
		bt := billedThrough(*sub)
		if !sub.StartDate.Before(eff) { // not begun: it simply holds fewer
			if !bt.Before(sub.StartDate) { // invoiced already (only where reductions are credited)
				c.credit(billings, *sub, take, sub.StartDate, number)
			}
			sub.Quantity -= take
			if sub.Quantity == 0 {
				if err := st.DeleteSubscription(ctx, sub.ID); err != nil {
					return err
				}
				sub.EndDate = sub.StartDate.AddDays(-1) // gone: active on no day
				continue
			}
			if err := st.UpdateSubscription(ctx, *sub); err != nil {
				return err
			}
			continue
		}
		rest := *sub
		sub.EndDate = eff.AddDays(-1)
		if sub.NextBillOn.After(sub.EndDate) {
			sub.NextBillOn = quotient.Date{}
		}
		if err := st.UpdateSubscription(ctx, *sub); err != nil {
			return err
		}
		restNext := eff
		if !bt.Before(eff) { // invoiced past eff: credit the units' days from it; the rest keep theirs
			c.credit(billings, *sub, take, eff, number)
			if restNext = bt.AddDays(1); restNext.After(rest.EndDate) {
				restNext = quotient.Date{}
			}
		}
		if rest.Quantity > take {
			rest.ID, rest.Quantity, rest.StartDate, rest.NextBillOn, rest.CreatedAt = quotient.NewID("sub"), rest.Quantity-take, eff, restNext, s.now().UTC()
			if err := s.add(ctx, st, c, rest); err != nil {
				return err
			}
		}
	}
	if left > 0 {
		return quotient.Errorf(quotient.Conflict, "quote %s removes more of the product than the contract has", number)
	}
	return nil
}

// Credit is what accepting an amendment owes back of an invoice: the
// days from a reduction's effective day it invoiced of the units removed.
type Credit struct {
	InvoiceID string
	Parts     []billing.ServiceCredit
	Reason    string
}

// credit adds to c.Credits the periods of sub invoiced past from, for n
// units from that day.
func (c *Contract) credit(billings []Billing, sub Subscription, n quotient.Quantity, from quotient.Date, number string) {
	for _, b := range billings {
		if b.SubscriptionID != sub.ID || b.PeriodEnd.Before(from) || b.InvoiceID == "" {
			continue
		}
		i := slices.IndexFunc(c.Credits, func(cr Credit) bool { return cr.InvoiceID == b.InvoiceID })
		if i < 0 {
			c.Credits = append(c.Credits, Credit{InvoiceID: b.InvoiceID,
				Reason: fmt.Sprintf("Contract %s amended by quote %s: fewer seats from %s, the days invoiced from then credited", c.Number, number, from)})
			i = len(c.Credits) - 1
		}
		c.Credits[i].Parts = append(c.Credits[i].Parts, billing.ServiceCredit{SubscriptionID: sub.ID, PeriodStart: b.PeriodStart, Quantity: n, From: from})
	}
}

func maxDate(ds ...quotient.Date) quotient.Date {
	out := ds[0]
	for _, d := range ds[1:] {
		if d.After(out) {
			out = d
		}
	}
	return out
}

// renew extends a contract by its renewal's lines, from the day after
// its end.
func (s *Service) renew(ctx context.Context, st Store, c *Contract, q quote.Quote, o order.Order, lines []order.Line) error {
	first := c.EndDate.AddDays(1)
	end := c.EndDate
	for _, l := range lines {
		if l.ServiceStart != first {
			return quotient.Errorf(quotient.Conflict, "renewal %s starts on %s; contract %s ends on %s, so a renewal starts on %s",
				q.Number, l.ServiceStart, c.Number, c.EndDate, first)
		}
		sub, err := s.subscriptionOf(ctx, st, *c, o, l, l.Quantity, l.ServiceStart, l.ServiceEnd)
		if err != nil {
			return err
		}
		if err := s.add(ctx, st, c, sub); err != nil {
			return err
		}
		if l.ServiceEnd.After(end) {
			end = l.ServiceEnd
		}
	}
	c.TermMonths = termMonths(first, end)
	c.EndDate = end
	c.Renewals++
	c.RenewalQuoteID = ""
	return nil
}

// uplifted is a price raised by pct percent.
func uplifted(price, pct decimal.Decimal) decimal.Decimal {
	return price.Mul(decimal.NewFromInt(100).Add(pct)).Div(decimal.NewFromInt(100)).Round(10)
}
