package server

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/billing"
)

// InvariantJSON is one invariant and what breaks it.
type InvariantJSON struct {
	Name     string   `json:"name"`
	OK       bool     `json:"ok"`
	Problems []string `json:"problems"`
}

// InvariantReportJSON is the result of checking every invariant.
type InvariantReportJSON struct {
	OK     bool            `json:"ok"`
	Checks []InvariantJSON `json:"checks"`
}

// Check verifies the invariants the data must always hold: the ledger
// balances per currency (in total and per entry), every stock row's
// on_hand and reserved equal the sums of its movements and open
// reservations with 0 <= reserved <= on_hand, every document and commission
// is posted once with its amount, and the AR aging of every invoiced
// currency equals the balance of the AR account. quotient check and
// GET /admin/check both run it.
func Check(ctx context.Context, tx Tx) (InvariantReportJSON, error) {
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
			return billing.Reconcile(ctx, tx, curs, time.Now().UTC().Format(time.DateOnly))
		}},
	}
	out := InvariantReportJSON{OK: true}
	for _, c := range checks {
		problems, err := c.fn(ctx)
		if err != nil {
			return InvariantReportJSON{}, err
		}
		if problems == nil {
			problems = []string{}
		}
		out.Checks = append(out.Checks, InvariantJSON{Name: c.name, OK: len(problems) == 0, Problems: problems})
		out.OK = out.OK && len(problems) == 0
	}
	return out, nil
}

func (s *Server) adminCheck() fiber.Handler {
	return func(c *fiber.Ctx) error {
		out, err := read(s, c, func(ctx context.Context, tx Tx) (InvariantReportJSON, error) {
			a, err := quotient.RequireActor(ctx)
			if err != nil {
				return InvariantReportJSON{}, err
			}
			if a.Role != quotient.RoleAdmin && a.Role != quotient.RoleFinance {
				return InvariantReportJSON{}, quotient.Errorf(quotient.Forbidden, "the invariant check is for admins and finance")
			}
			return Check(ctx, tx)
		})
		if err != nil {
			return err
		}
		return send(c, fiber.StatusOK, 0, out)
	}
}
