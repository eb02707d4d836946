package app

import (
	"context"
	"encoding/csv"
	"errors"
	"io"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/catalog"
	"github.com/quotient-cpq/quotient/ledger"
)

// ExchangeRates lists exchange rates; everyone signed in reads them.
func (a *App) ExchangeRates(ctx context.Context, f ledger.RateFilter) ([]ledger.ExchangeRate, error) {
	return read(ctx, a, func(tx Tx) ([]ledger.ExchangeRate, error) { return a.ledger.ListRates(ctx, tx, f) })
}

// CreateExchangeRate records a rate (finance, admins); the base currency
// is the company's unless given.
func (a *App) CreateExchangeRate(ctx context.Context, in ledger.ExchangeRate) (ledger.ExchangeRate, error) {
	return change(ctx, a, func(tx Tx) (ledger.ExchangeRate, error) {
		if in.BaseCurrency == "" {
			s, err := settings(ctx, tx)
			if err != nil {
				return in, err
			}
			in.BaseCurrency = s.BaseCurrency
		}
		r, err := a.ledger.CreateRate(ctx, tx, in)
		if err != nil {
			return r, err
		}
		_, err = a.ledger.ConvertPosted(ctx, tx, convertBatch)
		return r, err
	})
}

// convertBatch bounds the entries a new rate converts to base at once
// (entries posted before the ledger kept base amounts); start-up converts
// the rest.
const convertBatch = 10000

// ExchangeRate returns a rate.
func (a *App) ExchangeRate(ctx context.Context, id string) (ledger.ExchangeRate, error) {
	return read(ctx, a, func(tx Tx) (ledger.ExchangeRate, error) { return a.ledger.GetRate(ctx, tx, id) })
}

// UpdateExchangeRate changes a rate's date or value (finance, admins),
// read at version (0: any).
func (a *App) UpdateExchangeRate(ctx context.Context, id string, version int, p ledger.RatePatch) (ledger.ExchangeRate, error) {
	return change(ctx, a, func(tx Tx) (ledger.ExchangeRate, error) { return a.ledger.UpdateRate(ctx, tx, id, version, p) })
}

// DeleteExchangeRate removes a rate (finance, admins).
func (a *App) DeleteExchangeRate(ctx context.Context, id string) error {
	return do(ctx, a, func(tx Tx) error { return a.ledger.DeleteRate(ctx, tx, id) })
}

// RateOn is what one unit of currency is worth in the base currency (the
// company's unless given) on day: the latest rate on or before it, or a
// 422 naming the pair and the date.
func (a *App) RateOn(ctx context.Context, currency, base string, day quotient.Date) (decimal.Decimal, string, error) {
	type answer struct {
		rate decimal.Decimal
		base string
	}
	got, err := read(ctx, a, func(tx Tx) (answer, error) {
		if _, err := quotient.RequireActor(ctx); err != nil {
			return answer{}, err
		}
		p := quotient.Problems{}
		p.Currency("currency", strings.ToUpper(currency))
		p.DateGiven("date", day)
		if base != "" {
			p.Currency("base_currency", strings.ToUpper(base))
		}
		if err := p.Err(); err != nil {
			return answer{}, err
		}
		if base == "" {
			s, err := settings(ctx, tx)
			if err != nil {
				return answer{}, err
			}
			base = s.BaseCurrency
		}
		r, err := a.ledger.RateOn(ctx, tx, currency, base, day)
		return answer{r, strings.ToUpper(base)}, err
	})
	return got.rate, got.base, err
}

// RateColumns are the columns of an exchange-rates CSV: date, currency and
// rate are required; base_currency is the company's when absent or empty.
var RateColumns = []string{"date", "currency", "rate", "base_currency"}

// ImportExchangeRates records the rates of a CSV (finance, admins), all or
// nothing: a row for a pair and date that has a rate changes it, the same
// file twice changes nothing. Every problem is reported by row and column.
func (a *App) ImportExchangeRates(ctx context.Context, r io.ReadSeeker, progress func(done, total int)) (catalog.ImportResult, error) {
	return a.importCSV(ctx, r, func(tx Tx) (catalog.ImportResult, error) {
		s, err := settings(ctx, tx)
		if err != nil {
			return catalog.ImportResult{}, err
		}
		rd := csv.NewReader(r)
		rd.FieldsPerRecord = -1
		rows, err := rd.ReadAll()
		if err != nil {
			return catalog.ImportResult{}, &catalog.ImportError{Errors: []catalog.RowError{{Row: 1, Column: "-", Message: "not a CSV file: " + err.Error()}}}
		}
		if len(rows) < 2 {
			return catalog.ImportResult{}, &catalog.ImportError{Errors: []catalog.RowError{{Row: 1, Column: "-",
				Message: "needs a header (" + strings.Join(RateColumns, ",") + ") and at least one row"}}}
		}
		col := map[string]int{}
		var bad []catalog.RowError
		for i, h := range rows[0] {
			h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
			if !slices.Contains(RateColumns, h) {
				bad = append(bad, catalog.RowError{Row: 1, Column: h, Message: "unknown column; the columns are " + strings.Join(RateColumns, ", ")})
			}
			col[h] = i
		}
		for _, need := range RateColumns[:3] {
			if _, ok := col[need]; !ok {
				bad = append(bad, catalog.RowError{Row: 1, Column: need, Message: "is a required column"})
			}
		}
		if len(bad) > 0 {
			return catalog.ImportResult{}, &catalog.ImportError{Errors: bad}
		}
		cell := func(row []string, name string) string {
			if i, ok := col[name]; ok && i < len(row) {
				return strings.TrimSpace(row[i])
			}
			return ""
		}
		var res catalog.ImportResult
		for n, row := range rows[1:] {
			line := n + 2
			p := quotient.Problems{}
			in := ledger.ExchangeRate{Date: p.Date("date", cell(row, "date"), quotient.Required), Currency: cell(row, "currency"),
				BaseCurrency: cell(row, "base_currency")}
			if in.BaseCurrency == "" {
				in.BaseCurrency = s.BaseCurrency
			}
			if v, err := decimal.NewFromString(cell(row, "rate")); err != nil {
				p.Add("rate", "must be a number such as 1.0842 (got %q)", cell(row, "rate"))
			} else {
				in.Rate = v
			}
			err := p.Err()
			var did ledger.PutResult
			if err == nil {
				_, did, err = a.ledger.PutRate(ctx, tx, in)
			}
			var qe *quotient.Error
			switch {
			case err == nil && did == ledger.Created:
				res.Created++
			case err == nil && did == ledger.Updated:
				res.Updated++
			case err == nil:
				res.Unchanged++
			case errors.As(err, &qe) && qe.Code != quotient.Internal && qe.Code != quotient.Unavailable:
				if qe.Code == quotient.Forbidden {
					return res, err
				}
				if len(qe.Fields) == 0 {
					bad = append(bad, catalog.RowError{Row: line, Column: qe.Field, Message: qe.Message})
				}
				for _, fe := range qe.Fields {
					bad = append(bad, catalog.RowError{Row: line, Column: fe.Field, Message: fe.Message})
				}
			default:
				return res, err
			}
			if progress != nil {
				progress(n+1, len(rows)-1)
			}
		}
		if len(bad) > 0 {
			return catalog.ImportResult{}, &catalog.ImportError{Errors: bad}
		}
		_, err = a.ledger.ConvertPosted(ctx, tx, convertBatch)
		return res, err
	})
}
