package ledger

import (
	"context"
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
}

// StatementSection is the accounts of one type and their total.
type StatementSection struct {
	Name  string
	Type  Type
	Rows  []StatementRow
	Total decimal.Decimal
}

// IncomeStatement is revenue less expenses over a period, in one currency.
type IncomeStatement struct {
	Currency  string
	From, To  quotient.Date
	Sections  []StatementSection // revenue, expenses
	NetIncome decimal.Decimal
}

// BalanceSheet is what the company holds and owes on a date, in one
// currency. Equity includes the current earnings (revenue less expenses
// to date, since no year has been closed to retained earnings), so assets
// equal liabilities plus equity whenever the ledger balances.
type BalanceSheet struct {
	Currency                      string
	AsOf                          quotient.Date
	Sections                      []StatementSection // assets, liabilities, equity
	TotalAssets, TotalLiabilities decimal.Decimal
	TotalEquity, CurrentEarnings  decimal.Decimal
	Balanced                      bool
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
// when zero) to until, inclusive.
func movement(ctx context.Context, st Store, currency string, from, until quotient.Date) (map[string][2]int64, error) {
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
	out := make(map[string][2]int64, len(bals))
	for _, b := range bals {
		out[b.AccountCode] = [2]int64{b.Debit, b.Credit}
	}
	return out, nil
}

// sections groups the movements of accounts of the types asked for, in
// chart order, leaving out accounts with nothing.
func sections(cur quotient.Currency, accs []Account, moves map[string][2]int64, types ...Type) ([]StatementSection, map[Type]int64) {
	totals := map[Type]int64{}
	out := make([]StatementSection, 0, len(types))
	for _, t := range types {
		sec := StatementSection{Name: sectionNames[t], Type: t, Rows: []StatementRow{}}
		for _, a := range accs {
			m, ok := moves[a.Code]
			if a.Type != t || !ok {
				continue
			}
			n := natural(t, m[0], m[1])
			if n == 0 {
				continue
			}
			totals[t] += n
			sec.Rows = append(sec.Rows, StatementRow{Account: a, Amount: cur.FromMinor(n)})
		}
		sec.Total = cur.FromMinor(totals[t])
		out = append(out, sec)
	}
	return out, totals
}

func (s *Service) statementCurrency(ctx context.Context, currency string) (quotient.Currency, error) {
	if _, err := mayRead(ctx); err != nil {
		return quotient.Currency{}, err
	}
	c, ok := quotient.LookupCurrency(currency)
	if !ok {
		return c, quotient.FieldErrorf(quotient.Invalid, "currency", "name the currency, e.g. currency=USD")
	}
	return c, nil
}

// Income is the income statement of a currency from from to to
// (inclusive; to is today when zero, from the first of to's month when
// zero).
func (s *Service) Income(ctx context.Context, st Store, currency string, from, to quotient.Date) (IncomeStatement, error) {
	cur, err := s.statementCurrency(ctx, currency)
	if err != nil {
		return IncomeStatement{}, err
	}
	if to.IsZero() {
		to = s.today()
	}
	if from.IsZero() {
		from = to.AddDays(1 - to.Day())
	}
	if from.After(to) {
		return IncomeStatement{}, quotient.FieldErrorf(quotient.Invalid, "from", "must not be after to (%s)", to.String())
	}
	accs, err := st.ListLedgerAccounts(ctx)
	if err != nil {
		return IncomeStatement{}, err
	}
	moves, err := incomeMovement(ctx, st, currency, from, to)
	if err != nil {
		return IncomeStatement{}, err
	}
	secs, totals := sections(cur, accs, moves, Revenue, Expense)
	return IncomeStatement{Currency: currency, From: from, To: to, Sections: secs, NetIncome: cur.FromMinor(totals[Revenue] - totals[Expense])}, nil
}

// Balance is the balance sheet of a currency as of a date (today when
// zero).
func (s *Service) Balance(ctx context.Context, st Store, currency string, asOf quotient.Date) (BalanceSheet, error) {
	cur, err := s.statementCurrency(ctx, currency)
	if err != nil {
		return BalanceSheet{}, err
	}
	if asOf.IsZero() {
		asOf = s.today()
	}
	accs, err := st.ListLedgerAccounts(ctx)
	if err != nil {
		return BalanceSheet{}, err
	}
	moves, err := movement(ctx, st, currency, quotient.Date{}, asOf)
	if err != nil {
		return BalanceSheet{}, err
	}
	secs, totals := sections(cur, accs, moves, Asset, Liability, Equity)
	_, earned := sections(cur, accs, moves, Revenue, Expense)
	earnings := earned[Revenue] - earned[Expense]
	eq := &secs[2]
	if earnings != 0 {
		eq.Rows = append(eq.Rows, StatementRow{Account: Account{Name: "Current earnings", Type: Equity}, Amount: cur.FromMinor(earnings)})
	}
	equity := totals[Equity] + earnings
	eq.Total = cur.FromMinor(equity)
	return BalanceSheet{Currency: currency, AsOf: asOf, Sections: secs, TotalAssets: cur.FromMinor(totals[Asset]),
		TotalLiabilities: cur.FromMinor(totals[Liability]), TotalEquity: cur.FromMinor(equity), CurrentEarnings: cur.FromMinor(earnings),
		Balanced: totals[Asset] == totals[Liability]+equity}, nil
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
		var net int64
		for _, acc := range accs {
			m := moves[acc.Code]
			if acc.Type != Revenue && acc.Type != Expense || m[0] == m[1] {
				continue
			}
			// The mirror of the year's balance: a credit balance is debited.
			d := m[0] - m[1]
			if d > 0 {
				lines = append(lines, LineInput{AccountCode: acc.Code, Credit: d})
			} else {
				lines = append(lines, LineInput{AccountCode: acc.Code, Debit: -d})
			}
			net -= d
		}
		if len(lines) == 0 {
			continue
		}
		if net > 0 {
			lines = append(lines, LineInput{AccountCode: RetainedEarnings, Credit: net})
		} else if net < 0 {
			lines = append(lines, LineInput{AccountCode: RetainedEarnings, Debit: -net})
		}
		e, _, err := s.PostOnce(ctx, st, EntryInput{Date: end, Memo: "Close " + strconv.Itoa(year) + " to retained earnings", Currency: currency,
			SourceType: YearClose, SourceID: strconv.Itoa(year), Event: "close_" + currency, Lines: lines}, a.UserID)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// incomeMovement is movement from from to to, inclusive, without the
// entries that close years (and their reversals).
func incomeMovement(ctx context.Context, st Store, currency string, from, to quotient.Date) (map[string][2]int64, error) {
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
			if l.Currency != currency {
				continue
			}
			m := moves[l.AccountCode]
			moves[l.AccountCode] = [2]int64{m[0] - l.Debit, m[1] - l.Credit}
		}
	}
	return moves, nil
}
