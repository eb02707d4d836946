package app

import (
	"context"
	"fmt"
	"slices"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/billing"
	"github.com/quotient-cpq/quotient/ledger"
)

// Invariant is one invariant and what breaks it (nothing when it holds).
type Invariant struct {
	Name     string
	Problems []string
}

// OK reports whether the invariant holds.
func (i Invariant) OK() bool { return len(i.Problems) == 0 }

// InvariantReport is every invariant the data must hold, checked.
type InvariantReport struct {
	Invariants []Invariant
}

// OK reports whether every invariant holds.
func (r InvariantReport) OK() bool {
	for _, i := range r.Invariants {
		if !i.OK() {
			return false
		}
	}
	return true
}

// Check verifies the invariants the data must always hold (admins and
// finance; quotient check runs it as the system): the ledger balances per
// currency (in total and per entry), every stock row's on_hand and
// reserved equal the sums of its movements and open reservations with
// 0 <= reserved <= on_hand, every document and commission is posted once
// with its amount, the AR aging of every invoiced currency equals the
// balance of the AR account today, the inventory account equals stock at
// its carried cost (in the cost currency; zero in every other) and each
// stock row's carried value its movements' values, goods received not
// invoiced equals the receipts not yet billed, and deferred revenue
// equals the revenue schedules not yet recognised.
func (a *App) Check(ctx context.Context) (InvariantReport, error) {
	act, err := quotient.RequireActor(ctx)
	if err != nil {
		return InvariantReport{}, err
	}
	if act.Role != quotient.RoleAdmin && act.Role != quotient.RoleFinance {
		return InvariantReport{}, quotient.Errorf(quotient.Forbidden, "the invariant check is for admins and finance")
	}
	return read(ctx, a, func(tx Tx) (InvariantReport, error) {
		checks := []struct {
			name string
			fn   func(context.Context) ([]string, error)
		}{
			{"ledger balances per currency and per entry", tx.Imbalances},
			{"stock equals its movements and reservations", tx.Discrepancies},
			{"every invoice, payment and credit note posted exactly once, with its amount", tx.PostingBreaches},
			{"every commission accrual, clawback and payout in the ledger", tx.CommissionBreaches},
			{"AR aging equals the AR account today", func(ctx context.Context) ([]string, error) {
				curs, err := tx.InvoiceCurrencies(ctx)
				if err != nil {
					return nil, err
				}
				return billing.Reconcile(ctx, tx, curs, a.today())
			}},
			{"inventory account equals stock at carried cost, per currency", func(ctx context.Context) ([]string, error) {
				carried, _, breaches, err := tx.StockValuation(ctx)
				if err != nil {
					return nil, err
				}
				more, err := a.ledgerEquals(ctx, tx, ledger.Inventory, carried, "stock on hand at its carried cost")
				return append(breaches, more...), err
			}},
			{"goods received not invoiced equals the receipts not yet billed", func(ctx context.Context) ([]string, error) {
				_, received, _, err := tx.StockValuation(ctx)
				if err != nil {
					return nil, err
				}
				// Nothing bills receipts yet (vendor bills come with
				// payables): every receipt is still owed to a supplier.
				return a.ledgerEquals(ctx, tx, ledger.GoodsReceivedNotInvoiced, -received, "the receipts not yet billed")
			}},
			{"deferred revenue equals the revenue schedules not yet recognised, per currency", func(ctx context.Context) ([]string, error) {
				return a.deferredEqualsSchedules(ctx, tx)
			}},
		}
		var out InvariantReport
		// The checks above read the books as of today.
		for _, c := range checks {
			problems, err := c.fn(ctx)
			if err != nil {
				return InvariantReport{}, err
			}
			out.Invariants = append(out.Invariants, Invariant{Name: c.name, Problems: problems})
		}
		return out, nil
	})
}

// ledgerEquals compares an account's balance today (debit positive) with
// what it should hold in the cost currency, and with zero in every other
// currency: stock is valued in the cost currency only.
func (a *App) ledgerEquals(ctx context.Context, tx Tx, code string, want int64, what string) ([]string, error) {
	cost := a.billing.CostCurrency
	curs, err := tx.LedgerCurrencies(ctx)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(curs, cost) {
		curs = append(curs, cost)
	}
	var out []string
	for _, cur := range curs {
		bals, err := tx.Balances(ctx, a.today(), cur)
		if err != nil {
			return nil, err
		}
		var have int64
		for _, b := range bals {
			if b.AccountCode == code {
				have += b.Debit - b.Credit
			}
		}
		should := int64(0)
		if cur == cost {
			should = want
		}
		if have != should {
			c, _ := quotient.LookupCurrency(cur)
			out = append(out, fmt.Sprintf("%s: account %s holds %s; %s: %s", cur, code, c.Format(c.FromMinor(have)), what, c.Format(c.FromMinor(should))))
		}
	}
	return out, nil
}

// deferredEqualsSchedules compares the deferred revenue account's credit
// balance today, per currency, with what the revenue schedules have not
// recognised.
func (a *App) deferredEqualsSchedules(ctx context.Context, tx Tx) ([]string, error) {
	open, err := tx.Unrecognised(ctx)
	if err != nil {
		return nil, err
	}
	curs, err := tx.LedgerCurrencies(ctx)
	if err != nil {
		return nil, err
	}
	for cur := range open {
		if !slices.Contains(curs, cur) {
			curs = append(curs, cur)
		}
	}
	var out []string
	for _, cur := range curs {
		bals, err := tx.Balances(ctx, a.today(), cur)
		if err != nil {
			return nil, err
		}
		var have int64
		for _, b := range bals {
			if b.AccountCode == ledger.DeferredRevenue {
				have += b.Credit - b.Debit
			}
		}
		if have != open[cur] {
			c, _ := quotient.LookupCurrency(cur)
			out = append(out, fmt.Sprintf("%s: deferred revenue (%s) holds %s; the schedules not yet recognised: %s", cur, ledger.DeferredRevenue,
				c.Format(c.FromMinor(have)), c.Format(c.FromMinor(open[cur]))))
		}
	}
	return out, nil
}
