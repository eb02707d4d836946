package commission

import (
	"context"
	"fmt"
	"sort"
	"strings"

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
// as they are now, event by event in the order they happened, and posts
// only the differences: one adjustment line per rep, invoice line and
// event whose amount changed, and one journal entry per currency. An
// adjustment's basis is the change in what counts toward quota (when an
// exclusion now takes a line out, or no longer does), so later accruals
// in the month see the attainment this run replayed. userID,
// when given, limits it to one rep. Attainment is replayed from the
// month's start exactly as accrual counts it (tally), so under unchanged
// plans a recalculation changes nothing. Bases and shares do not change;
// rates do (rules, exclusions, base rate), and clawbacks follow the rate
// their invoice line now earns.
func (s *Service) Recalculate(ctx context.Context, st AccrueStore, period, userID string) (Recalculation, error) {
	a, err := requireAdminOrFinance(ctx, "recalculating commission")
	if err != nil {
		return Recalculation{}, err
	}
	if err := checkPeriod(period); err != nil {
		return Recalculation{}, quotient.FieldErrorf(quotient.Unprocessable, "period", "must be a month as YYYY-MM")
	}
	all, err := st.CommissionLines(ctx, LineFilter{Period: period, UserID: userID, Page: quotient.Page{Limit: 1000000}})
	if err != nil {
		return Recalculation{}, err
	}
	run := Recalculation{ID: quotient.NewID("crc"), Period: period}
	type key struct{ user, srcType, srcID, line string }
	current := map[key]int64{} // what each event's line earns now, adjustments included
	counted := map[key]int64{} // and how much of its basis counts toward quota
	var events []Line          // originals, in the order they happened (ids are time-ordered)
	for _, l := range all {
		t, id := origin(l)
		k := key{l.UserID, t, id, l.OrderLineID}
		current[k] += l.Amount
		if !l.Excluded {
			counted[k] += l.Basis
		}
		if !strings.HasPrefix(l.SourceType, recalcPrefix) {
			events = append(events, l)
		}
	}
	sort.SliceStable(events, func(i, j int) bool { return events[i].ID < events[j].ID })
	invoices := map[string]billing.Invoice{}
	accounts := map[string]crm.Account{}
	tallies := map[string]*tally{}     // user → booked toward quota so far this month
	lineRate := map[[2]string]rating{} // (user, order line) → the recomputed rating of its first accrual
	now := s.now().UTC()
	byCurrency := map[string][]Line{}
	for _, l := range events {
		asg, plan, ok, err := st.AssignmentOn(ctx, l.UserID, l.Date)
		if err != nil {
			return Recalculation{}, err
		}
		t := tallies[l.UserID]
		if t == nil {
			t = &tally{}
			tallies[l.UserID] = t
		}
		t.asg = asg
		redo := ok && plan.ID == l.PlanID // else the rep's plan that day is another now: not this run's to redo
		var rt rating
		if l.SourceType == "credit_note" || l.SourceType == "cancellation" { // rated as the line they take back
			orig, rated := lineRate[[2]string{l.UserID, l.OrderLineID}]
			excluded := l.Excluded
			if rated {
				excluded = orig.excluded
			}
			t.count(l.Basis, l.Currency, excluded)
			if !rated || !redo {
				continue
			}
			rt = orig
		} else {
			if !redo {
				t.count(l.Basis, l.Currency, l.Excluded)
				continue
			}
			inv, ok := invoices[l.InvoiceID]
			if !ok {
				if inv, err = st.GetInvoice(ctx, l.InvoiceID); err != nil {
					return Recalculation{}, err
				}
				invoices[l.InvoiceID] = inv
			}
			acc, ok := accounts[inv.AccountID]
			if !ok {
				if acc, err = st.GetAccount(ctx, inv.AccountID); err != nil {
					return Recalculation{}, err
				}
				accounts[inv.AccountID] = acc
			}
			var il billing.InvoiceLine
			for _, x := range inv.Lines {
				if x.OrderLineID == l.OrderLineID {
					il = x
				}
			}
			if rt, err = rate(plan, facts(il, inv.Currency, acc, l.UserID, l.SharePct, *t)); err != nil {
				return Recalculation{}, err
			}
			t.count(l.Basis, l.Currency, rt.excluded)
			if _, seen := lineRate[[2]string{l.UserID, l.OrderLineID}]; !seen {
				lineRate[[2]string{l.UserID, l.OrderLineID}] = rt
			}
		}
		c, _ := quotient.LookupCurrency(l.Currency)
		want := pctOf(c, l.Basis, rt.pct)
		k := key{l.UserID, l.SourceType, l.SourceID, l.OrderLineID}
		wantCounted := l.Basis
		if rt.excluded {
			wantCounted = 0
		}
		diff, diffCounted := want-current[k], wantCounted-counted[k]
		if diff == 0 && diffCounted == 0 {
			continue
		}
		status := Payable
		if l.Status == Accrued {
			status = Accrued
		}
		adj := Line{ID: quotient.NewID("cml"), UserID: l.UserID, PlanID: plan.ID, PlanVersion: plan.Version, InvoiceID: l.InvoiceID,
			InvoiceNumber: l.InvoiceNumber, OrderLineID: l.OrderLineID, SKU: l.SKU, SourceType: recalcPrefix + l.SourceType,
			SourceID: l.SourceID + "#" + run.ID, Period: period, Date: quotient.DateOf(now), Currency: l.Currency, Basis: diffCounted,
			SharePct: l.SharePct, RatePct: rt.pct, Amount: diff, Status: status, Rule: rt.rule, CreatedAt: now,
			Figures: fmt.Sprintf("recalculation %s of %s %s under plan %s v%d: %s × %s%% = %s, %s before", run.ID, l.SourceType, l.SourceID, plan.Name,
				plan.Version, c.Format(c.FromMinor(l.Basis)), rt.pct, c.Format(c.FromMinor(want)), c.Format(c.FromMinor(current[k])))}
		byCurrency[l.Currency] = append(byCurrency[l.Currency], adj)
		run.Lines = append(run.Lines, adj)
	}
	curs := make([]string, 0, len(byCurrency))
	for cur := range byCurrency {
		curs = append(curs, cur)
	}
	sort.Strings(curs)
	if len(curs) == 0 {
		return run, nil
	}
	day := quotient.DateOf(now)
	books, err := s.ledger.Open(ctx, st, day)
	if err != nil {
		return Recalculation{}, err
	}
	for _, cur := range curs {
		if err := s.record(ctx, st, books, byCurrency[cur], "recalculation", run.ID+":"+cur, "adjust", day, cur,
			fmt.Sprintf("Commission recalculation of %s by %s", period, a.UserID)); err != nil {
			return Recalculation{}, err
		}
	}
	return run, nil
}
