package app

import (
	"context"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/billing"
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
// with its amount, and the AR aging of every invoiced currency equals the
// balance of the AR account today.
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
		}
		var out InvariantReport
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
