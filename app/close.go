package app

import (
	"context"
	"fmt"
	"strings"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/billing"
	"github.com/quotient-cpq/quotient/ledger"
	"github.com/quotient-cpq/quotient/order"
)

// CloseItem is one check of a month's close: whether it holds, its
// figures, what is wrong, and where to fix it. A blocking item that does
// not hold stops the month from closing.
type CloseItem struct {
	Name     string // a stable key: ledger_balanced, bank_reconciled, ...
	Title    string
	OK       bool
	Blocking bool
	Figures  []Figure
	Problems []string
	Link     string // the workspace page that fixes it
}

// Figure is a labelled number of a close item.
type Figure struct {
	Label, Value string
}

// CloseChecklist is a month's close, computed from the data.
type CloseChecklist struct {
	Period   string
	From, To quotient.Date
	Status   string // open, closed
	Items    []CloseItem
	// Revaluations are the month-end revaluation's figures per foreign
	// currency with a receivable, and its entries once posted.
	Revaluations []ledger.Revalued
}

// Blockers are the blocking items that do not hold.
func (c CloseChecklist) Blockers() []CloseItem {
	var out []CloseItem
	for _, it := range c.Items {
		if it.Blocking && !it.OK {
			out = append(out, it)
		}
	}
	return out
}

// CloseChecklist computes a month's close checklist (finance, admins,
// sales managers read it).
func (a *App) CloseChecklist(ctx context.Context, period string) (CloseChecklist, error) {
	return read(ctx, a, func(tx Tx) (CloseChecklist, error) {
		if err := billing.RequireReceivablesReader(ctx); err != nil {
			return CloseChecklist{}, err
		}
		return a.checklist(ctx, tx, period)
	})
}

func money(minor int64, cur string) string {
	c, _ := quotient.LookupCurrency(cur)
	return c.Format(c.FromMinor(minor)) + " " + cur
}

func (a *App) checklist(ctx context.Context, tx Tx, period string) (CloseChecklist, error) {
	end, _, err := ledger.PeriodEnd(period)
	if err != nil {
		return CloseChecklist{}, err
	}
	from := end.AddDays(1 - end.Day())
	out := CloseChecklist{Period: period, From: from, To: end, Status: ledger.PeriodOpen}
	if p, ok, err := tx.GetPeriod(ctx, period); err != nil {
		return out, err
	} else if ok {
		out.Status = p.Status
	}
	add := func(it CloseItem, problems []string, err error) error {
		it.Problems, it.OK = problems, len(problems) == 0
		out.Items = append(out.Items, it)
		return err
	}
	// Postings: the books balance, every line has its base amount.
	imb, err := tx.Imbalances(ctx)
	if err := add(CloseItem{Name: "ledger_balanced", Title: "The ledger balances", Blocking: true, Link: "/ledger/trial-balance?as_of=" + end.String()}, imb, err); err != nil {
		return out, err
	}
	var unconverted []string
	if cur, day, ok, err := tx.Unconverted(ctx, end); err != nil {
		return out, err
	} else if ok {
		unconverted = append(unconverted, fmt.Sprintf("lines in %s of %s have no base amount; enter the rate of that day", cur, day))
	}
	if err := add(CloseItem{Name: "base_amounts", Title: "Every posting has its base amount", Blocking: true, Link: "/ledger/exchange-rates"}, unconverted, nil); err != nil {
		return out, err
	}
	held, err := tx.ListOrders(ctx, order.Filter{Status: string(order.OnHold), Page: quotient.Page{Limit: 1000}})
	if err != nil {
		return out, err
	}
	var heldProblems []string
	for _, o := range held {
		heldProblems = append(heldProblems, fmt.Sprintf("order %s is held: %s", o.Number, o.HoldReason))
	}
	if err := add(CloseItem{Name: "held_orders", Title: "Orders held for credit", Figures: []Figure{{"Held", fmt.Sprint(len(held))}},
		Link: "/receivables/holds"}, heldProblems, nil); err != nil {
		return out, err
	}
	// Receivables: the aging equals the AR account at the month's end.
	curs, err := tx.InvoiceCurrencies(ctx)
	if err != nil {
		return out, err
	}
	recs, err := billing.Reconciliations(ctx, tx, curs, end)
	if err != nil {
		return out, err
	}
	ar := CloseItem{Name: "ar_reconciled", Title: "Receivables equal the AR account", Blocking: true, Link: "/receivables"}
	var arProblems []string
	for _, r := range recs {
		ar.Figures = append(ar.Figures, Figure{"Aging " + r.Currency, money(r.Aging, r.Currency)}, Figure{"Ledger " + r.Currency, money(r.Ledger, r.Currency)})
		if r.Aging != r.Ledger {
			arProblems = append(arProblems, fmt.Sprintf("%s: the aging totals %s, account %s holds %s", r.Currency, money(r.Aging, r.Currency), ledger.AccountsReceivable,
				money(r.Ledger, r.Currency)))
		}
	}
	if err := add(ar, arProblems, nil); err != nil {
		return out, err
	}
	// Inventory and goods received not invoiced, as the books hold them now
	// (every movement posts, so a later one moves both sides).
	carried, received, breaches, err := tx.StockValuation(ctx)
	if err != nil {
		return out, err
	}
	cost := a.billing.CostCurrency
	more, err := a.ledgerEquals(ctx, tx, ledger.Inventory, carried, "stock on hand at its carried cost")
	if err := add(CloseItem{Name: "inventory_reconciled", Title: "Inventory equals the inventory account", Blocking: true,
		Figures: []Figure{{"Stock at carried cost", money(carried, cost)}}, Link: "/ledger/accounts/" + ledger.Inventory}, append(breaches, more...), err); err != nil {
		return out, err
	}
	grni, err := a.ledgerEquals(ctx, tx, ledger.GoodsReceivedNotInvoiced, -received, "the receipts not yet billed")
	if err := add(CloseItem{Name: "grni", Title: "Goods received not invoiced", Blocking: true,
		Figures: []Figure{{"Received, not billed", money(received, cost)}}, Link: "/ledger/accounts/" + ledger.GoodsReceivedNotInvoiced}, grni, err); err != nil {
		return out, err
	}
	comm, err := tx.CommissionBreaches(ctx)
	if err := add(CloseItem{Name: "commissions_payable", Title: "Commissions payable equal the commission lines", Blocking: true, Link: "/commissions"}, comm, err); err != nil {
		return out, err
	}
	// Bank: every line booked in the month done, closing balances agree, and
	// a statement for every currency cash moved in.
	rec, err := a.billing.ReconciliationOf(ctx, tx, from, end)
	if err != nil {
		return out, err
	}
	bank := CloseItem{Name: "bank_reconciled", Title: "Bank accounts reconciled", Blocking: true, Link: "/bank",
		Figures: []Figure{{"Lines", fmt.Sprint(rec.Lines)}, {"Open", fmt.Sprint(rec.Open)}}}
	var bankProblems []string
	if rec.Open > 0 {
		bankProblems = append(bankProblems, fmt.Sprintf("%d bank lines of %s are not confirmed or ignored", rec.Open, period))
	}
	covered := map[string]bool{}
	for _, bs := range rec.Statements {
		covered[bs.AccountCode+" "+bs.Currency] = true
		if d, ok := bs.Difference(); ok && d != 0 {
			bankProblems = append(bankProblems, fmt.Sprintf("statement %s of %s: the bank closes at %s, account %s at %s (difference %s)", firstNonEmpty(bs.Reference, bs.ID),
				bs.ClosingDate, money(*bs.Closing, bs.Currency), bs.AccountCode, money(bs.LedgerClosed, bs.Currency), money(d, bs.Currency)))
		}
	}
	lcurs, err := tx.LedgerCurrencies(ctx)
	if err != nil {
		return out, err
	}
	for _, cur := range lcurs {
		moved, err := tx.BalancesBetween(ctx, from, end, cur)
		if err != nil {
			return out, err
		}
		for _, b := range moved {
			if b.AccountCode == ledger.Cash && (b.Debit != 0 || b.Credit != 0) && !covered[ledger.Cash+" "+cur] {
				bankProblems = append(bankProblems, fmt.Sprintf("cash moved in %s in %s but no bank statement closing in the month was imported", cur, period))
			}
		}
	}
	if err := add(bank, bankProblems, nil); err != nil {
		return out, err
	}
	// Revaluation of foreign-currency receivables at the month's end.
	rv := CloseItem{Name: "revaluation", Title: "Foreign-currency receivables revalued", Blocking: true, Link: "/close/" + period}
	var rvProblems []string
	rs, err := a.ledger.Revaluations(ctx, tx, period, lcurs)
	switch {
	case quotient.ErrorCode(err) == quotient.Unprocessable:
		rvProblems = append(rvProblems, err.Error())
	case err != nil:
		return out, err
	case len(rs) > 0 && end.After(a.today()):
		rvProblems = append(rvProblems, fmt.Sprintf("%s has not ended; revalue its foreign-currency receivables on %s or later", period, end))
	}
	out.Revaluations = rs
	base, err := tx.BaseCurrency(ctx)
	if err != nil {
		return out, err
	}
	for _, r := range rs {
		rv.Figures = append(rv.Figures, Figure{"Difference " + r.Currency, money(r.Worth-r.Booked, base)})
		if r.Worth != r.Booked && r.Entry.ID == "" && !end.After(a.today()) {
			rvProblems = append(rvProblems, fmt.Sprintf("%s receivables of %s are booked at %s, worth %s at the month-end rate: revalue", r.Currency,
				money(r.Open, r.Currency), money(r.Booked, base), money(r.Worth, base)))
		}
	}
	return out, add(rv, rvProblems, nil)
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// closeRefused is the 409 of a month whose blocking items are open.
func closeRefused(c CloseChecklist) error {
	var names []string
	for _, it := range c.Blockers() {
		names = append(names, it.Title+" ("+strings.Join(it.Problems, "; ")+")")
	}
	return quotient.FieldErrorf(quotient.Conflict, "period", "%s cannot close while these are open: %s", c.Period, strings.Join(names, "; "))
}
