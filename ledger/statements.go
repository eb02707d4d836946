package ledger

import (
	"context"
	"slices"
	"strconv"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
)

// StatementRow is an account's figure in a statement, in the sign its type
// carries: assets and expenses debit positive, the others credit positive.
// An Account without a code is a computed row (current earnings).
type StatementRow struct {
	Account Account
	Amount  decimal.Decimal
	Compare []decimal.Decimal // the same account in each comparative column
}

// StatementSection is the accounts of one type and their total.
type StatementSection struct {
	Name          string
	Type          Type
	Rows          []StatementRow
	Total         decimal.Decimal
	CompareTotals []decimal.Decimal
}

// Comparative is a column a statement is compared with: a period for the
// income statement (From–To), a date for the balance sheet (To).
type Comparative struct {
	Name     string
	From, To quotient.Date
}

// The comparative columns a statement may ask for.
const (
	PreviousPeriod = "previous_period" // the period of the same length just before; for a balance sheet, the previous month's end
	LastYear       = "last_year"       // the same dates a year earlier
	YearToDate     = "year_to_date"    // 1 January to the period's end (income statement only)
)

// IncomeStatement is revenue less expenses over a period, in one currency.
type IncomeStatement struct {
	Currency         string
	InBase           bool // every currency's lines at their base amounts
	From, To         quotient.Date
	Sections         []StatementSection // revenue, expenses
	NetIncome        decimal.Decimal
	Comparatives     []Comparative
	NetIncomeCompare []decimal.Decimal
}

// BalanceSheet is what the company holds and owes on a date, in one
// currency. Equity includes the current earnings (revenue less expenses
// to date, since no year has been closed to retained earnings), so assets
// equal liabilities plus equity whenever the ledger balances.
type BalanceSheet struct {
	Currency                      string
	InBase                        bool // every currency's lines at their base amounts
	AsOf                          quotient.Date
	Sections                      []StatementSection // assets, liabilities, equity
	TotalAssets, TotalLiabilities decimal.Decimal
	TotalEquity, CurrentEarnings  decimal.Decimal
	Balanced                      bool
	Comparatives                  []Comparative
}

// sectionNames name the statements' sections.
var sectionNames = map[Type]string{Asset: "Assets", Liability: "Liabilities", Equity: "Equity", Revenue: "Revenue", Expense: "Expenses"}

// natural is an account's balance in the sign its type carries.
func natural(t Type, debit, credit int64) int64 {
	if t == Asset || t == Expense {
		return debit - credit
	}
	return credit - debit
}

// movement is each account's debit and credit from from (the beginning
// when zero) to until, inclusive, in a currency or (none) in base.
func movement(ctx context.Context, st Store, currency string, from, until quotient.Date) (map[string]Balance, error) {
	var bals []Balance
	var err error
	if from.IsZero() {
		bals, err = st.Balances(ctx, until, currency)
	} else {
		bals, err = st.BalancesBetween(ctx, from, until, currency)
	}
	if err != nil {
		return nil, err
	}
	out := make(map[string]Balance, len(bals))
	for _, b := range bals {
		out[b.AccountCode] = b
	}
	return out, nil
}

// columns groups the movements of accounts of the types asked for, in
// chart order, over several columns (the statement's, then its
// comparatives'), leaving out accounts with nothing in any of them.
func columns(cur quotient.Currency, accs []Account, moves []map[string]Balance, types ...Type) ([]StatementSection, []map[Type]int64) {
	totals := make([]map[Type]int64, len(moves))
	for i := range totals {
		totals[i] = map[Type]int64{}
	}
	out := make([]StatementSection, 0, len(types))
	for _, t := range types {
		sec := StatementSection{Name: sectionNames[t], Type: t, Rows: []StatementRow{}}
		for _, a := range accs {
			if a.Type != t {
				continue
			}
			ns := make([]int64, len(moves))
			shown := false
			for i, m := range moves {
				ns[i] = natural(t, m[a.Code].Debit, m[a.Code].Credit)
				shown = shown || ns[i] != 0
			}
			if !shown {
				continue
			}
			row := StatementRow{Account: a, Amount: cur.FromMinor(ns[0])}
			for i, n := range ns {
				totals[i][t] += n
				if i > 0 {
					row.Compare = append(row.Compare, cur.FromMinor(n))
				}
			}
			sec.Rows = append(sec.Rows, row)
		}
		sec.Total = cur.FromMinor(totals[0][t])
		for _, tot := range totals[1:] {
			sec.CompareTotals = append(sec.CompareTotals, cur.FromMinor(tot[t]))
		}
		out = append(out, sec)
	}
	return out, totals
}

// comparatives are the columns named, for a period (income) or a date
// (balance sheet: from zero).
func comparatives(names []string, from, to quotient.Date, sheet bool) ([]Comparative, error) {
	var out []Comparative
	for _, n := range names {
		c := Comparative{Name: n}
		switch {
		case n == LastYear:
			c.To = to.AddDate(-1, 0, 0)
			if !sheet {
				c.From = from.AddDate(-1, 0, 0)
			}
		case n == PreviousPeriod && sheet:
			c.To = to.AddDays(-to.Day())
		case n == PreviousPeriod && from.Day() == 1 && to.AddDays(1).Day() == 1:
			// Whole months: the same number of months just before.
			months := (to.Year()-from.Year())*12 + int(to.Month()-from.Month()) + 1
			c.From, c.To = from.AddDate(0, -months, 0), from.AddDays(-1)
		case n == PreviousPeriod:
			days := to.DaysSince(from) + 1
			c.To, c.From = from.AddDays(-1), from.AddDays(-days)
		case n == YearToDate && !sheet:
			c.From, c.To = quotient.NewDate(to.Year(), 1, 1), to
		default:
			allowed := "previous_period, last_year or year_to_date"
			if sheet {
				allowed = "previous_period or last_year"
			}
			return nil, quotient.FieldErrorf(quotient.Invalid, "compare", "compare with %s (got %q)", allowed, n)
		}
		out = append(out, c)
	}
	return out, nil
}

// viewCurrency checks the reader and how a report reads the ledger: the
// lines of the currency named in their own amounts, or (no currency)
// every line's base amount, which every line up to to must have. It is
// the currency the report's figures are in.
func viewCurrency(ctx context.Context, st Store, currency string, to quotient.Date) (quotient.Currency, error) {
	if _, err := mayRead(ctx); err != nil {
		return quotient.Currency{}, err
	}
	if currency == "" {
		base, err := st.BaseCurrency(ctx)
		if err != nil {
			return quotient.Currency{}, err
		}
		c, _ := quotient.LookupCurrency(base)
		return c, RequireBase(ctx, st, to)
	}
	c, ok := quotient.LookupCurrency(currency)
	if !ok {
		return c, quotient.FieldErrorf(quotient.Invalid, "currency", "name a currency such as EUR, or none to read in the base currency")
	}
	return c, nil
}

// IncomePeriod is the period an income statement covers: to is today
// when zero, from the first of to's month when zero.
func IncomePeriod(from, to, today quotient.Date) (quotient.Date, quotient.Date) {
	if to.IsZero() {
		to = today
	}
	if from.IsZero() {
		from = to.AddDays(1 - to.Day())
	}
	return from, to
}

// Income is the income statement of a currency from from to to
// (inclusive; to is today when zero, from the first of to's month when
// zero).
func (s *Service) Income(ctx context.Context, st Store, currency string, from, to quotient.Date, compare ...string) (IncomeStatement, error) {
	from, to = IncomePeriod(from, to, s.today())
	if from.After(to) {
		return IncomeStatement{}, quotient.FieldErrorf(quotient.Invalid, "from", "must not be after to (%s)", to.String())
	}
	cur, err := viewCurrency(ctx, st, currency, to)
	if err != nil {
		return IncomeStatement{}, err
	}
	accs, err := st.ListLedgerAccounts(ctx)
	if err != nil {
		return IncomeStatement{}, err
	}
	comps, err := comparatives(compare, from, to, false)
	if err != nil {
		return IncomeStatement{}, err
	}
	var moves []map[string]Balance
	for _, p := range append([]Comparative{{From: from, To: to}}, comps...) {
		m, err := incomeMovement(ctx, st, currency, p.From, p.To)
		if err != nil {
			return IncomeStatement{}, err
		}
		moves = append(moves, m)
	}
	secs, totals := columns(cur, accs, moves, Revenue, Expense)
	is := IncomeStatement{Currency: cur.Code, InBase: currency == "", From: from, To: to, Sections: secs, NetIncome: cur.FromMinor(totals[0][Revenue] - totals[0][Expense]),
		Comparatives: comps}
	for _, tot := range totals[1:] {
		is.NetIncomeCompare = append(is.NetIncomeCompare, cur.FromMinor(tot[Revenue]-tot[Expense]))
	}
	return is, nil
}

// Balance is the balance sheet of a currency as of a date (today when
// zero).
func (s *Service) Balance(ctx context.Context, st Store, currency string, asOf quotient.Date, compare ...string) (BalanceSheet, error) {
	if asOf.IsZero() {
		asOf = s.today()
	}
	cur, err := viewCurrency(ctx, st, currency, asOf)
	if err != nil {
		return BalanceSheet{}, err
	}
	accs, err := st.ListLedgerAccounts(ctx)
	if err != nil {
		return BalanceSheet{}, err
	}
	comps, err := comparatives(compare, quotient.Date{}, asOf, true)
	if err != nil {
		return BalanceSheet{}, err
	}
	var moves []map[string]Balance
	for _, p := range append([]Comparative{{To: asOf}}, comps...) {
		m, err := movement(ctx, st, currency, quotient.Date{}, p.To)
		if err != nil {
			return BalanceSheet{}, err
		}
		moves = append(moves, m)
	}
	secs, totals := columns(cur, accs, moves, Asset, Liability, Equity)
	_, earned := columns(cur, accs, moves, Revenue, Expense)
	earnings := make([]int64, len(moves))
	for i := range moves {
		earnings[i] = earned[i][Revenue] - earned[i][Expense]
	}
	eq := &secs[2]
	if slices.ContainsFunc(earnings, func(n int64) bool { return n != 0 }) {
		row := StatementRow{Account: Account{Name: "Current earnings", Type: Equity}, Amount: cur.FromMinor(earnings[0])}
		for _, n := range earnings[1:] {
			row.Compare = append(row.Compare, cur.FromMinor(n))
		}
		eq.Rows = append(eq.Rows, row)
	}
	equity := totals[0][Equity] + earnings[0]
	eq.Total = cur.FromMinor(equity)
	for i := range eq.CompareTotals {
		eq.CompareTotals[i] = cur.FromMinor(totals[i+1][Equity] + earnings[i+1])
	}
	return BalanceSheet{Currency: cur.Code, InBase: currency == "", AsOf: asOf, Sections: secs, TotalAssets: cur.FromMinor(totals[0][Asset]),
		TotalLiabilities: cur.FromMinor(totals[0][Liability]), TotalEquity: cur.FromMinor(equity), CurrentEarnings: cur.FromMinor(earnings[0]),
		Balanced: totals[0][Asset] == totals[0][Liability]+equity, Comparatives: comps}, nil
}

// YearClose is the source type of the entries that close a year's
// revenue and expenses to retained earnings; the income statement leaves
// them (and their reversals) out, so a closed year still shows what it
// earned.
const YearClose = "year_close"

// CloseYear moves a finished year's net income to retained earnings: in
// each currency the journal holds, one entry dated 31 December zeroes
// every revenue and expense account's movement for the year against
// RetainedEarnings (finance and admins). Closing a year twice posts
// nothing more; a year that has not ended, or whose December is closed,
// is refused.
func (s *Service) CloseYear(ctx context.Context, st Store, year int, currencies []string) ([]Entry, error) {
	a, err := mayWrite(ctx)
	if err != nil {
		return nil, err
	}
	end := quotient.NewDate(year, 12, 31)
	if year < 1900 || !end.Before(s.today()) {
		return nil, quotient.FieldErrorf(quotient.Conflict, "year", "%d has not ended; close a year from 1 January of the next", year)
	}
	accs, err := st.ListLedgerAccounts(ctx)
	if err != nil {
		return nil, err
	}
	var out []Entry
	for _, currency := range currencies {
		moves, err := incomeMovement(ctx, st, currency, quotient.NewDate(year, 1, 1), end)
		if err != nil {
			return nil, err
		}
		var lines []LineInput
		var net, netBase int64
		for _, acc := range accs {
			m := moves[acc.Code]
			if acc.Type != Revenue && acc.Type != Expense {
				continue
			}
			d, bd := m.Debit-m.Credit, m.BaseDebit-m.BaseCredit
			lines = append(lines, mirror(acc.Code, d, bd)...)
			net, netBase = net+d, netBase+bd
		}
		if len(lines) == 0 {
			continue
		}
		lines = append(lines, mirror(RetainedEarnings, -net, -netBase)...)
		e, _, err := s.PostOnce(ctx, st, EntryInput{Date: end, Memo: "Close " + strconv.Itoa(year) + " to retained earnings", Currency: currency,
			SourceType: YearClose, SourceID: strconv.Itoa(year), Event: "close_" + currency, Lines: lines}, a.UserID)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// mirror is what zeroes a balance (debit positive) and its base amount: a
// line on the other side, and a base-only line where the base amount is
// on the other side from the amount (exchange differences).
func mirror(code string, d, bd int64) []LineInput {
	l := LineInput{AccountCode: code, FixedBase: true}
	var out []LineInput
	switch {
	case d > 0:
		l.Credit = d
	case d < 0:
		l.Debit = -d
	}
	switch {
	case bd > 0 && d > 0:
		l.BaseCredit, bd = bd, 0
	case bd < 0 && d < 0:
		l.BaseDebit, bd = -bd, 0
	}
	if d != 0 {
		out = append(out, l)
	}
	if bd != 0 {
		b := LineInput{AccountCode: code, FixedBase: true}
		if bd > 0 {
			b.BaseCredit = bd
		} else {
			b.BaseDebit = -bd
		}
		out = append(out, b)
	}
	return out
}

// incomeMovement is movement from from to to, inclusive, without the
// entries that close years (and their reversals).
func incomeMovement(ctx context.Context, st Store, currency string, from, to quotient.Date) (map[string]Balance, error) {
	moves, err := movement(ctx, st, currency, from, to)
	if err != nil {
		return nil, err
	}
	closes, err := st.ListJournalEntries(ctx, EntryFilter{SourceType: YearClose, From: from, To: to, Page: quotient.Page{Limit: 10000}})
	if err != nil {
		return nil, err
	}
	var leave []Entry
	for _, c := range closes {
		leave = append(leave, c)
		revs, err := st.ListJournalEntries(ctx, EntryFilter{SourceType: "reversal", SourceID: c.ID, From: from, To: to, Page: quotient.Page{Limit: 10}})
		if err != nil {
			return nil, err
		}
		leave = append(leave, revs...)
	}
	for _, e := range leave {
		for _, l := range e.Lines {
			m := moves[l.AccountCode]
			switch {
			case currency == "":
				m.Debit, m.Credit = m.Debit-l.BaseDebit, m.Credit-l.BaseCredit
			case l.Currency != currency:
				continue
			default:
				m.Debit, m.Credit = m.Debit-l.Debit, m.Credit-l.Credit
			}
			m.BaseDebit, m.BaseCredit = m.BaseDebit-l.BaseDebit, m.BaseCredit-l.BaseCredit
			moves[l.AccountCode] = m
		}
	}
	return moves, nil
}
