package contract

import (
	"context"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/catalog"
	"github.com/quotient-cpq/quotient/quote"
)

// writable locks a contract the actor may change: its owner, their
// manager or an admin; only an active contract changes.
func (s *Service) writable(ctx context.Context, st Store, id, what string) (Contract, error) {
	a, err := quotient.RequireActor(ctx)
	if err != nil {
		return Contract{}, err
	}
	c, err := st.LockContract(ctx, id)
	if err != nil {
		return Contract{}, err
	}
	if err := quotient.CheckReach(ctx, st, "contract", id, c.AccountID, c.OwnerID); err != nil {
		return Contract{}, err
	}
	if !a.MayWriteOwnedBy(c.OwnerID) {
		return Contract{}, quotient.Errorf(quotient.Forbidden, "contract %s belongs to another rep; its owner, their manager or an admin %s it", c.Number, what)
	}
	if c.Status != Active {
		return Contract{}, quotient.Errorf(quotient.Conflict, "contract %s is %s; only an active contract can be changed", c.Number, c.Status)
	}
	return c, nil
}

// holding is what a contract has on day, product by product in the
// order it first had them: the quantity, and the latest price of it.
type holding struct {
	ProductID string
	Quantity  quotient.Quantity
	Price     decimal.Decimal
	Frequency string
	since     quotient.Date
}

func (c Contract) holdings(day quotient.Date) []holding {
	var out []holding
	at := map[string]int{}
	for _, sub := range c.Subscriptions {
		if !sub.ActiveOn(day) {
			continue
		}
		i, ok := at[sub.ProductID]
		if !ok {
			at[sub.ProductID] = len(out)
			out = append(out, holding{ProductID: sub.ProductID, Price: sub.UnitPrice, Frequency: string(sub.BillingFrequency), since: sub.StartDate})
			i = len(out) - 1
		}
		h := &out[i]
		h.Quantity += sub.Quantity
		if !sub.StartDate.Before(h.since) {
			h.Price, h.since = sub.UnitPrice, sub.StartDate
		}
	}
	return out
}

// Amend starts an amendment quote of a contract, effective on a day from
// today to the contract's end (today when zero): a draft with a line per
// product the contract has that day, at its quantity and price, ending
// with the contract. The rep changes quantities and adds products;
// accepting it changes the contract.
func (s *Service) Amend(ctx context.Context, st Store, id string, effective quotient.Date) (quote.Quote, quote.Version, error) {
	c, err := s.writable(ctx, st, id, "amends")
	if err != nil {
		return quote.Quote{}, quote.Version{}, err
	}
	today := s.today()
	if effective.IsZero() {
		effective = today
		if effective.Before(c.StartDate) {
			effective = c.StartDate
		}
	}
	if effective.Before(today) || effective.After(c.EndDate) || effective.Before(c.StartDate) {
		return quote.Quote{}, quote.Version{}, quotient.FieldErrorf(quotient.Unprocessable, "effective_date",
			"an amendment takes effect from today (%s) to the contract's end (%s), within its term from %s", today, c.EndDate, c.StartDate)
	}
	hs := c.holdings(effective)
	if len(hs) == 0 {
		return quote.Quote{}, quote.Version{}, quotient.FieldErrorf(quotient.Conflict, "effective_date", "contract %s has no subscription on %s", c.Number, effective)
	}
	in := quote.Input{AccountID: c.AccountID, Kind: quote.Amendment, ContractID: c.ID, ReductionsCredited: c.CreditReductions}
	for _, h := range hs {
		price := h.Price
		in.Lines = append(in.Lines, quote.Line{ProductID: h.ProductID, Quantity: h.Quantity.Decimal(), PriorQuantity: h.Quantity.Decimal(),
			ContractPrice: &price, StartDate: effective, EndDate: c.EndDate, BillingFrequency: catalog.BillingPeriod(h.Frequency)})
	}
	return s.quotes.Create(ctx, st, in)
}

// Renew makes a contract's renewal quote: a draft with a line per product
// the contract has on its last day, at its price raised by the
// contract's uplift, for the contract's term from the day after its end.
// A contract has one renewal quote open at a time.
func (s *Service) Renew(ctx context.Context, st Store, id string) (quote.Quote, quote.Version, error) {
	c, err := s.writable(ctx, st, id, "renews")
	if err != nil {
		return quote.Quote{}, quote.Version{}, err
	}
	if c.RenewalQuoteID != "" {
		q, err := st.GetQuote(ctx, c.RenewalQuoteID)
		if err != nil {
			return quote.Quote{}, quote.Version{}, err
		}
		cur, err := st.GetVersion(ctx, q.ID, q.CurrentVersion)
		if err != nil {
			return quote.Quote{}, quote.Version{}, err
		}
		if cur.Status != quote.Rejected && cur.Status != quote.Expired {
			return quote.Quote{}, quote.Version{}, quotient.Errorf(quotient.Conflict, "contract %s has renewal quote %s (%s) open", c.Number, q.Number, cur.Status)
		}
	}
	hs := c.holdings(c.EndDate)
	if len(hs) == 0 {
		return quote.Quote{}, quote.Version{}, quotient.Errorf(quotient.Conflict, "contract %s has nothing to renew on its last day (%s)", c.Number, c.EndDate)
	}
	start := c.EndDate.AddDays(1)
	in := quote.Input{AccountID: c.AccountID, Kind: quote.Renewal, ContractID: c.ID,
		Notes: "Renewal of " + c.Number + " with an uplift of " + c.RenewalUpliftPct.String() + "%"}
	for _, h := range hs {
		price := uplifted(h.Price, c.RenewalUpliftPct)
		in.Lines = append(in.Lines, quote.Line{ProductID: h.ProductID, Quantity: h.Quantity.Decimal(), ContractPrice: &price,
			StartDate: start, TermMonths: c.TermMonths, BillingFrequency: catalog.BillingPeriod(h.Frequency)})
	}
	q, v, err := s.quotes.Create(ctx, st, in)
	if err != nil {
		return q, v, err
	}
	c.RenewalQuoteID = q.ID
	return q, v, s.save(ctx, st, &c)
}

// Cancel ends a contract on the day before effective (from today; the
// first day not invoiced yet at the earliest, since what is invoiced is
// owed: credit an invoice first to refund it). Subscriptions that would
// start later are dropped; the contract is not renewed.
func (s *Service) Cancel(ctx context.Context, st Store, id string, effective quotient.Date, reason string) (Contract, error) {
	c, err := s.writable(ctx, st, id, "cancels")
	if err != nil {
		return Contract{}, err
	}
	p := quotient.Problems{}
	p.DateGiven("effective_date", effective)
	p.Text("reason", reason, quotient.Optional, 500)
	if err := p.Err(); err != nil {
		return Contract{}, err
	}
	today := s.today()
	if effective.Before(today) {
		return Contract{}, quotient.FieldErrorf(quotient.Unprocessable, "effective_date", "a cancellation takes effect today (%s) or later", today)
	}
	if effective.After(c.EndDate) {
		return Contract{}, quotient.FieldErrorf(quotient.Unprocessable, "effective_date", "contract %s ends on %s; it is simply not renewed", c.Number, c.EndDate)
	}
	for _, sub := range c.Subscriptions {
		if b := billedThrough(sub); !sub.EndDate.Before(effective) && !effective.After(b) && !b.Before(sub.StartDate) {
			return Contract{}, quotient.FieldErrorf(quotient.Conflict, "effective_date",
				"contract %s is invoiced through %s (%s); cancel effective %s or later, or credit the invoice first", c.Number, b, sub.SKU, b.AddDays(1))
		}
	}
	kept := c.Subscriptions[:0]
	for _, sub := range c.Subscriptions {
		switch {
		case !sub.StartDate.Before(effective):
			if err := st.DeleteSubscription(ctx, sub.ID); err != nil {
				return Contract{}, err
			}
			continue
		case !sub.EndDate.Before(effective):
			sub.EndDate = effective.AddDays(-1)
			if sub.NextBillOn.After(sub.EndDate) {
				sub.NextBillOn = quotient.Date{}
			}
			if err := st.UpdateSubscription(ctx, sub); err != nil {
				return Contract{}, err
			}
		}
		kept = append(kept, sub)
	}
	c.Subscriptions = kept
	c.EndDate = effective.AddDays(-1)
	c.Status, c.CancelledOn, c.CancelReason = Cancelled, effective, reason
	return c, s.save(ctx, st, &c)
}

// End marks a contract that ran to its end without renewal as ended.
func (s *Service) End(ctx context.Context, st Store, id string) (Contract, error) {
	c, err := st.LockContract(ctx, id)
	if err != nil || c.Status != Active || !c.EndDate.Before(s.today()) {
		return c, err
	}
	c.Status = Ended
	return c, s.save(ctx, st, &c)
}
