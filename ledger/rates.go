package ledger

import (
	"context"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
)

// ExchangeRate is how many units of the base currency one unit of
// Currency was worth on Date. A rate holds from its date until the next
// rate of the same pair: the rate on a day is the latest one dated on or
// before it.
type ExchangeRate struct {
	ID           string
	Date         quotient.Date
	Currency     string
	BaseCurrency string
	Rate         decimal.Decimal
	Version      int
	CreatedBy    string
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// RatePatch holds the fields of a rate to change; nil leaves one as it is.
type RatePatch struct {
	Date *quotient.Date
	Rate *decimal.Decimal
}

// RateFilter narrows a list of rates: one currency (and base), a range of
// dates (inclusive); zero values do not narrow.
type RateFilter struct {
	quotient.Page
	Currency, BaseCurrency string
	From, To               quotient.Date
}

// RateStore is what exchange rates need of storage.
type RateStore interface {
	InsertExchangeRate(ctx context.Context, r ExchangeRate) error
	GetExchangeRate(ctx context.Context, id string) (ExchangeRate, error)
	UpdateExchangeRate(ctx context.Context, r ExchangeRate, version int) error
	DeleteExchangeRate(ctx context.Context, id string) error
	ListExchangeRates(ctx context.Context, f RateFilter) ([]ExchangeRate, error)
	// ExchangeRateOn is the latest rate of the pair dated on or before
	// day; ok is false when there is none.
	ExchangeRateOn(ctx context.Context, currency, base string, day quotient.Date) (r ExchangeRate, ok bool, err error)
	// ExchangeRateAt is the pair's rate dated exactly day, if there is one.
	ExchangeRateAt(ctx context.Context, currency, base string, day quotient.Date) (r ExchangeRate, ok bool, err error)
}

// The bounds of a rate: positive, at most 10 decimals, below 10^9 (one
// unit of the weakest currency is not worth a billion of another).
const (
	RateScale = 10
	maxRate   = 1_000_000_000
)

func validateRate(r ExchangeRate) error {
	p := quotient.Problems{}
	p.DateGiven("date", r.Date)
	p.Currency("currency", r.Currency)
	p.Currency("base_currency", r.BaseCurrency)
	if r.Currency != "" && r.Currency == r.BaseCurrency {
		p.Add("currency", "must differ from base_currency (%s is worth 1 %s)", r.Currency, r.BaseCurrency)
	}
	switch {
	case !r.Rate.IsPositive():
		p.Add("rate", "must be positive: how many %s one %s is worth", r.BaseCurrency, r.Currency)
	case r.Rate.GreaterThanOrEqual(decimal.NewFromInt(maxRate)):
		p.Add("rate", "must be less than 1000000000")
	default:
		p.Scale("rate", r.Rate, RateScale)
	}
	return p.Err()
}

// CreateRate records an exchange rate (finance and admins). A pair has
// one rate a day: another for the same date is a conflict naming date.
func (s *Service) CreateRate(ctx context.Context, st RateStore, in ExchangeRate) (ExchangeRate, error) {
	a, err := mayWrite(ctx)
	if err != nil {
		return ExchangeRate{}, err
	}
	now := s.now().UTC()
	in.ID, in.Version, in.CreatedBy, in.CreatedAt, in.UpdatedAt = quotient.NewID("fxr"), 1, a.UserID, now, now
	in.Currency, in.BaseCurrency = strings.ToUpper(in.Currency), strings.ToUpper(in.BaseCurrency)
	if err := validateRate(in); err != nil {
		return ExchangeRate{}, err
	}
	return in, st.InsertExchangeRate(ctx, in)
}

// PutResult says what PutRate did.
type PutResult int

// What PutRate did with a rate.
const (
	Unchanged PutResult = iota // the pair had that rate on that date
	Created
	Updated
)

// PutRate records the pair's rate for its date, changing the one already
// there (an import's row).
func (s *Service) PutRate(ctx context.Context, st RateStore, in ExchangeRate) (ExchangeRate, PutResult, error) {
	if _, err := mayWrite(ctx); err != nil {
		return ExchangeRate{}, Unchanged, err
	}
	in.Currency, in.BaseCurrency = strings.ToUpper(in.Currency), strings.ToUpper(in.BaseCurrency)
	if err := validateRate(in); err != nil {
		return ExchangeRate{}, Unchanged, err
	}
	old, ok, err := st.ExchangeRateAt(ctx, in.Currency, in.BaseCurrency, in.Date)
	if err != nil {
		return ExchangeRate{}, Unchanged, err
	}
	if !ok {
		r, err := s.CreateRate(ctx, st, in)
		return r, Created, err
	}
	if old.Rate.Equal(in.Rate) {
		return old, Unchanged, nil
	}
	r, err := s.UpdateRate(ctx, st, old.ID, old.Version, RatePatch{Rate: &in.Rate})
	return r, Updated, err
}

// GetRate returns a rate; everyone signed in reads them.
func (s *Service) GetRate(ctx context.Context, st RateStore, id string) (ExchangeRate, error) {
	if _, err := quotient.RequireActor(ctx); err != nil {
		return ExchangeRate{}, err
	}
	return st.GetExchangeRate(ctx, id)
}

// ListRates returns a page of rates in the order they were recorded.
func (s *Service) ListRates(ctx context.Context, st RateStore, f RateFilter) ([]ExchangeRate, error) {
	if _, err := quotient.RequireActor(ctx); err != nil {
		return nil, err
	}
	f.Currency, f.BaseCurrency = strings.ToUpper(f.Currency), strings.ToUpper(f.BaseCurrency)
	return st.ListExchangeRates(ctx, f)
}

// UpdateRate changes a rate's date or value (finance and admins), read at
// version (0: any).
func (s *Service) UpdateRate(ctx context.Context, st RateStore, id string, version int, p RatePatch) (ExchangeRate, error) {
	if _, err := mayWrite(ctx); err != nil {
		return ExchangeRate{}, err
	}
	r, err := st.GetExchangeRate(ctx, id)
	if err != nil {
		return ExchangeRate{}, err
	}
	if err := quotient.CheckVersion("exchange rate", version, r.Version); err != nil {
		return ExchangeRate{}, err
	}
	old := r.Version
	if p.Date != nil {
		r.Date = *p.Date
	}
	if p.Rate != nil {
		r.Rate = *p.Rate
	}
	if err := validateRate(r); err != nil {
		return ExchangeRate{}, err
	}
	r.Version, r.UpdatedAt = r.Version+1, s.now().UTC()
	return r, st.UpdateExchangeRate(ctx, r, old)
}

// DeleteRate removes a rate (finance and admins).
func (s *Service) DeleteRate(ctx context.Context, st RateStore, id string) error {
	if _, err := mayWrite(ctx); err != nil {
		return err
	}
	return st.DeleteExchangeRate(ctx, id)
}

// RateOn is what one unit of currency was worth in base on day: exactly 1
// for the base itself, else the latest rate of the pair dated on or before
// day. Without one the answer is a 422 naming the pair and the date, never
// a guess.
func (s *Service) RateOn(ctx context.Context, st RateStore, currency, base string, day quotient.Date) (decimal.Decimal, error) {
	return rateOn(ctx, st, currency, base, day)
}
