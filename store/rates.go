package store

import (
	"context"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/ledger"
)

type rateRow struct {
	ID        string        `db:"id"`
	Date      quotient.Date `db:"rate_date"`
	Currency  string        `db:"currency"`
	Base      string        `db:"base_currency"`
	Rate      dbDec         `db:"rate"`
	Version   int           `db:"version"`
	CreatedBy string        `db:"created_by"`
	CreatedAt dbTime        `db:"created_at"`
	UpdatedAt dbTime        `db:"updated_at"`
}

const rateCols = `id, rate_date, currency, base_currency, rate, version, created_by, created_at, updated_at`

func (r rateRow) rate() ledger.ExchangeRate {
	return ledger.ExchangeRate{ID: r.ID, Date: r.Date, Currency: r.Currency, BaseCurrency: r.Base, Rate: r.Rate.Decimal, Version: r.Version,
		CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt.Time, UpdatedAt: r.UpdatedAt.Time}
}

func rateTaken(err error, r ledger.ExchangeRate) error {
	return conflictAs(err, "date", "%s to %s already has a rate on %s; change that one", r.Currency, r.BaseCurrency, r.Date.String())
}

// InsertExchangeRate stores a new rate; a pair has one a day.
func (t *Tx) InsertExchangeRate(ctx context.Context, r ledger.ExchangeRate) error {
	_, err := t.exec(ctx, `INSERT INTO exchange_rates (`+rateCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ID, r.Date, r.Currency, r.BaseCurrency, dec(r.Rate), r.Version, r.CreatedBy, t.ts(r.CreatedAt), t.ts(r.UpdatedAt))
	return rateTaken(err, r)
}

// GetExchangeRate loads a rate.
func (t *Tx) GetExchangeRate(ctx context.Context, id string) (ledger.ExchangeRate, error) {
	var r rateRow
	if err := t.get(ctx, &r, `SELECT `+rateCols+` FROM exchange_rates WHERE id = ?`, id); err != nil {
		return ledger.ExchangeRate{}, getOr(err, "exchange rate", id)
	}
	return r.rate(), nil
}

// UpdateExchangeRate writes a rate if it is still at version.
func (t *Tx) UpdateExchangeRate(ctx context.Context, r ledger.ExchangeRate, version int) error {
	err := t.versioned(ctx, "exchange_rates", "exchange rate", r.ID, `UPDATE exchange_rates SET rate_date = ?, rate = ?, version = ?, updated_at = ?
		WHERE id = ? AND version = ?`, r.Date, dec(r.Rate), r.Version, t.ts(r.UpdatedAt), r.ID, version)
	return rateTaken(err, r)
}

// DeleteExchangeRate removes a rate.
func (t *Tx) DeleteExchangeRate(ctx context.Context, id string) error {
	return t.deleteByID(ctx, "exchange_rates", "exchange rate", id)
}

// ListExchangeRates returns a page of rates.
func (t *Tx) ListExchangeRates(ctx context.Context, f ledger.RateFilter) ([]ledger.ExchangeRate, error) {
	var where []string
	var args []any
	where, args = eq(where, args, "currency", f.Currency)
	where, args = eq(where, args, "base_currency", f.BaseCurrency)
	where, args = dateRange(where, args, "rate_date", f.From, f.To)
	var rows []rateRow
	if err := t.list(ctx, &rows, rateCols, "exchange_rates", where, args, f.After, f.Limit); err != nil {
		return nil, err
	}
	out := make([]ledger.ExchangeRate, len(rows))
	for i, r := range rows {
		out[i] = r.rate()
	}
	return out, nil
}

// ExchangeRateOn is the pair's latest rate dated on or before day.
func (t *Tx) ExchangeRateOn(ctx context.Context, currency, base string, day quotient.Date) (ledger.ExchangeRate, bool, error) {
	return t.oneRate(ctx, `SELECT `+rateCols+` FROM exchange_rates WHERE currency = ? AND base_currency = ? AND rate_date <= ?
		ORDER BY rate_date DESC LIMIT 1`, currency, base, day)
}

// ExchangeRateAt is the pair's rate dated day.
func (t *Tx) ExchangeRateAt(ctx context.Context, currency, base string, day quotient.Date) (ledger.ExchangeRate, bool, error) {
	return t.oneRate(ctx, `SELECT `+rateCols+` FROM exchange_rates WHERE currency = ? AND base_currency = ? AND rate_date = ?`, currency, base, day)
}

func (t *Tx) oneRate(ctx context.Context, q string, args ...any) (ledger.ExchangeRate, bool, error) {
	var rows []rateRow
	if err := t.sel(ctx, &rows, q, args...); err != nil {
		return ledger.ExchangeRate{}, false, err
	}
	if len(rows) == 0 {
		return ledger.ExchangeRate{}, false, nil
	}
	return rows[0].rate(), true, nil
}
