package app

import (
	"context"
	"errors"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/commission"
)

// CommissionPlans lists commission plans.
func (a *App) CommissionPlans(ctx context.Context, p quotient.Page) ([]commission.Plan, error) {
	return read(ctx, a, func(tx Tx) ([]commission.Plan, error) { return a.commission.Plans(ctx, tx, p) })
}

// CreateCommissionPlan adds a commission plan (finance); its rules and
// exclusions are compiled now.
func (a *App) CreateCommissionPlan(ctx context.Context, in commission.PlanInput) (commission.Plan, error) {
	return change(ctx, a, func(tx Tx) (commission.Plan, error) { return a.commission.CreatePlan(ctx, tx, in) })
}

// CommissionPlan returns a commission plan.
func (a *App) CommissionPlan(ctx context.Context, id string) (commission.Plan, error) {
	return read(ctx, a, func(tx Tx) (commission.Plan, error) { return a.commission.GetPlan(ctx, tx, id) })
}

// UpdateCommissionPlan changes a plan (finance) read at version (0: any);
// what was accrued stays.
func (a *App) UpdateCommissionPlan(ctx context.Context, id string, version int, in commission.PlanInput) (commission.Plan, error) {
	return change(ctx, a, func(tx Tx) (commission.Plan, error) { return a.commission.UpdatePlan(ctx, tx, id, version, in) })
}

// Assignments lists a plan's assignments.
func (a *App) Assignments(ctx context.Context, planID string) ([]commission.Assignment, error) {
	return read(ctx, a, func(tx Tx) ([]commission.Assignment, error) { return a.commission.Assignments(ctx, tx, planID) })
}

// AssignPlan puts a user on a plan from a date, with a monthly quota
// (finance).
func (a *App) AssignPlan(ctx context.Context, planID string, in commission.AssignmentInput) (commission.Assignment, error) {
	return change(ctx, a, func(tx Tx) (commission.Assignment, error) { return a.commission.Assign(ctx, tx, planID, in) })
}

// Splits returns an opportunity's credit splits (none: its owner earns it
// all).
func (a *App) Splits(ctx context.Context, opportunityID string) ([]commission.Split, error) {
	return read(ctx, a, func(tx Tx) ([]commission.Split, error) {
		if _, err := a.crm.GetOpportunity(ctx, tx, opportunityID); err != nil {
			return nil, err
		}
		return tx.Splits(ctx, opportunityID)
	})
}

// SetSplits splits an opportunity's credit between reps by percent; the
// shares add up to 100.
func (a *App) SetSplits(ctx context.Context, opportunityID string, splits []commission.Split) ([]commission.Split, error) {
	return change(ctx, a, func(tx Tx) ([]commission.Split, error) {
		o, err := tx.GetOpportunity(ctx, opportunityID)
		if err != nil {
			return nil, err
		}
		return a.commission.SetSplits(ctx, tx, o.ID, o.OwnerID, splits)
	})
}

// CommissionLines lists commission lines: a rep their own, a manager
// their team's, finance all.
func (a *App) CommissionLines(ctx context.Context, f commission.LineFilter) ([]commission.Line, error) {
	return read(ctx, a, func(tx Tx) ([]commission.Line, error) { return a.commission.Lines(ctx, tx, f) })
}

// CommissionStatement is a rep's statement for a month and what was paid
// out on it.
type CommissionStatement struct {
	commission.Statement
	Payouts []commission.Payout
}

// CommissionStatement returns a rep's commission statement for a month.
func (a *App) CommissionStatement(ctx context.Context, userID, period string) (CommissionStatement, error) {
	return read(ctx, a, func(tx Tx) (CommissionStatement, error) {
		st, err := a.commission.UserStatement(ctx, tx, userID, period)
		if err != nil {
			return CommissionStatement{}, err
		}
		ps, err := tx.Payouts(ctx, st.UserID, st.Period)
		return CommissionStatement{st, ps}, err
	})
}

// PayCommission pays what is payable on a statement (finance).
func (a *App) PayCommission(ctx context.Context, userID, period string) ([]commission.Payout, error) {
	return change(ctx, a, func(tx Tx) ([]commission.Payout, error) { return a.commission.PayStatement(ctx, tx, userID, period) })
}

// RecalculateCommission recomputes a month under the plans as they are
// now and posts only the differences (finance).
func (a *App) RecalculateCommission(ctx context.Context, period, userID string) (commission.Recalculation, error) {
	return change(ctx, a, func(tx Tx) (commission.Recalculation, error) {
		return a.commission.Recalculate(ctx, tx, period, userID)
	})
}

// Performance is a rep's month (yyyy-mm, this month when empty) in a
// currency: quota, attainment, bookings, invoiced, paid, commission,
// pipeline and win rate.
func (a *App) Performance(ctx context.Context, userID, period, currency string) (commission.Performance, error) {
	if period == "" {
		period = a.now().UTC().Format("2006-01")
	}
	return read(ctx, a, func(tx Tx) (commission.Performance, error) {
		return a.commission.UserPerformance(ctx, tx, userID, period, currency)
	})
}

// KPIs are the headline figures of a period in one currency (managers,
// finance, admins).
func (a *App) KPIs(ctx context.Context, currency string, from, to quotient.Date) (commission.KPIs, error) {
	return read(ctx, a, func(tx Tx) (commission.KPIs, error) { return a.commission.KPIReport(ctx, tx, currency, from, to) })
}

// errPreview rolls a preview's transaction back.
var errPreview = errors.New("app: preview rolled back")

// PreviewRecalculation is what RecalculateCommission would post for a
// month, computed in a transaction that is then rolled back (finance):
// the differences to read before posting them.
func (a *App) PreviewRecalculation(ctx context.Context, period, userID string) (commission.Recalculation, error) {
	var out commission.Recalculation
	err := a.db.InTx(ctx, func(tx Tx) error {
		r, err := a.commission.Recalculate(ctx, tx, period, userID)
		if err != nil {
			return err
		}
		out = r
		return errPreview
	})
	if errors.Is(err, errPreview) {
		return out, nil
	}
	return commission.Recalculation{}, err
}
