package web

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/catalog"
	"github.com/quotient-cpq/quotient/ledger"
)

// ledgerView is the ledger's pages: the chart, the trial balance, the
// journal, a manual entry, the exchange rates.
type ledgerView struct {
	Accounts []struct {
		Code, Name, Type, TypeLabel string
		Active                      bool
	}
	Trial struct {
		AsOf, Currency, Shown, TotalDebit, TotalCredit string
		InBase, Balanced                               bool
		Rows                                           []struct{ Code, Name, Debit, Credit string }
	}
	Entries []entryView
	Filter  struct{ Source, From, To string }
	Entry   struct {
		Date, Currency, Memo string
		Lines                []struct{ Account, Debit, Credit string }
		Choices              []choice
	}
	Rates []struct{ Date, Currency, Base, Rate string }
	Rate  map[string]string
}

type entryView struct {
	ID, Date, Memo, Source, ReversedBy, ReversalOf string
	Lines                                          []struct{ Account, Currency, Debit, Credit, BaseDebit, BaseCredit string }
	MayReverse                                     bool
}

var typeWords = map[ledger.Type]string{ledger.Asset: "Asset", ledger.Liability: "Liability", ledger.Equity: "Equity", ledger.Revenue: "Revenue", ledger.Expense: "Expense"}

// chart is the chart of accounts, with the ledger's other pages.
func (w *Web) chart(c *fiber.Ctx) error {
	p := signedIn(c, "Ledger", "ledger")
	accs, err := w.app.LedgerAccounts(c.UserContext())
	if err != nil {
		return w.fail(c, p, err)
	}
	v := &ledgerView{}
	for _, a := range accs {
		v.Accounts = append(v.Accounts, struct {
			Code, Name, Type, TypeLabel string
			Active                      bool
		}{a.Code, a.Name, string(a.Type), p.T(typeWords[a.Type]), a.Active})
	}
	p.Data = v
	return w.render(c, 200, "ledger", p)
}

// trialBalance is the trial balance in base or a currency on a date.
func (w *Web) trialBalance(c *fiber.Ctx) error {
	p := signedIn(c, "Trial balance", "ledger")
	asOf, _ := quotient.ParseDate(c.Query("as_of"))
	cur := strings.ToUpper(strings.TrimSpace(c.Query("currency")))
	tb, err := w.app.TrialBalance(c.UserContext(), asOf, cur)
	if err != nil {
		return w.fail(c, p, err)
	}
	v := &ledgerView{}
	t := &v.Trial
	t.AsOf, t.Currency, t.Shown, t.InBase, t.Balanced = tb.AsOf.String(), cur, tb.Currency, tb.InBase, tb.TotalDebit.Equal(tb.TotalCredit)
	t.TotalDebit, t.TotalCredit = p.Loc.Money(tb.TotalDebit, tb.Currency), p.Loc.Money(tb.TotalCredit, tb.Currency)
	for _, r := range tb.Rows {
		t.Rows = append(t.Rows, struct{ Code, Name, Debit, Credit string }{r.Account.Code, r.Account.Name, p.Loc.Money(r.Debit, tb.Currency), p.Loc.Money(r.Credit, tb.Currency)})
	}
	p.Data = v
	return w.render(c, 200, "trialbalance", p)
}

// journal lists entries, newest dates last, filtered by source and dates.
func (w *Web) journal(c *fiber.Ctx) error {
	return w.journalWith(c, signedIn(c, "Journal entries", "ledger"), 200)
}

func (w *Web) journalWith(c *fiber.Ctx, p page, status int) error {
	v := &ledgerView{}
	v.Filter.Source, v.Filter.From, v.Filter.To = c.Query("source_type"), c.Query("from"), c.Query("to")
	f := ledger.EntryFilter{SourceType: v.Filter.Source, Page: quotient.Page{Limit: 200}}
	f.From, _ = quotient.ParseDate(v.Filter.From)
	f.To, _ = quotient.ParseDate(v.Filter.To)
	es, err := w.app.JournalEntries(c.UserContext(), f)
	if err != nil {
		return w.fail(c, p, err)
	}
	for _, e := range es {
		ev := entryView{ID: e.ID, Date: p.Loc.Date(e.Date), Memo: e.Memo, Source: e.SourceType + " " + e.SourceID, ReversedBy: e.ReversedBy, ReversalOf: e.ReversalOf,
			MayReverse: e.ReversedBy == "" && e.ReversalOf == ""}
		for _, l := range e.Lines {
			ev.Lines = append(ev.Lines, struct{ Account, Currency, Debit, Credit, BaseDebit, BaseCredit string }{l.AccountCode, l.Currency,
				blankZero(p, l.Debit, l.Currency), blankZero(p, l.Credit, l.Currency), blankZero(p, l.BaseDebit, e.Base), blankZero(p, l.BaseCredit, e.Base)})
		}
		v.Entries = append(v.Entries, ev)
	}
	p.Data = v
	return w.render(c, status, "journal", p)
}

func blankZero(p page, minor int64, cur string) string {
	if minor == 0 {
		return ""
	}
	return minorMoney(p.Loc, minor, cur)
}

// reverseEntry posts an entry's mirror today and shows the journal.
func (w *Web) reverseEntry(c *fiber.Ctx) error {
	p := signedIn(c, "Journal entries", "ledger")
	e, err := w.app.ReverseJournalEntry(c.UserContext(), c.Params("id"), quotient.Date{}, "")
	if msg, ok := problem(p.Loc, err); ok {
		p.Message, p.IsError = p.T("Not done: %s", msg), true
		return w.journalWith(c, p, fiber.StatusUnprocessableEntity)
	}
	if err != nil {
		return w.fail(c, p, err)
	}
	p.Message = p.T("Entry %s reversed by %s.", c.Params("id"), e.ID)
	return w.journalWith(c, p, 200)
}

// entryLines is how many lines the manual entry form offers.
const entryLines = 6

// newEntry is the manual entry form; the imbalance shows as one types
// (app.js), and the server checks it again.
func (w *Web) newEntry(c *fiber.Ctx) error {
	return w.entryForm(c, signedIn(c, "New journal entry", "ledger"), 200, nil)
}

func (w *Web) entryForm(c *fiber.Ctx, p page, status int, v *ledgerView) error {
	if v == nil {
		v = &ledgerView{}
		v.Entry.Date, v.Entry.Currency = quotient.DateOf(w.app.Now()).String(), w.baseCurrency(c)
		for range entryLines {
			v.Entry.Lines = append(v.Entry.Lines, struct{ Account, Debit, Credit string }{})
		}
	}
	accs, err := w.app.LedgerAccounts(c.UserContext())
	if err != nil {
		return w.fail(c, p, err)
	}
	v.Entry.Choices = []choice{{"", p.T("Choose an account")}}
	for _, a := range accs {
		if a.Active {
			v.Entry.Choices = append(v.Entry.Choices, choice{a.Code, a.Code + " " + a.Name})
		}
	}
	p.Data = v
	return w.render(c, status, "entry", p)
}

// postEntry posts the manual entry the form holds.
func (w *Web) postEntry(c *fiber.Ctx) error {
	p := signedIn(c, "New journal entry", "ledger")
	v := &ledgerView{}
	v.Entry.Date, v.Entry.Currency, v.Entry.Memo = c.FormValue("date"), strings.ToUpper(strings.TrimSpace(c.FormValue("currency"))), c.FormValue("memo")
	in := ledger.ManualEntry{Currency: v.Entry.Currency, Memo: strings.TrimSpace(v.Entry.Memo)}
	var bad []string
	if d, ok := quotient.ParseDate(v.Entry.Date); ok {
		in.Date = d
	} else {
		bad = append(bad, p.T("Enter the date as YYYY-MM-DD."))
	}
	for i := range entryLines {
		acc, dr, cr := c.FormValue(fmt.Sprintf("account_%d", i)), strings.TrimSpace(c.FormValue(fmt.Sprintf("debit_%d", i))), strings.TrimSpace(c.FormValue(fmt.Sprintf("credit_%d", i)))
		v.Entry.Lines = append(v.Entry.Lines, struct{ Account, Debit, Credit string }{acc, dr, cr})
		if acc == "" && dr == "" && cr == "" {
			continue
		}
		l := ledger.ManualLine{AccountCode: acc, Debit: decimal.Zero, Credit: decimal.Zero}
		for s, dst := range map[string]*decimal.Decimal{dr: &l.Debit, cr: &l.Credit} {
			if s == "" {
				continue
			}
			d, err := decimal.NewFromString(s)
			if err != nil {
				bad = append(bad, p.T("Line %d: enter an amount, such as 500.00.", i+1))
				continue
			}
			*dst = d
		}
		in.Lines = append(in.Lines, l)
	}
	if len(bad) > 0 {
		p.Message, p.IsError = p.T("The entry was not posted: %s", strings.Join(bad, " ")), true
		return w.entryForm(c, p, fiber.StatusUnprocessableEntity, v)
	}
	e, err := w.app.PostJournalEntry(c.UserContext(), in)
	if msg, ok := problem(p.Loc, err); ok {
		p.Message, p.IsError = p.T("The entry was not posted: %s", msg), true
		return w.entryForm(c, p, fiber.StatusUnprocessableEntity, v)
	}
	if err != nil {
		return w.fail(c, p, err)
	}
	p.Message = p.T("Entry %s posted.", e.ID)
	return w.entryForm(c, p, 200, nil)
}

// rates lists the exchange rates, with a form for one and a CSV import.
func (w *Web) rates(c *fiber.Ctx) error {
	return w.ratesWith(c, signedIn(c, "Exchange rates", "ledger"), 200, nil)
}

func (w *Web) ratesWith(c *fiber.Ctx, p page, status int, form map[string]string) error {
	rs, err := w.app.ExchangeRates(c.UserContext(), ledger.RateFilter{Page: quotient.Page{Limit: 200}})
	if err != nil {
		return w.fail(c, p, err)
	}
	if form == nil {
		form = map[string]string{"date": quotient.DateOf(w.app.Now()).String()}
	}
	v := &ledgerView{Rate: form}
	for i := len(rs) - 1; i >= 0; i-- {
		r := rs[i]
		v.Rates = append(v.Rates, struct{ Date, Currency, Base, Rate string }{p.Loc.Date(r.Date), r.Currency, r.BaseCurrency, r.Rate.String()})
	}
	p.Data = v
	return w.render(c, status, "rates", p)
}

// addRate records a rate, or imports the CSV uploaded.
func (w *Web) addRate(c *fiber.Ctx) error {
	p := signedIn(c, "Exchange rates", "ledger")
	form := map[string]string{"date": c.FormValue("date"), "currency": c.FormValue("currency"), "rate": c.FormValue("rate")}
	if b, ok, err := uploaded(c, "file"); err != nil {
		return w.fail(c, p, err)
	} else if ok {
		res, err := w.app.ImportExchangeRates(c.UserContext(), bytes.NewReader(b), nil)
		var ie *catalog.ImportError
		msg, ok := problem(p.Loc, err)
		if errors.As(err, &ie) {
			var rows []string
			for _, r := range ie.Errors {
				rows = append(rows, p.T("row %d, %s: %s", r.Row, r.Column, r.Message))
			}
			msg, ok = strings.Join(rows, "; "), true
		}
		if ok {
			p.Message, p.IsError = p.T("The rates were not imported: %s", msg), true
			return w.ratesWith(c, p, fiber.StatusUnprocessableEntity, form)
		}
		if err != nil {
			return w.fail(c, p, err)
		}
		p.Message = p.T("Rates imported: %d new, %d changed, %d as they were.", res.Created, res.Updated, res.Unchanged)
		return w.ratesWith(c, p, 200, nil)
	}
	d, ok := quotient.ParseDate(form["date"])
	rate, err := decimal.NewFromString(strings.TrimSpace(form["rate"]))
	if !ok || err != nil {
		p.Message, p.IsError = p.T("The rate was not recorded: give its date (YYYY-MM-DD) and the rate, such as 1.0842."), true
		return w.ratesWith(c, p, fiber.StatusUnprocessableEntity, form)
	}
	r, err := w.app.CreateExchangeRate(c.UserContext(), ledger.ExchangeRate{Date: d, Currency: strings.ToUpper(strings.TrimSpace(form["currency"])), Rate: rate})
	if msg, ok := problem(p.Loc, err); ok {
		p.Message, p.IsError = p.T("The rate was not recorded: %s", msg), true
		return w.ratesWith(c, p, fiber.StatusUnprocessableEntity, form)
	}
	if err != nil {
		return w.fail(c, p, err)
	}
	p.Message = p.T("%s to %s on %s recorded.", r.Currency, r.BaseCurrency, p.Loc.Date(r.Date))
	return w.ratesWith(c, p, 200, nil)
}
