package app

import (
	"context"
	"log/slog"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/billing"
	"github.com/quotient-cpq/quotient/commission"
	"github.com/quotient-cpq/quotient/contract"
	"github.com/quotient-cpq/quotient/crm"
	"github.com/quotient-cpq/quotient/ledger"
	"github.com/quotient-cpq/quotient/order"
	"github.com/quotient-cpq/quotient/revenue"
)

// The subscription flows: contracts made, changed and renewed by quotes,
// invoiced period by period, their revenue recognised month by month.

// billContract invoices what of a locked contract is due today, schedules
// the invoice's revenue and accrues its commission, as any invoice does.
// A closed month invoices nothing until it reopens.
func (a *App) billContract(ctx context.Context, tx Tx, c *contract.Contract, acc crm.Account) (billing.Invoice, error) {
	books, err := a.ledger.Books(ctx, tx, a.today())
	if err != nil || books.Closed() {
		return billing.Invoice{}, err
	}
	return a.billContractIn(ctx, tx, books, c, acc)
}

// billContractIn is billContract in open books already read.
func (a *App) billContractIn(ctx context.Context, tx Tx, books ledger.Books, c *contract.Contract, acc crm.Account) (billing.Invoice, error) {
	inv, err := a.contracts.Bill(ctx, tx, books, c, acc)
	if err != nil || inv.ID == "" {
		return inv, err
	}
	if err := a.revenue.Schedule(ctx, tx, books, inv); err != nil {
		return inv, err
	}
	return inv, a.commission.AccrueInvoice(ctx, tx, books, inv, acc, bookings(c, inv))
}

// bookings are the subscriptions of c an invoice bills for the first
// time, each with what it is worth over its first year and its term.
func bookings(c *contract.Contract, inv billing.Invoice) []commission.Booking {
	byID := map[string]contract.Subscription{}
	for _, s := range c.Subscriptions {
		byID[s.ID] = s
	}
	var out []commission.Booking
	for _, l := range inv.Lines {
		sub, ok := byID[l.SubscriptionID]
		if !ok || l.ServiceStart != sub.StartDate || !c.Booked(sub) {
			continue
		}
		out = append(out, commission.Booking{Line: l, FirstYear: c.Value(sub, sub.FirstYear()), TCV: c.Value(sub, quotient.Date{})})
	}
	return out
}

// billReleased invoices what is due of the contract a released order
// started or changed: its subscriptions waited for the release.
func (a *App) billReleased(ctx context.Context, tx Tx, o order.Order, acc crm.Account) error {
	id, err := tx.ContractOfOrder(ctx, o.ID)
	if err != nil || id == "" {
		return err
	}
	c, err := tx.LockContract(ctx, id)
	if err != nil {
		return err
	}
	_, err = a.billContract(ctx, tx, &c, acc)
	return err
}

// RecurringBatch is how many contracts one transaction of the recurring
// invoicing run invoices.
const RecurringBatch = 100

// InvoiceSubscriptions is the recurring invoicing run: every contract
// with a period due today is invoiced, batch by batch, each batch one
// transaction whose contracts are locked (other servers running it at
// once take other contracts). It stops when nothing is due, or after
// maxBatches, and returns how many invoices it issued.
func (a *App) InvoiceSubscriptions(ctx context.Context, batch, maxBatches int) (int, error) {
	if batch <= 0 {
		batch = RecurringBatch
	}
	total := 0
	for range maxBatches {
		n, more, err := a.invoiceBatch(ctx, batch)
		total += n
		if err != nil || !more {
			return total, err
		}
	}
	return total, nil
}

func (a *App) invoiceBatch(ctx context.Context, batch int) (issued int, more bool, err error) {
	type result struct {
		issued, claimed int
	}
	r, err := change(ctx, a, func(tx Tx) (result, error) {
		books, err := a.ledger.Books(ctx, tx, a.today()) // read once for the batch
		if err != nil || books.Closed() {                // a closed month invoices nothing until it reopens
			return result{}, err
		}
		ids, err := tx.ClaimDueContracts(ctx, a.today(), batch)
		if err != nil {
			return result{}, err
		}
		accounts := map[string]crm.Account{}
		n := 0
		for _, id := range ids {
			c, err := tx.GetContract(ctx, id)
			if err != nil {
				return result{}, err
			}
			acc, ok := accounts[c.AccountID]
			if !ok {
				if acc, err = tx.GetAccount(ctx, c.AccountID); err != nil {
					return result{}, err
				}
				accounts[c.AccountID] = acc
			}
			inv, err := a.billContractIn(ctx, tx, books, &c, acc)
			if err != nil {
				return result{}, err
			}
			if inv.ID != "" {
				n++
			}
		}
		return result{n, len(ids)}, nil
	})
	return r.issued, r.claimed == batch, err
}

// RecogniseRevenue posts the revenue the schedules recognise by today,
// batch by batch, and returns how many invoice-months it posted.
func (a *App) RecogniseRevenue(ctx context.Context, maxBatches int) (int, error) {
	total := 0
	for range maxBatches {
		n, err := change(ctx, a, func(tx Tx) (int, error) { return a.revenue.Recognise(ctx, tx, a.today(), 200) })
		total += n
		if err != nil || n == 0 {
			return total, err
		}
	}
	return total, nil
}

// RenewAndEndContracts makes the renewal quotes due today, each for its
// contract's owner as if they had asked, and ends the contracts that ran
// out unrenewed. A contract that cannot be renewed is logged and left
// for the owner. It returns the renewal quotes made and contracts ended.
func (a *App) RenewAndEndContracts(ctx context.Context, limit int) (renewed, ended int, err error) {
	day := a.today()
	due, err := read(ctx, a, func(tx Tx) ([]string, error) { return tx.ContractsToRenew(ctx, day, limit) })
	if err != nil {
		return 0, 0, err
	}
	for _, id := range due {
		err := do(ctx, a, func(tx Tx) error {
			c, err := tx.GetContract(ctx, id)
			if err != nil {
				return err
			}
			owner, err := tx.GetUser(ctx, c.OwnerID)
			if err != nil {
				return err
			}
			as := quotient.WithActor(ctx, quotient.Actor{UserID: owner.ID, Role: owner.Role, Team: []string{owner.ID}})
			_, _, err = a.contracts.Renew(as, tx, id)
			return err
		})
		if err != nil {
			a.log.Warn("renewal quote", slog.String("contract_id", id), slog.Any("error", err))
			continue
		}
		renewed++
	}
	ending, err := read(ctx, a, func(tx Tx) ([]string, error) { return tx.ContractsToEnd(ctx, day, limit) })
	if err != nil {
		return renewed, 0, err
	}
	for _, id := range ending {
		if err := do(ctx, a, func(tx Tx) error { _, err := a.contracts.End(ctx, tx, id); return err }); err != nil {
			return renewed, ended, err
		}
		ended++
	}
	return renewed, ended, nil
}

// Contract is a contract with what it has been invoiced for.
type Contract struct {
	contract.Contract
	Billings []contract.Billing
	Invoices []billing.Invoice
}

// GetContract reads a contract the actor may read, with its invoices.
func (a *App) GetContract(ctx context.Context, id string) (Contract, error) {
	return read(ctx, a, func(tx Tx) (Contract, error) { return a.contractIn(ctx, tx, id) })
}

func (a *App) contractIn(ctx context.Context, tx Tx, id string) (Contract, error) {
	c, err := a.contracts.Get(ctx, tx, id)
	if err != nil {
		return Contract{}, err
	}
	out := Contract{Contract: c}
	if out.Billings, err = tx.ContractBillings(ctx, id); err != nil {
		return out, err
	}
	seen := map[string]bool{}
	for _, b := range out.Billings {
		if seen[b.InvoiceID] {
			continue
		}
		seen[b.InvoiceID] = true
		inv, err := tx.GetInvoice(ctx, b.InvoiceID)
		if err != nil {
			return out, err
		}
		out.Invoices = append(out.Invoices, inv)
	}
	return out, nil
}

// ListContracts lists the contracts the actor may read.
func (a *App) ListContracts(ctx context.Context, f contract.Filter) ([]contract.Contract, error) {
	return read(ctx, a, func(tx Tx) ([]contract.Contract, error) { return a.contracts.List(ctx, tx, f) })
}

// UpdateContract changes a contract's renewal and invoicing terms.
func (a *App) UpdateContract(ctx context.Context, id string, version int, p contract.Patch) (Contract, error) {
	return change(ctx, a, func(tx Tx) (Contract, error) {
		if _, err := a.contracts.Update(ctx, tx, id, version, p); err != nil {
			return Contract{}, err
		}
		return a.contractIn(ctx, tx, id)
	})
}

// AmendContract starts an amendment quote of a contract.
func (a *App) AmendContract(ctx context.Context, id string, effective quotient.Date) (QuoteVersion, error) {
	return change(ctx, a, func(tx Tx) (QuoteVersion, error) {
		q, v, err := a.contracts.Amend(ctx, tx, id, effective)
		return QuoteVersion{Quote: q, Version: v}, err
	})
}

// RenewContract makes a contract's renewal quote now.
func (a *App) RenewContract(ctx context.Context, id string) (QuoteVersion, error) {
	return change(ctx, a, func(tx Tx) (QuoteVersion, error) {
		q, v, err := a.contracts.Renew(ctx, tx, id)
		return QuoteVersion{Quote: q, Version: v}, err
	})
}

// CancelContract cancels a contract from an effective date.
func (a *App) CancelContract(ctx context.Context, id string, effective quotient.Date, reason string) (Contract, error) {
	return change(ctx, a, func(tx Tx) (Contract, error) {
		before, err := tx.GetContract(ctx, id)
		if err != nil {
			return Contract{}, err
		}
		billed, err := tx.ContractBillings(ctx, id)
		if err != nil {
			return Contract{}, err
		}
		after, err := a.contracts.Cancel(ctx, tx, id, effective, reason)
		if err != nil {
			return Contract{}, err
		}
		if err := a.clawBookings(ctx, tx, before, billed, after); err != nil {
			return Contract{}, err
		}
		return a.contractIn(ctx, tx, id)
	})
}

// clawBookings takes back the booking commission of what a cancellation
// took off a contract (before it with its invoiced periods, after it), for plans whose clawback
// window the cancellation falls in: per booked subscription, the share
// of its first-year and total value it will no longer bill.
func (a *App) clawBookings(ctx context.Context, tx Tx, before contract.Contract, billed []contract.Billing, after contract.Contract) error {
	left := map[string]contract.Subscription{}
	for _, s := range after.Subscriptions {
		left[s.ID] = s
	}
	first := map[string]string{} // subscription → its first invoice
	for _, b := range billed {
		if _, ok := first[b.SubscriptionID]; !ok {
			first[b.SubscriptionID] = b.InvoiceID
		}
	}
	lost := map[string][]commission.Lost{}
	var invoices []string
	share := func(was, now int64) decimal.Decimal {
		if was <= 0 {
			return decimal.Zero
		}
		return decimal.NewFromInt(was - now).Mul(decimal.NewFromInt(100)).Div(decimal.NewFromInt(was))
	}
	for _, s := range before.Subscriptions {
		inv, billed := first[s.ID]
		if !billed || !before.Booked(s) {
			continue
		}
		fy, tcv := before.Value(s, s.FirstYear()), before.Value(s, quotient.Date{})
		var fyNow, tcvNow int64
		if n, ok := left[s.ID]; ok {
			fyNow, tcvNow = after.Value(n, s.FirstYear()), after.Value(n, quotient.Date{})
		}
		if tcvNow == tcv {
			continue
		}
		if _, ok := lost[inv]; !ok {
			invoices = append(invoices, inv)
		}
		lost[inv] = append(lost[inv], commission.Lost{OrderLineID: s.OrderLineID, FirstYearPct: share(fy, fyNow), TCVPct: share(tcv, tcvNow)})
	}
	for _, id := range invoices {
		inv, err := tx.GetInvoice(ctx, id)
		if err != nil {
			return err
		}
		if err := a.commission.ClawbackCancelled(ctx, tx, inv, before.StartDate, a.today(), lost[id], "contract "+before.Number+" cancelled"); err != nil {
			return err
		}
	}
	return nil
}

// SubscriptionMetrics is MRR and its movements month by month, retention
// and the renewal rate (managers, finance, admins).
func (a *App) SubscriptionMetrics(ctx context.Context, currency string, from, to quotient.Date) (contract.Metrics, error) {
	return read(ctx, a, func(tx Tx) (contract.Metrics, error) { return a.contracts.Metrics(ctx, tx, currency, from, to) })
}

// Waterfall is the revenue schedule by month: what is recognised and
// what is still deferred.
type Waterfall struct {
	From, To quotient.Date
	Months   []revenue.Month
}

// RevenueSchedule is the revenue recognition waterfall (finance, admins,
// sales managers).
func (a *App) RevenueSchedule(ctx context.Context, currency string, from, to quotient.Date) (Waterfall, error) {
	return read(ctx, a, func(tx Tx) (Waterfall, error) {
		ms, f, t, err := a.revenue.Waterfall(ctx, tx, currency, from, to)
		return Waterfall{From: f, To: t, Months: ms}, err
	})
}
