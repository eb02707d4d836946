package ledger

import (
	"context"
	"time"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
)

// TrialRow is an account's balance on the trial balance: its net on the
// debit or the credit side.
type TrialRow struct {
	Account Account
	Debit   decimal.Decimal
	Credit  decimal.Decimal
}

// TrialBalance is every account with a balance in a currency as of a date.
type TrialBalance struct {
	AsOf        quotient.Date
	Currency    string
	InBase      bool // every currency's lines at their base amounts
	Rows        []TrialRow
	TotalDebit  decimal.Decimal
	TotalCredit decimal.Decimal
}

// Trial computes the trial balance of a currency as of a date (today when
// zero). Its totals are equal unless the books are broken.
func (s *Service) Trial(ctx context.Context, st Store, asOf quotient.Date, currency string) (TrialBalance, error) {
	if _, err := mayRead(ctx); err != nil {
		return TrialBalance{}, err
	}
	if asOf.IsZero() {
		asOf = s.today()
	}
	c, err := viewCurrency(ctx, st, currency, asOf)
	if err != nil {
		return TrialBalance{}, err
	}
	bals, err := st.Balances(ctx, asOf, currency)
	if err != nil {
		return TrialBalance{}, err
	}
	accs, err := st.ListLedgerAccounts(ctx)
	if err != nil {
		return TrialBalance{}, err
	}
	byCode := map[string]Account{}
	for _, a := range accs {
		byCode[a.Code] = a
	}
	tb := TrialBalance{AsOf: asOf, Currency: c.Code, InBase: currency == "", TotalDebit: decimal.Zero, TotalCredit: decimal.Zero}
	var dr, cr int64
	for _, b := range bals {
		net := b.Debit - b.Credit
		if net == 0 {
			continue
		}
		row := TrialRow{Account: byCode[b.AccountCode], Debit: c.FromMinor(0), Credit: c.FromMinor(0)}
		row.Account.Code = b.AccountCode
		if net > 0 {
			row.Debit, dr = c.FromMinor(net), dr+net
		} else {
			row.Credit, cr = c.FromMinor(-net), cr-net
		}
		tb.Rows = append(tb.Rows, row)
	}
	tb.TotalDebit, tb.TotalCredit = c.FromMinor(dr), c.FromMinor(cr)
	return tb, nil
}

// AccountLedger is an account's postings in a currency with a running balance.
type AccountLedger struct {
	Account  Account
	Currency string
	InBase   bool // every currency's lines at their base amounts
	From, To quotient.Date
	Opening  decimal.Decimal // debit-positive balance before From
	Rows     []LedgerRow
	Closing  decimal.Decimal
}

// LedgerRow is one posting and the balance after it (debit positive).
type LedgerRow struct {
	Posting
	DebitAmount  decimal.Decimal
	CreditAmount decimal.Decimal
	Balance      decimal.Decimal
}

// MaxLedgerRows bounds one account ledger; narrow the dates for more.
const MaxLedgerRows = 100000

// Ledger returns an account's postings between two dates (inclusive) with
// the opening balance and a running balance: from the first day when from
// is zero, to today when to is.
func (s *Service) Ledger(ctx context.Context, st Store, code, currency string, from, to quotient.Date) (AccountLedger, error) {
	if _, err := mayRead(ctx); err != nil {
		return AccountLedger{}, err
	}
	if to.IsZero() {
		to = s.today()
	}
	if from.IsZero() {
		from = firstDay
	}
	c, err := viewCurrency(ctx, st, currency, to)
	if err != nil {
		return AccountLedger{}, err
	}
	a, err := st.GetLedgerAccount(ctx, code)
	if err != nil {
		return AccountLedger{}, err
	}
	open := int64(0)
	if from.After(firstDay) { // nothing can be dated before the first day
		before, err := st.Balances(ctx, from.AddDays(-1), currency)
		if err != nil {
			return AccountLedger{}, err
		}
		for _, b := range before {
			if b.AccountCode == code {
				open = b.Debit - b.Credit
			}
		}
	}
	ps, err := st.Postings(ctx, code, currency, from, to)
	if err != nil {
		return AccountLedger{}, err
	}
	if len(ps) > MaxLedgerRows {
		return AccountLedger{}, quotient.Errorf(quotient.Unprocessable, "more than %d postings; narrow from and to", MaxLedgerRows)
	}
	out := AccountLedger{Account: a, Currency: c.Code, InBase: currency == "", From: from, To: to, Opening: c.FromMinor(open)}
	bal := open
	for _, x := range ps {
		bal += x.Debit - x.Credit
		out.Rows = append(out.Rows, LedgerRow{Posting: x, DebitAmount: c.FromMinor(x.Debit), CreditAmount: c.FromMinor(x.Credit), Balance: c.FromMinor(bal)})
	}
	out.Closing = c.FromMinor(bal)
	return out, nil
}

// firstDay is the earliest date both databases store.
var firstDay = quotient.NewDate(1, time.January, 1)
