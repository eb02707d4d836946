package app_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/quotient-cpq/quotient"
	. "github.com/quotient-cpq/quotient/app/apptest"
	"github.com/quotient-cpq/quotient/commission"
	"github.com/quotient-cpq/quotient/crm"
	"github.com/quotient-cpq/quotient/quote"
)

// lines describes a rep's commission lines of March 2026 in order:
// "SKU basis×rate%=amount", an exclusion marked "(excluded)".
func commissionLines(t *testing.T, w *World, userID string) []string {
	t.Helper()
	ls := Must(w.App.CommissionLines(w.Finance, commission.LineFilter{UserID: userID, Period: "2026-03", Page: quotient.Page{Limit: 100}}))(t)
	var out []string
	for _, l := range ls {
		s := fmt.Sprintf("%s %s×%s%%=%s", l.SKU, money(l.Currency, l.Basis), l.RatePct, money(l.Currency, l.Amount))
		if strings.HasPrefix(l.SourceType, "recalc:") {
			s = "adjust " + s
		}
		if l.Excluded {
			s += " (excluded)"
		}
		out = append(out, s)
	}
	return out
}

func wantLines(t *testing.T, who string, got []string, want ...string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s's commission lines:\n  %s\nwant\n  %s", who, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// Accrual as events happen and recalculation replaying the month rate
// every line the same way: on a month with an exclusion (which counts
// nothing toward quota), an accelerator that quota attainment crosses
// mid-invoice, and an opportunity split between two reps, recalculating
// under unchanged plans changes nothing. Under a changed plan the
// adjustments also correct what counts toward quota, so an accrual after
// the recalculation sees the attainment it replayed.
func TestAccrualAndRecalculationAgree(t *testing.T) {
	t.Parallel()
	Each(t, func(t *testing.T, w *World) {
		basis := commission.Invoiced
		plan := Must(w.App.CreateCommissionPlan(w.Finance, commission.PlanInput{Name: ptr("Field"), Basis: &basis, BaseRatePct: ptr(D("10")),
			Rules:      &[]commission.Rule{{Name: "accelerator", Condition: "rep.attainment_pct >= 100", RatePct: D("15")}},
			Exclusions: &[]commission.Exclusion{{Name: "fees", Condition: `line.family == "fees"`}}, ValidFrom: ptr(quotient.NewDate(2026, 1, 1))}))(t)
		rep, rep2 := w.Users["rep"].ID, w.Users["rep2"].ID
		for who, quota := range map[string]string{rep: "250", rep2: "1000"} {
			Must(w.App.AssignPlan(w.Finance, plan.ID, commission.AssignmentInput{UserID: who, ValidFrom: quotient.NewDate(2026, 1, 1), Quota: D(quota), Currency: "USD"}))(t)
		}
		in := w.AccountInput("Quota Corp")
		in.InvoicingPolicy = crm.OnOrder
		acc := w.Account(t, in)

		// Invoice 1, the rep's alone: the fees are excluded, so the
		// service after them is rated at 80 % of quota, not 104 %.
		w.Order(t, quote.Input{AccountID: acc.ID, Lines: []quote.Line{w.Line("HW", "2"), w.Line("FEE", "6"), w.Line("SVC", "1")}})
		// Invoice 2 from an opportunity split 60/40: the rep reaches
		// quota with its first line and the accelerator rates the next.
		opp := Must(w.App.CreateOpportunity(w.Rep, crm.OpportunityInput{AccountID: acc.ID, Name: "Expansion", Stage: crm.Proposal,
			Amount: D("150"), CloseDate: quotient.NewDate(2026, 3, 31)}))(t)
		Must(w.App.SetSplits(w.Rep, opp.ID, []commission.Split{{UserID: rep, Pct: D("60")}, {UserID: rep2, Pct: D("40")}}))(t)
		w.Order(t, quote.Input{OpportunityID: opp.ID, Lines: []quote.Line{w.Line("HW", "1"), w.Line("SVC", "1")}})

		wantLines(t, "the rep", commissionLines(t, w, rep),
			"HW 200.00×10%=20.00", "FEE 60.00×0%=0.00 (excluded)", "SVC 50.00×10%=5.00",
			"HW 60.00×15%=9.00", "SVC 30.00×15%=4.50")
		wantLines(t, "the second rep", commissionLines(t, w, rep2), "HW 40.00×10%=4.00", "SVC 20.00×10%=2.00")

		for _, user := range []string{"", rep, rep2} {
			if r := Must(w.App.RecalculateCommission(w.Finance, "2026-03", user))(t); len(r.Lines) != 0 {
				t.Errorf("recalculating under the same plan (user %q) adjusted %d lines: %+v", user, len(r.Lines), r.Lines)
			}
		}

		// Services are excluded from now on: the recalculation takes their
		// commission back and their basis out of quota, so the rep's
		// hardware on invoice 2 falls back under quota (10 %).
		Must(w.App.UpdateCommissionPlan(w.Finance, plan.ID, 0, commission.PlanInput{Exclusions: &[]commission.Exclusion{
			{Name: "fees", Condition: `line.family == "fees"`}, {Name: "services", Condition: `line.family == "services"`}}}))(t)
		r := Must(w.App.RecalculateCommission(w.Finance, "2026-03", ""))(t)
		if len(r.Lines) != 4 {
			t.Errorf("recalculation under the new plan made %d adjustments, want 4", len(r.Lines))
		}
		wantLines(t, "the rep", commissionLines(t, w, rep),
			"HW 200.00×10%=20.00", "FEE 60.00×0%=0.00 (excluded)", "SVC 50.00×10%=5.00",
			"HW 60.00×15%=9.00", "SVC 30.00×15%=4.50",
			"adjust SVC -50.00×0%=-5.00", "adjust HW 0.00×10%=-3.00", "adjust SVC -30.00×0%=-4.50")
		wantLines(t, "the second rep", commissionLines(t, w, rep2), "HW 40.00×10%=4.00", "SVC 20.00×10%=2.00", "adjust SVC -20.00×0%=-2.00")
		if r := Must(w.App.RecalculateCommission(w.Finance, "2026-03", ""))(t); len(r.Lines) != 0 {
			t.Errorf("a second recalculation adjusted %d lines", len(r.Lines))
		}

		// Attainment is now 260 of 250: the next hardware is accelerated,
		// as the replay says, and recalculating still changes nothing.
		w.Order(t, quote.Input{AccountID: acc.ID, Lines: []quote.Line{w.Line("HW", "1")}})
		ls := commissionLines(t, w, rep)
		if last := ls[len(ls)-1]; last != "HW 100.00×15%=15.00" {
			t.Errorf("the accrual after the recalculation: %s, want HW 100.00×15%%=15.00", last)
		}
		if r := Must(w.App.RecalculateCommission(w.Finance, "2026-03", ""))(t); len(r.Lines) != 0 {
			t.Errorf("recalculating after the accrual adjusted %d lines: %+v", len(r.Lines), r.Lines)
		}
		balanced(t, w)
	})
}
