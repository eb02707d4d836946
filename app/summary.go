package app

import (
	"context"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/billing"
	"github.com/quotient-cpq/quotient/crm"
	"github.com/quotient-cpq/quotient/quote"
)

// AccountSummary is the account 360: what a rep sees before quoting.
// Amounts are in minor units of the account's currency unless said.
type AccountSummary struct {
	Account    crm.Account
	Exposure   billing.Exposure
	OpenQuotes []quote.OpenTotal
	OpenOrders int
	OnHold     int
	// LifetimeRevenue is invoiced net less credit notes.
	LifetimeRevenue int64
	Activity        billing.Activity
	// GrossMargin is lifetime revenue less the cost of goods shipped, and
	// GrossMarginPct its share of revenue (one decimal), when the account's
	// currency is the cost currency; nil otherwise (or, for the percent,
	// without revenue).
	GrossMargin    *int64
	GrossMarginPct *decimal.Decimal
	OpenCases      []crm.Case
}

// AccountSummary returns an account's 360.
func (a *App) AccountSummary(ctx context.Context, id string) (AccountSummary, error) {
	return read(ctx, a, func(tx Tx) (AccountSummary, error) {
		acc, err := a.crm.GetAccount(ctx, tx, id)
		if err != nil {
			return AccountSummary{}, err
		}
		// What the customer owes and has bought is for those who work it.
		if err := quotient.CheckReach(ctx, tx, "account", id, id); err != nil {
			return AccountSummary{}, err
		}
		out := AccountSummary{Account: acc}
		if out.Exposure, err = a.billing.AccountExposure(ctx, tx, acc); err != nil {
			return out, err
		}
		if out.OpenQuotes, err = tx.OpenQuotes(ctx, acc.ID); err != nil {
			return out, err
		}
		if out.LifetimeRevenue, err = tx.LifetimeRevenue(ctx, acc.ID, acc.Currency); err != nil {
			return out, err
		}
		if out.Activity, err = tx.AccountActivity(ctx, acc.ID, a.billing.CostCurrency); err != nil {
			return out, err
		}
		for _, st := range []string{crm.CaseOpen, crm.CasePending} {
			cs, err := tx.ListCases(ctx, crm.CaseFilter{AccountID: acc.ID, Status: st, Page: quotient.Page{Limit: 50}})
			if err != nil {
				return out, err
			}
			out.OpenCases = append(out.OpenCases, cs...)
		}
		if out.OpenOrders, out.OnHold, err = tx.OpenOrderCounts(ctx, acc.ID); err != nil {
			return out, err
		}
		if acc.Currency == a.billing.CostCurrency {
			gm := out.LifetimeRevenue - out.Activity.CostOfGoods
			out.GrossMargin = &gm
			if out.LifetimeRevenue > 0 {
				pct := decimal.NewFromInt(gm).Mul(decimal.NewFromInt(100)).Div(decimal.NewFromInt(out.LifetimeRevenue)).Round(1)
				out.GrossMarginPct = &pct
			}
		}
		return out, nil
	})
}
