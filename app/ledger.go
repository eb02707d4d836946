package app

import (
	"context"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/billing"
	"github.com/quotient-cpq/quotient/document"
	"github.com/quotient-cpq/quotient/ledger"
)

// LedgerAccounts lists the chart of accounts by code (finance, admins,
// managers).
func (a *App) LedgerAccounts(ctx context.Context) ([]ledger.Account, error) {
	return read(ctx, a, func(tx Tx) ([]ledger.Account, error) { return a.ledger.Accounts(ctx, tx) })
}

// CreateLedgerAccount adds an account to the chart (finance).
func (a *App) CreateLedgerAccount(ctx context.Context, in ledger.Account) (ledger.Account, error) {
	return change(ctx, a, func(tx Tx) (ledger.Account, error) { return a.ledger.CreateAccount(ctx, tx, in) })
}

// LedgerAccount returns an account of the chart.
func (a *App) LedgerAccount(ctx context.Context, code string) (ledger.Account, error) {
	return read(ctx, a, func(tx Tx) (ledger.Account, error) { return a.ledger.GetAccount(ctx, tx, code) })
}

// UpdateLedgerAccount renames an account, sets its product family or
// (de)activates it (finance), read at version (0: any).
func (a *App) UpdateLedgerAccount(ctx context.Context, code string, version int, p ledger.AccountPatch) (ledger.Account, error) {
	return change(ctx, a, func(tx Tx) (ledger.Account, error) { return a.ledger.UpdateAccount(ctx, tx, code, version, p) })
}

// JournalEntries lists entries in posting order.
func (a *App) JournalEntries(ctx context.Context, f ledger.EntryFilter) ([]ledger.Entry, error) {
	return read(ctx, a, func(tx Tx) ([]ledger.Entry, error) { return a.ledger.Entries(ctx, tx, f) })
}

// PostJournalEntry posts a balanced entry a person wrote (finance).
func (a *App) PostJournalEntry(ctx context.Context, in ledger.ManualEntry) (ledger.Entry, error) {
	return change(ctx, a, func(tx Tx) (ledger.Entry, error) { return a.ledger.Post(ctx, tx, in) })
}

// JournalEntry returns an entry.
func (a *App) JournalEntry(ctx context.Context, id string) (ledger.Entry, error) {
	return read(ctx, a, func(tx Tx) (ledger.Entry, error) { return a.ledger.GetEntry(ctx, tx, id) })
}

// ReverseJournalEntry posts the reversal of an entry, once (finance).
func (a *App) ReverseJournalEntry(ctx context.Context, id string, date quotient.Date, memo string) (ledger.Entry, error) {
	return change(ctx, a, func(tx Tx) (ledger.Entry, error) { return a.ledger.Reverse(ctx, tx, id, date, memo) })
}

// PeriodHistory is a month of the ledger with its closes and reopens.
type PeriodHistory struct {
	Period ledger.Period
	Events []ledger.PeriodEvent
}

// Period returns a month's status and its closes and reopens.
func (a *App) Period(ctx context.Context, period string) (PeriodHistory, error) {
	return read(ctx, a, func(tx Tx) (PeriodHistory, error) { return a.periodHistory(ctx, tx, period) })
}

func (a *App) periodHistory(ctx context.Context, tx Tx, period string) (PeriodHistory, error) {
	p, evs, err := a.ledger.PeriodHistory(ctx, tx, period)
	return PeriodHistory{p, evs}, err
}

// ClosePeriod closes a month to postings (finance, admins) once its close
// checklist has no blocking item open; an admin may close over open items
// with override and a reason, which the period's history keeps with them.
func (a *App) ClosePeriod(ctx context.Context, period, reason string, override bool) (PeriodHistory, error) {
	return change(ctx, a, func(tx Tx) (PeriodHistory, error) {
		act, err := quotient.RequireActor(ctx)
		if err != nil {
			return PeriodHistory{}, err
		}
		if p, ok, err := tx.GetPeriod(ctx, period); err != nil {
			return PeriodHistory{}, err
		} else if !ok || p.Status != ledger.PeriodClosed {
			c, err := a.checklist(ctx, tx, period)
			if err != nil {
				return PeriodHistory{}, err
			}
			if bl := c.Blockers(); len(bl) > 0 {
				switch {
				case !override:
					return PeriodHistory{}, closeRefused(c)
				case act.Role != quotient.RoleAdmin:
					return PeriodHistory{}, quotient.Errorf(quotient.Forbidden, "only an admin closes a month over open items")
				case strings.TrimSpace(reason) == "":
					return PeriodHistory{}, quotient.FieldErrorf(quotient.Unprocessable, "reason", "say why the month closes over open items")
				}
				names := make([]string, len(bl))
				for i, it := range bl {
					names[i] = it.Name
				}
				reason = "closed over open items (" + strings.Join(names, ", ") + "): " + strings.TrimSpace(reason)
			}
		}
		if _, err := a.ledger.ClosePeriod(ctx, tx, period, reason); err != nil {
			return PeriodHistory{}, err
		}
		return a.periodHistory(ctx, tx, period)
	})
}

// ReopenPeriod reopens a closed month with a reason (admin).
func (a *App) ReopenPeriod(ctx context.Context, period, reason string) (PeriodHistory, error) {
	return change(ctx, a, func(tx Tx) (PeriodHistory, error) {
		if _, err := a.ledger.ReopenPeriod(ctx, tx, period, reason); err != nil {
			return PeriodHistory{}, err
		}
		return a.periodHistory(ctx, tx, period)
	})
}

// TrialBalance is the trial balance of a currency as of a date (today
// when zero).
func (a *App) TrialBalance(ctx context.Context, asOf quotient.Date, currency string) (ledger.TrialBalance, error) {
	return read(ctx, a, func(tx Tx) (ledger.TrialBalance, error) { return a.ledger.Trial(ctx, tx, asOf, currency) })
}

// The bases a ledger report is read on when it names no currency.
const (
	BasisBase     = "base"     // one report of every line at its base amount (the default)
	BasisDocument = "document" // one report per currency the journal holds, in its own amounts
)

// eachView runs a ledger report in the currency named, or with none in
// base (basis base or empty) or in every currency the journal holds
// (basis document), one each.
func eachView[T any](ctx context.Context, tx Tx, currency, basis string, report func(string) (T, error)) ([]T, error) {
	return eachBasis(ctx, currency, basis, tx.LedgerCurrencies, report)
}

// eachBasis is eachView over the currencies held says there are.
func eachBasis[T any](ctx context.Context, currency, basis string, held func(context.Context) ([]string, error), report func(string) (T, error)) ([]T, error) {
	switch {
	case currency != "":
		return eachCurrency(ctx, currency, held, report)
	case basis == BasisDocument:
		return eachCurrency(ctx, "", held, report)
	case basis == "" || basis == BasisBase:
		r, err := report("")
		return []T{r}, err
	}
	return nil, quotient.FieldErrorf(quotient.Invalid, "basis", "read in base or document currency (got %q)", basis)
}

// TrialBalanceAll is the trial balance in base, or of every currency the
// journal holds (basis document), one each; a currency named gives that
// one only.
func (a *App) TrialBalanceAll(ctx context.Context, asOf quotient.Date, currency, basis string) ([]ledger.TrialBalance, error) {
	return read(ctx, a, func(tx Tx) ([]ledger.TrialBalance, error) {
		return eachView(ctx, tx, currency, basis, func(c string) (ledger.TrialBalance, error) {
			return a.ledger.Trial(ctx, tx, asOf, c)
		})
	})
}

// IncomeStatements is the income statement between two dates in base, or
// of every currency the journal holds (basis document; one currency when
// named), read in one snapshot.
func (a *App) IncomeStatements(ctx context.Context, currency, basis string, from, to quotient.Date, compare ...string) ([]ledger.IncomeStatement, error) {
	return read(ctx, a, func(tx Tx) ([]ledger.IncomeStatement, error) {
		return eachView(ctx, tx, currency, basis, func(c string) (ledger.IncomeStatement, error) {
			return a.ledger.Income(ctx, tx, c, from, to, compare...)
		})
	})
}

// CloseYear moves a finished year's net income to retained earnings in
// every currency the journal holds (finance, admins); closing it again
// posts nothing more.
func (a *App) CloseYear(ctx context.Context, year int) ([]ledger.Entry, error) {
	return change(ctx, a, func(tx Tx) ([]ledger.Entry, error) {
		curs, err := tx.LedgerCurrencies(ctx)
		if err != nil {
			return nil, err
		}
		return a.ledger.CloseYear(ctx, tx, year, curs)
	})
}

// BalanceSheets is the balance sheet as of a date in base, or of every
// currency the journal holds (basis document; one currency when named),
// read in one snapshot.
func (a *App) BalanceSheets(ctx context.Context, currency, basis string, asOf quotient.Date, compare ...string) ([]ledger.BalanceSheet, error) {
	return read(ctx, a, func(tx Tx) ([]ledger.BalanceSheet, error) {
		return eachView(ctx, tx, currency, basis, func(c string) (ledger.BalanceSheet, error) {
			return a.ledger.Balance(ctx, tx, c, asOf, compare...)
		})
	})
}

// AccountLedger is an account's postings in a currency between two dates,
// with opening, running and closing balances (from the first day and to
// today when zero).
func (a *App) AccountLedger(ctx context.Context, code, currency string, from, to quotient.Date) (ledger.AccountLedger, error) {
	return read(ctx, a, func(tx Tx) (ledger.AccountLedger, error) { return a.ledger.Ledger(ctx, tx, code, currency, from, to) })
}

// financialSections are a statement's sections as a document prints them:
// each row's figure, then its comparatives'.
func financialSections(secs []ledger.StatementSection) []document.FinancialSection {
	out := make([]document.FinancialSection, len(secs))
	for i, s := range secs {
		fs := document.FinancialSection{Name: s.Name, Total: append([]decimal.Decimal{s.Total}, s.CompareTotals...)}
		for _, r := range s.Rows {
			fs.Rows = append(fs.Rows, document.FinancialRow{Code: r.Account.Code, Name: r.Account.Name, Amounts: append([]decimal.Decimal{r.Amount}, r.Compare...)})
		}
		out[i] = fs
	}
	return out
}

// comparativeWords name the comparative columns on a document.
var comparativeWords = map[string]string{ledger.PreviousPeriod: "Previous period", ledger.LastYear: "Last year", ledger.YearToDate: "Year to date"}

func columnName(c ledger.Comparative) string {
	if c.From.IsZero() {
		return comparativeWords[c.Name] + " " + c.To.String()
	}
	return comparativeWords[c.Name] + " " + c.From.String() + " – " + c.To.String()
}

// IncomeStatementPDF renders the income statements IncomeStatements
// answers, one after another.
func (a *App) IncomeStatementPDF(ctx context.Context, currency, basis string, from, to quotient.Date, compare ...string) (File, error) {
	type result struct {
		iss []ledger.IncomeStatement
		co  document.Party
	}
	r, err := read(ctx, a, func(tx Tx) (result, error) {
		iss, err := eachView(ctx, tx, currency, basis, func(c string) (ledger.IncomeStatement, error) {
			return a.ledger.Income(ctx, tx, c, from, to, compare...)
		})
		if err != nil {
			return result{}, err
		}
		co, err := company(ctx, tx)
		return result{iss, co}, err
	})
	if err != nil {
		return File{}, err
	}
	if len(r.iss) == 0 {
		return File{}, noStatements()
	}
	docs := make([]document.FinancialStatement, len(r.iss))
	for i, is := range r.iss {
		d := document.FinancialStatement{Company: r.co, Kind: "INCOME STATEMENT", Title: "Income statement, " + is.From.String() + " to " + is.To.String(),
			Currency: is.Currency, InBase: is.InBase, Date: a.today(), Columns: []string{is.From.String() + " – " + is.To.String()}, Sections: financialSections(is.Sections),
			Bottom: []document.FinancialRow{{Name: "Net income", Amounts: append([]decimal.Decimal{is.NetIncome}, is.NetIncomeCompare...)}}}
		for _, c := range is.Comparatives {
			d.Columns = append(d.Columns, columnName(c))
		}
		docs[i] = d
	}
	body, err := document.FinancialStatementPDF(docs)
	return pdfFile("income-statement-"+r.iss[0].From.String()+"-"+r.iss[0].To.String(), body, err)
}

// BalanceSheetPDF renders the balance sheets BalanceSheets answers, one
// after another.
func (a *App) BalanceSheetPDF(ctx context.Context, currency, basis string, asOf quotient.Date, compare ...string) (File, error) {
	type result struct {
		bss []ledger.BalanceSheet
		co  document.Party
	}
	r, err := read(ctx, a, func(tx Tx) (result, error) {
		bss, err := eachView(ctx, tx, currency, basis, func(c string) (ledger.BalanceSheet, error) {
			return a.ledger.Balance(ctx, tx, c, asOf, compare...)
		})
		if err != nil {
			return result{}, err
		}
		co, err := company(ctx, tx)
		return result{bss, co}, err
	})
	if err != nil {
		return File{}, err
	}
	if len(r.bss) == 0 {
		return File{}, noStatements()
	}
	docs := make([]document.FinancialStatement, len(r.bss))
	for i, bs := range r.bss {
		secs := financialSections(bs.Sections)
		liabEq := []decimal.Decimal{bs.TotalLiabilities.Add(bs.TotalEquity)}
		for k := range bs.Comparatives {
			liabEq = append(liabEq, secs[1].Total[k+1].Add(secs[2].Total[k+1]))
		}
		d := document.FinancialStatement{Company: r.co, Kind: "BALANCE SHEET", Title: "Balance sheet as of " + bs.AsOf.String(), Currency: bs.Currency, InBase: bs.InBase,
			Date: a.today(), Columns: []string{bs.AsOf.String()}, Sections: secs,
			Bottom: []document.FinancialRow{{Name: "Total liabilities and equity", Amounts: liabEq}}}
		for _, c := range bs.Comparatives {
			d.Columns = append(d.Columns, columnName(c))
		}
		docs[i] = d
	}
	body, err := document.FinancialStatementPDF(docs)
	return pdfFile("balance-sheet-"+r.bss[0].AsOf.String(), body, err)
}

// noStatements is the answer for a statement's PDF when the journal holds
// no currency yet and none was named.
func noStatements() error {
	return quotient.FieldErrorf(quotient.Unprocessable, "currency", "the journal holds no entries yet; name a currency to print an empty statement")
}

// Revalue revalues the open foreign-currency receivables at a month's end
// and reverses it on the first of the next (finance, admins); again
// posts nothing more.
func (a *App) Revalue(ctx context.Context, period string) ([]ledger.Revalued, error) {
	return change(ctx, a, func(tx Tx) ([]ledger.Revalued, error) {
		curs, err := tx.LedgerCurrencies(ctx)
		if err != nil {
			return nil, err
		}
		return a.ledger.Revalue(ctx, tx, period, curs)
	})
}

// Revaluations is what revaluing a month's receivables posts, or posted.
func (a *App) Revaluations(ctx context.Context, period string) ([]ledger.Revalued, error) {
	return read(ctx, a, func(tx Tx) ([]ledger.Revalued, error) {
		curs, err := tx.LedgerCurrencies(ctx)
		if err != nil {
			return nil, err
		}
		return a.ledger.Revaluations(ctx, tx, period, curs)
	})
}

// DSOMonth is a month's days sales outstanding in base: receivables at
// its end over its revenue, times its days.
type DSOMonth struct {
	Month      string
	Receivable int64 // minor units of the base currency
	Revenue    int64
	Days       *decimal.Decimal // nil without revenue
}

// DSOTrend is days sales outstanding for each of the months months to
// the one of to (today when zero), in base (finance, admins, managers).
func (a *App) DSOTrend(ctx context.Context, to quotient.Date, months int) (string, []DSOMonth, error) {
	type result struct {
		base string
		out  []DSOMonth
	}
	r, err := read(ctx, a, func(tx Tx) (result, error) {
		if err := billing.RequireReceivablesReader(ctx); err != nil {
			return result{}, err
		}
		if to.IsZero() {
			to = a.today()
		}
		base, err := tx.BaseCurrency(ctx)
		if err != nil {
			return result{}, err
		}
		accs, err := tx.ListLedgerAccounts(ctx)
		if err != nil {
			return result{}, err
		}
		revenue := map[string]bool{}
		for _, acc := range accs {
			revenue[acc.Code] = acc.Type == ledger.Revenue
		}
		if err := ledger.RequireBase(ctx, tx, to); err != nil {
			return result{}, err
		}
		first := quotient.NewDate(to.Year(), to.Month(), 1).AddDate(0, 1-months, 0)
		var out []DSOMonth
		for m := range months {
			from := first.AddDate(0, m, 0)
			end := from.AddDate(0, 1, 0).AddDays(-1)
			if end.After(to) {
				end = to
			}
			d := DSOMonth{Month: from.YearMonth()}
			bals, err := tx.Balances(ctx, end, "")
			if err != nil {
				return result{}, err
			}
			for _, b := range bals {
				if b.AccountCode == ledger.AccountsReceivable {
					d.Receivable = b.Debit - b.Credit
				}
			}
			moves, err := tx.BalancesBetween(ctx, from, end, "")
			if err != nil {
				return result{}, err
			}
			for _, b := range moves {
				if revenue[b.AccountCode] {
					d.Revenue += b.Credit - b.Debit
				}
			}
			if d.Revenue > 0 {
				days := decimal.NewFromInt(d.Receivable).Div(decimal.NewFromInt(d.Revenue)).Mul(decimal.NewFromInt(int64(end.DaysSince(from) + 1))).Round(1)
				d.Days = &days
			}
			out = append(out, d)
		}
		return result{base, out}, nil
	})
	return r.base, r.out, err
}
