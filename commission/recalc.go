package commission

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/billing"
	"github.com/quotient-cpq/quotient/crm"
)

// Recalculation is what a recalculation changed.
type Recalculation struct {
	ID     string
	Period string
	Lines  []Line // the adjustments it made
}

// recalcPrefix marks adjustment lines: their source type is the
// original's with this prefix, their source id the original's + "#" +
// the run.
const recalcPrefix = "recalc:"

// origin is the event a line (or an adjustment of it) belongs to.
func origin(l Line) (string, string) {
	if t, ok := strings.CutPrefix(l.SourceType, recalcPrefix); ok {
		id, _, _ := strings.Cut(l.SourceID, "#")
		return t, id
	}
	return l.SourceType, l.SourceID
}

// Recalculate recomputes a month's commission (finance) under the plans
// as they are now, event by event in the order they happened (so
// attainment is replayed), and posts only the differences: one adjustment
// line per rep, invoice line and event whose amount changed, and one
// journal entry per currency. userID, when given, limits it to one rep.
// Bases and shares do not change; rates do (rules, exclusions, base
// rate), and clawbacks follow the rate their invoice line now earns.
func (s *Service) Recalculate(ctx context.Context, st AccrueStore, period, userID string) (Recalculation, error) {
	a, err := requireAdminOrFinance(ctx, "recalculating commission")
	if err != nil {
		return Recalculation{}, err
	}
	if err := checkPeriod(period); err != nil {
		return Recalculation{}, quotient.FieldErrorf(quotient.Unprocessable, "period", "must be a month as YYYY-MM")
	}
	all, err := st.CommissionLines(ctx, LineFilter{Period: period, UserID: userID, Limit: 1000000})
	if err != nil {
		return Recalculation{}, err
	}
	run := Recalculation{ID: quotient.NewID("crc"), Period: period}
	type key struct{ user, srcType, srcID, line string }
	current := map[key]int64{}
	var events []Line // originals, in the order they happened (ids are time-ordered)
	for _, l := range all {
		t, id := origin(l)
		k := key{l.UserID, t, id, l.OrderLineID}
		current[k] += l.Amount
		if !strings.HasPrefix(l.SourceType, recalcPrefix) {
			events = append(events, l)
		}
	}
	sort.SliceStable(events, func(i, j int) bool { return events[i].ID < events[j].ID })
	invoices := map[string]billing.Invoice{}
	accounts := map[string]crm.Account{}
	booked := map[string]int64{}     // user → basis booked so far in the quota currency
	lineRate := map[[2]string]Line{} // (user, order line) → the recomputed accrual
	now := s.now().UTC()
	byCurrency := map[string][]Line{}
	for _, l := range events {
		asg, plan, ok, err := st.AssignmentOn(ctx, l.UserID, l.Date)
		if err != nil {
			return Recalculation{}, err
		}
		if !ok || plan.ID != l.PlanID {
			continue // the rep's plan that day is another now: not this run's to redo
		}
		inv, ok := invoices[l.InvoiceID]
		if !ok {
			if inv, err = st.GetInvoice(ctx, l.InvoiceID); err != nil {
				return Recalculation{}, err
			}
			invoices[l.InvoiceID] = inv
		}
		c, _ := quotient.LookupCurrency(l.Currency)
		var pct decimal.Decimal
		rule := ""
		if l.SourceType == "credit_note" {
			orig, ok := lineRate[[2]string{l.UserID, l.OrderLineID}]
			if !ok {
				continue
			}
			pct, rule = orig.RatePct, orig.Rule
			if asg.Currency == l.Currency {
				booked[l.UserID] += l.Basis // as Booked counted it when later lines accrued
			}
		} else {
			var il billing.InvoiceLine
			for _, x := range inv.Lines {
				if x.OrderLineID == l.OrderLineID {
					il = x
				}
			}
			acc, ok := accounts[inv.AccountID]
			if !ok {
				if acc, err = st.GetAccount(ctx, inv.AccountID); err != nil {
					return Recalculation{}, err
				}
				accounts[inv.AccountID] = acc
			}
			qc, _ := quotient.LookupCurrency(asg.Currency)
			att := decimal.Zero
			if asg.Quota.IsPositive() {
				att = qc.FromMinor(booked[l.UserID]).Div(asg.Quota).Mul(decimal.NewFromInt(100)).Round(2)
			}
			env := Env{Line: LineFacts{SKU: il.SKU, ProductID: il.ProductID, Family: il.Family, Quantity: decimal.New(il.Quantity, -6),
				UnitPrice: il.UnitPrice, Net: c.FromMinor(il.Net), Currency: inv.Currency},
				Account: AccountFacts{Name: acc.Name, Segment: acc.Segment, Industry: acc.Industry, TaxRegion: acc.TaxRegion, Currency: acc.Currency},
				Rep:     RepFacts{UserID: l.UserID, Quota: asg.Quota, Booked: qc.FromMinor(booked[l.UserID]), AttainmentPct: att, SharePct: l.SharePct}}
			if pct, rule, err = rate(plan, env); err != nil {
				return Recalculation{}, err
			}
			if asg.Currency == l.Currency && !strings.HasPrefix(rule, "excluded") {
				booked[l.UserID] += l.Basis
			}
			if _, seen := lineRate[[2]string{l.UserID, l.OrderLineID}]; !seen {
				lineRate[[2]string{l.UserID, l.OrderLineID}] = Line{RatePct: pct, Rule: rule}
			}
		}
		want := c.RoundMinor(c.FromMinor(l.Basis).Mul(pct).Div(decimal.NewFromInt(100)))
		k := key{l.UserID, l.SourceType, l.SourceID, l.OrderLineID}
		diff := want - current[k]
		if diff == 0 {
			continue
		}
		status := Payable
		if l.Status == Accrued {
			status = Accrued
		}
		adj := Line{ID: quotient.NewID("cml"), UserID: l.UserID, PlanID: plan.ID, PlanVersion: plan.Version, InvoiceID: l.InvoiceID,
			InvoiceNumber: l.InvoiceNumber, OrderLineID: l.OrderLineID, SKU: l.SKU, SourceType: recalcPrefix + l.SourceType,
			SourceID: l.SourceID + "#" + run.ID, Period: period, Date: now.Format("2006-01-02"), Currency: l.Currency, Basis: 0, SharePct: l.SharePct,
			RatePct: pct, Amount: diff, Status: status, Rule: rule, CreatedAt: now,
			Figures: fmt.Sprintf("recalculation %s of %s %s under plan %s v%d: %s × %s%% = %s, %s before", run.ID, l.SourceType, l.SourceID, plan.Name,
				plan.Version, c.Format(c.FromMinor(l.Basis)), pct, c.Format(c.FromMinor(want)), c.Format(c.FromMinor(current[k])))}
		byCurrency[l.Currency] = append(byCurrency[l.Currency], adj)
		run.Lines = append(run.Lines, adj)
	}
	curs := make([]string, 0, len(byCurrency))
	for cur := range byCurrency {
		curs = append(curs, cur)
	}
	sort.Strings(curs)
	for _, cur := range curs {
		if err := s.record(ctx, st, byCurrency[cur], "recalculation", run.ID+":"+cur, "adjust", now.Format("2006-01-02"), cur,
			fmt.Sprintf("Commission recalculation of %s by %s", period, a.UserID)); err != nil {
			return Recalculation{}, err
		}
	}
	return run, nil
}
