package web

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/ledger"
)

// closeView is a month's close page: the checklist, then revalue and
// close.
type closeView struct {
	Period, Prev, Next, Status, StatusLabel string
	CanClose, Closed, Admin                 bool
	Items                                   []struct {
		Name, Title, Link string
		OK, Blocking      bool
		Figures           []struct{ Label, Value string }
		Problems          []string
	}
	Revaluation []struct{ Currency, Open, Booked, Worth, Difference string }
	Revalued    bool
}

// closeDefault opens the close of the month before this one.
func (w *Web) closeDefault(c *fiber.Ctx) error {
	today := quotient.DateOf(w.app.Now())
	prev := today.AddDays(-today.Day())
	return c.Redirect("/close/"+prev.YearMonth(), fiber.StatusSeeOther)
}

func (w *Web) closePage(c *fiber.Ctx) error {
	return w.closeWith(c, signedIn(c, "Month-end close", "close"), 200)
}

func (w *Web) closeWith(c *fiber.Ctx, p page, status int) error {
	ctx := c.UserContext()
	period := c.Params("period")
	cl, err := w.app.CloseChecklist(ctx, period)
	if err != nil {
		return w.fail(c, p, err)
	}
	end, next, _ := ledger.PeriodEnd(period)
	v := &closeView{Period: period, Prev: end.AddDays(-end.Day()).YearMonth(), Next: next.YearMonth(), Status: cl.Status, StatusLabel: p.T(label(cl.Status)),
		CanClose: len(cl.Blockers()) == 0, Closed: cl.Status == ledger.PeriodClosed, Admin: p.User.Role == quotient.RoleAdmin}
	for _, it := range cl.Items {
		iv := struct {
			Name, Title, Link string
			OK, Blocking      bool
			Figures           []struct{ Label, Value string }
			Problems          []string
		}{Name: it.Name, Title: p.T(it.Title), Link: it.Link, OK: it.OK, Blocking: it.Blocking, Problems: it.Problems}
		for _, f := range it.Figures {
			iv.Figures = append(iv.Figures, struct{ Label, Value string }{f.Label, f.Value})
		}
		v.Items = append(v.Items, iv)
	}
	base := w.baseCurrency(c)
	v.Revalued = true
	for _, r := range cl.Revaluations {
		v.Revaluation = append(v.Revaluation, struct{ Currency, Open, Booked, Worth, Difference string }{r.Currency, minorMoney(p.Loc, r.Open, r.Currency),
			minorMoney(p.Loc, r.Booked, base), minorMoney(p.Loc, r.Worth, base), minorMoney(p.Loc, r.Worth-r.Booked, base)})
		if r.Worth != r.Booked && r.Entry.ID == "" {
			v.Revalued = false
		}
	}
	p.Title, p.Data = p.T("Close of %s", period), v
	return w.render(c, status, "close", p)
}

func (w *Web) baseCurrency(c *fiber.Ctx) string {
	s, err := w.app.Settings(c.UserContext())
	if err != nil {
		return ledger.DefaultBaseCurrency
	}
	return s.BaseCurrency
}

// closeAction revalues or closes the month, and shows the checklist again.
func (w *Web) closeAction(c *fiber.Ctx) error {
	p := signedIn(c, "Month-end close", "close")
	ctx, period := c.UserContext(), c.Params("period")
	var err error
	switch c.Params("action") {
	case "revalue":
		_, err = w.app.Revalue(ctx, period)
		p.Message = p.T("Receivables revalued at the month-end rate; the reversal is posted on the first of the next month.")
	case "close":
		_, err = w.app.ClosePeriod(ctx, period, strings.TrimSpace(c.FormValue("reason")), c.FormValue("override") == "on")
		p.Message = p.T("%s is closed to postings.", period)
	default:
		return w.fail(c, p, quotient.Errorf(quotient.NotFound, "no such action"))
	}
	if msg, ok := problem(p.Loc, err); ok {
		p.Message, p.IsError = p.T("Not done: %s", msg), true
		return w.closeWith(c, p, fiber.StatusUnprocessableEntity)
	}
	if err != nil {
		return w.fail(c, p, err)
	}
	return w.closeWith(c, p, 200)
}

// statementsView is the financial statements page: the income statement
// of a period and the balance sheet at its end, in base or a currency.
type statementsView struct {
	From, To, Currency, Shown string
	InBase, Balanced          bool
	Income, Sheet             []sectionView
	NetIncome, Assets, LiabEq string
	Query                     string
}

type sectionView struct {
	Name, Total string
	Rows        []struct{ Code, Name, Amount, Link string }
}

func (w *Web) statements(c *fiber.Ctx) error {
	ctx := c.UserContext()
	p := signedIn(c, "Financial statements", "statements")
	from, _ := quotient.ParseDate(c.Query("from"))
	to, _ := quotient.ParseDate(c.Query("to"))
	from, to = ledger.IncomePeriod(from, to, quotient.DateOf(w.app.Now()))
	cur := strings.ToUpper(strings.TrimSpace(c.Query("currency")))
	iss, err := w.app.IncomeStatements(ctx, cur, "", from, to)
	if err != nil {
		return w.fail(c, p, err)
	}
	bss, err := w.app.BalanceSheets(ctx, cur, "", to)
	if err != nil {
		return w.fail(c, p, err)
	}
	is, bs := iss[0], bss[0]
	v := &statementsView{From: from.String(), To: to.String(), Currency: cur, Shown: is.Currency, InBase: is.InBase, Balanced: bs.Balanced,
		NetIncome: p.Loc.Money(is.NetIncome, is.Currency), Assets: p.Loc.Money(bs.TotalAssets, bs.Currency),
		LiabEq: p.Loc.Money(bs.TotalLiabilities.Add(bs.TotalEquity), bs.Currency)}
	view := ""
	if cur != "" {
		view = "&currency=" + cur
	}
	v.Query = view
	sections := func(secs []ledger.StatementSection, cur, from, to string) []sectionView {
		var out []sectionView
		for _, s := range secs {
			sv := sectionView{Name: p.T(s.Name), Total: p.Loc.Money(s.Total, cur)}
			for _, r := range s.Rows {
				row := struct{ Code, Name, Amount, Link string }{r.Account.Code, r.Account.Name, p.Loc.Money(r.Amount, cur), ""}
				if r.Account.Code != "" {
					row.Link = "/ledger/accounts/" + r.Account.Code + "?from=" + from + "&to=" + to + view
				} else {
					row.Name = p.T(r.Account.Name)
				}
				sv.Rows = append(sv.Rows, row)
			}
			out = append(out, sv)
		}
		return out
	}
	v.Income = sections(is.Sections, is.Currency, from.String(), to.String())
	v.Sheet = sections(bs.Sections, bs.Currency, "", to.String())
	p.Data = v
	return w.render(c, 200, "statements", p)
}

// accountLedgerView is an account's postings with the running balance.
type accountLedgerView struct {
	Code, Name, Currency, From, To, Opening, Closing string
	InBase                                           bool
	Rows                                             []struct{ Date, Entry, Memo, Debit, Credit, Balance, Link string }
}

func (w *Web) accountLedger(c *fiber.Ctx) error {
	p := signedIn(c, "Account ledger", "statements")
	from, _ := quotient.ParseDate(c.Query("from"))
	to, _ := quotient.ParseDate(c.Query("to"))
	l, err := w.app.AccountLedger(c.UserContext(), c.Params("code"), strings.ToUpper(c.Query("currency")), from, to)
	if err != nil {
		return w.fail(c, p, err)
	}
	v := &accountLedgerView{Code: l.Account.Code, Name: l.Account.Name, Currency: l.Currency, From: l.From.String(), To: l.To.String(), InBase: l.InBase,
		Opening: p.Loc.Money(l.Opening, l.Currency), Closing: p.Loc.Money(l.Closing, l.Currency)}
	if l.From.Year() < 1900 {
		v.From = ""
	}
	for _, r := range l.Rows {
		v.Rows = append(v.Rows, struct{ Date, Entry, Memo, Debit, Credit, Balance, Link string }{p.Loc.Date(r.Date), r.EntryID, r.Memo,
			p.Loc.Money(r.DebitAmount, l.Currency), p.Loc.Money(r.CreditAmount, l.Currency), p.Loc.Money(r.Balance, l.Currency),
			"/ledger/entries?from=" + r.Date.String() + "&to=" + r.Date.String() + "#e-" + r.EntryID})
	}
	p.Title, p.Data = p.T("Account %s", l.Account.Code+" "+l.Account.Name), v
	return w.render(c, 200, "ledgeraccount", p)
}
