package ledger

import (
	"context"
	"time"

	"github.com/quotient-cpq/quotient"
)

// Revaluation is the source type of the entries that revalue open
// foreign-currency receivables at a month's end, and of their reversals
// on the first day of the next month.
const Revaluation = "revaluation"

// Revalued is a currency's receivables revalued at a month's end: what
// they were booked at in base, what they are worth at the month-end rate,
// and the entries that post and reverse the difference (none when there is
// none).
type Revalued struct {
	Currency      string
	Open          int64 // the receivable in minor units of Currency
	Booked, Worth int64 // in minor units of the base currency
	Rate          string
	Entry, Back   Entry
}

// PeriodEnd is the last day of a period (YYYY-MM) and the first of the
// next.
func PeriodEnd(period string) (quotient.Date, quotient.Date, error) {
	if !periodRE.MatchString(period) {
		return quotient.Date{}, quotient.Date{}, quotient.FieldErrorf(quotient.Invalid, "period", "a period is a month as YYYY-MM")
	}
	t, _ := time.Parse("2006-01", period)
	next := quotient.DateOf(t.AddDate(0, 1, 0))
	return next.AddDays(-1), next, nil
}

// Revalue revalues, for each currency but the base, the accounts
// receivable balance at the period's last day at that day's rate: the
// difference from its base amount as booked is an unrealized exchange gain
// or loss, posted on the last day and reversed on the first of the next
// month, so that payments later realize against the booked rate (finance,
// admins). Revaluing a period again posts nothing more; a period that has
// not ended is refused, and both months must be open.
func (s *Service) Revalue(ctx context.Context, st Store, period string, currencies []string) ([]Revalued, error) {
	a, err := mayWrite(ctx)
	if err != nil {
		return nil, err
	}
	end, next, err := PeriodEnd(period)
	if err != nil {
		return nil, err
	}
	if end.After(s.today()) {
		return nil, quotient.FieldErrorf(quotient.Conflict, "period", "%s has not ended; revalue on or after %s", period, end.String())
	}
	out, err := s.revaluations(ctx, st, end, currencies)
	if err != nil {
		return nil, err
	}
	for i := range out {
		r := &out[i]
		if r.Worth == r.Booked {
			continue
		}
		diff := r.Worth - r.Booked
		ar := LineInput{AccountCode: AccountsReceivable, FixedBase: true}
		fx := LineInput{AccountCode: UnrealizedExchange, FixedBase: true}
		if diff > 0 {
			ar.BaseDebit, fx.BaseCredit = diff, diff
		} else {
			ar.BaseCredit, fx.BaseDebit = -diff, -diff
		}
		memo := "Revaluation of " + r.Currency + " receivables at " + r.Rate + " on " + end.String()
		if r.Entry, _, err = s.PostOnce(ctx, st, EntryInput{Date: end, Memo: memo, Currency: r.Currency, SourceType: Revaluation, SourceID: period,
			Event: "revalue_" + r.Currency, Lines: []LineInput{ar, fx}}, a.UserID); err != nil {
			return nil, err
		}
		ar.BaseDebit, ar.BaseCredit, fx.BaseDebit, fx.BaseCredit = ar.BaseCredit, ar.BaseDebit, fx.BaseCredit, fx.BaseDebit
		var posted bool
		if r.Back, posted, err = s.PostOnce(ctx, st, EntryInput{Date: next, Memo: "Reversal: " + memo, Currency: r.Currency, SourceType: Revaluation,
			SourceID: period, Event: "reverse_" + r.Currency, Lines: []LineInput{ar, fx}}, a.UserID); err != nil {
			return nil, err
		}
		if posted {
			if err := st.SetReversedBy(ctx, r.Entry.ID, r.Back.ID); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// Revaluations is what revaluing receivables at a period's end would post,
// and what it did post (Entry) if it was revalued.
func (s *Service) Revaluations(ctx context.Context, st Store, period string, currencies []string) ([]Revalued, error) {
	if _, err := mayRead(ctx); err != nil {
		return nil, err
	}
	end, _, err := PeriodEnd(period)
	if err != nil {
		return nil, err
	}
	return s.revaluations(ctx, st, end, currencies)
}

func (s *Service) revaluations(ctx context.Context, st Store, end quotient.Date, currencies []string) ([]Revalued, error) {
	base, err := st.BaseCurrency(ctx)
	if err != nil {
		return nil, err
	}
	var out []Revalued
	for _, cur := range currencies {
		if cur == base {
			continue
		}
		bals, err := st.Balances(ctx, end, cur)
		if err != nil {
			return nil, err
		}
		r := Revalued{Currency: cur}
		for _, b := range bals {
			if b.AccountCode == AccountsReceivable {
				r.Open, r.Booked = b.Debit-b.Credit, b.BaseDebit-b.BaseCredit
			}
		}
		// A revaluation posted for this day is in the balance; it is what
		// was booked before it that is compared.
		prev, err := st.JournalEntryBySource(ctx, Revaluation, end.YearMonth(), "revalue_"+cur)
		if err == nil {
			r.Entry = prev
			for _, l := range prev.Lines {
				if l.AccountCode == AccountsReceivable {
					r.Booked -= l.BaseDebit - l.BaseCredit
				}
			}
		} else if quotient.ErrorCode(err) != quotient.NotFound {
			return nil, err
		}
		if r.Open == 0 && r.Booked == 0 {
			continue
		}
		rate, err := rateOn(ctx, st, cur, base, end)
		if err != nil {
			return nil, err
		}
		r.Rate = rate.String()
		r.Worth = ToBase(r.Open, cur, base, rate)
		out = append(out, r)
	}
	return out, nil
}
