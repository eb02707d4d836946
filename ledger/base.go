package ledger

import (
	"context"
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
)

// DefaultBaseCurrency is the base currency of a company that has not set
// one; BaseCurrencySetting is the setting that holds it.
const (
	DefaultBaseCurrency = "USD"
	BaseCurrencySetting = "base_currency"
)

type rateKey struct {
	currency string
	day      quotient.Date
}

// rate is what one unit of currency was worth in the books' base on day,
// read once per books.
func (b Books) rate(ctx context.Context, st Store, currency string, day quotient.Date) (decimal.Decimal, error) {
	if currency == b.base {
		return decimal.NewFromInt(1), nil
	}
	k := rateKey{currency, day}
	if r, ok := b.rates[k]; ok {
		return r, nil
	}
	r, err := rateOn(ctx, st, currency, b.base, day)
	if err == nil && b.rates != nil {
		b.rates[k] = r
	}
	return r, err
}

type rateReader interface {
	ExchangeRateOn(ctx context.Context, currency, base string, day quotient.Date) (ExchangeRate, bool, error)
}

func rateOn(ctx context.Context, st rateReader, currency, base string, day quotient.Date) (decimal.Decimal, error) {
	currency, base = strings.ToUpper(currency), strings.ToUpper(base)
	if currency == base {
		return decimal.NewFromInt(1), nil
	}
	r, ok, err := st.ExchangeRateOn(ctx, currency, base, day)
	if err != nil {
		return decimal.Decimal{}, err
	}
	if !ok {
		return decimal.Decimal{}, quotient.FieldErrorf(quotient.Unprocessable, "currency",
			"no exchange rate from %s to %s on or before %s; enter one under exchange rates", currency, base, day.String())
	}
	return r.Rate, nil
}

// ToBase converts an amount in minor units of currency to minor units of
// base at rate, rounded half up: the rounding point of every base amount.
func ToBase(minor int64, currency, base string, rate decimal.Decimal) int64 {
	c, _ := quotient.LookupCurrency(currency)
	bc, _ := quotient.LookupCurrency(base)
	if c.Code == bc.Code {
		return minor
	}
	return bc.RoundMinor(c.FromMinor(minor).Mul(rate))
}

// Share is part/whole of a base amount, rounded half up: what clearing
// part of an open amount clears of its base amount. All of it clears all.
func Share(base, part, whole int64) int64 {
	if whole == 0 || part == whole {
		return base
	}
	return decimal.NewFromInt(base).Mul(decimal.NewFromInt(part)).Div(decimal.NewFromInt(whole)).Round(0).IntPart()
}

// make builds an entry and gives its lines their base amounts.
func (s *Service) make(ctx context.Context, st Store, b Books, in EntryInput, actorID string, p *quotient.Problems) (Entry, error) {
	e, fixed, err := s.build(b, in, actorID, p)
	if err != nil {
		return Entry{}, err
	}
	if err := b.convert(ctx, st, &e, fixed, in.ExchangeAccount, in.Currency); err != nil {
		return Entry{}, err
	}
	e.Base = b.base
	return e, nil
}

// convert gives each line not fixed its base amount at the rate of the
// entry's date, then balances the base amounts: an exchange account takes
// the difference as a base-only line; otherwise it is rounding, which the
// largest converted line absorbs (a few minor units at most).
func (b Books) convert(ctx context.Context, st Store, e *Entry, fixed map[int]bool, exchange, currency string) error {
	var dr, cr int64
	largest := -1
	for i := range e.Lines {
		l := &e.Lines[i]
		if !fixed[i] {
			r, err := b.rate(ctx, st, l.Currency, e.Date)
			if err != nil {
				return err
			}
			l.BaseDebit, l.BaseCredit = ToBase(l.Debit, l.Currency, b.base, r), ToBase(l.Credit, l.Currency, b.base, r)
			if largest < 0 || l.BaseDebit+l.BaseCredit > e.Lines[largest].BaseDebit+e.Lines[largest].BaseCredit {
				largest = i
			}
		}
		dr, cr = dr+l.BaseDebit, cr+l.BaseCredit
	}
	diff := dr - cr
	switch {
	case diff == 0:
		return nil
	case exchange != "":
		if currency == "" {
			currency = e.Lines[0].Currency
		}
		l := Line{AccountCode: exchange, Currency: currency, Memo: "Exchange difference"}
		if diff > 0 {
			l.BaseCredit = diff
		} else {
			l.BaseDebit = -diff
		}
		e.Lines = append(e.Lines, l)
		return nil
	case largest < 0:
		return fmt.Errorf("ledger: entry %s: fixed base amounts differ by %d", e.ID, diff)
	}
	l := &e.Lines[largest]
	if l.BaseDebit > 0 {
		l.BaseDebit -= diff
	} else {
		l.BaseCredit += diff
	}
	if l.BaseDebit < 0 || l.BaseCredit < 0 {
		return fmt.Errorf("ledger: entry %s: base rounding of %d is more than its largest line", e.ID, diff)
	}
	return nil
}

// ConvertPosted gives base amounts to lines posted before the ledger kept
// them, where the rate of their date is known now: at start-up and when
// rates change. An entry whose rate is still missing waits; reading in
// base over its date says so. It converts at most limit entries.
func (s *Service) ConvertPosted(ctx context.Context, st Store, limit int) (int, error) {
	es, err := st.EntriesToConvert(ctx, limit)
	if err != nil || len(es) == 0 {
		return 0, err
	}
	base, err := st.BaseCurrency(ctx)
	if err != nil {
		return 0, err
	}
	b := Books{base: base, rates: map[rateKey]decimal.Decimal{}}
	n := 0
	for _, e := range es {
		err := b.convert(ctx, st, &e, nil, "", "")
		if quotient.ErrorCode(err) == quotient.Unprocessable {
			continue
		}
		if err != nil {
			return n, err
		}
		if err := st.Convert(ctx, e.ID, e.Lines); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// RequireBase checks that every line up to to has its base amount before
// a reading in base: a 422 naming the first currency and day without.
func RequireBase(ctx context.Context, st Store, to quotient.Date) error {
	cur, day, ok, err := st.Unconverted(ctx, to)
	if err != nil || !ok {
		return err
	}
	base, err := st.BaseCurrency(ctx)
	if err != nil {
		return err
	}
	return quotient.FieldErrorf(quotient.Unprocessable, "currency",
		"lines in %s posted on %s have no amount in %s: enter the %s to %s rate for that day under exchange rates, or read in %s (currency=%s)",
		cur, day.String(), base, cur, base, cur, cur)
}
