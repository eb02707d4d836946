package server

import (
	"context"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/ledger"
)

// ExchangeRateJSON is what one unit of currency is worth in base_currency
// from date until the pair's next rate.
type ExchangeRateJSON struct {
	ID           string    `json:"id"`
	Date         string    `json:"date" format:"date"`
	Currency     string    `json:"currency"`
	BaseCurrency string    `json:"base_currency"`
	Rate         string    `json:"rate" format:"decimal"`
	Version      int       `json:"version"`
	CreatedBy    string    `json:"created_by"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// ExchangeRateRequest records a rate (date, currency and rate required;
// base_currency is the company's when absent) or, in a PATCH, changes its
// date or rate.
type ExchangeRateRequest struct {
	Date         *string `json:"date" format:"date"`
	Currency     *string `json:"currency" pattern:"^[A-Z]{3}$"`
	BaseCurrency *string `json:"base_currency" pattern:"^[A-Z]{3}$"`
	Rate         *Dec    `json:"rate"`
}

// EffectiveRateJSON is the rate that holds for a pair on a date.
type EffectiveRateJSON struct {
	Date         string `json:"date" format:"date"`
	Currency     string `json:"currency"`
	BaseCurrency string `json:"base_currency"`
	Rate         string `json:"rate" format:"decimal"`
}

var rateView = view[ledger.ExchangeRate, ExchangeRateJSON]{version: func(r ledger.ExchangeRate) int { return r.Version }, json: exchangeRateJSON}

func exchangeRateJSON(r ledger.ExchangeRate) ExchangeRateJSON {
	return ExchangeRateJSON{ID: r.ID, Date: r.Date.String(), Currency: r.Currency, BaseCurrency: r.BaseCurrency, Rate: fmtDec(r.Rate, 0),
		Version: r.Version, CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

func (r ExchangeRateRequest) input() (ledger.ExchangeRate, error) {
	p := quotient.Problems{}
	if r.Rate == nil {
		p.Add("rate", "is required")
	}
	if r.Currency == nil {
		p.Add("currency", "is required")
	}
	out := ledger.ExchangeRate{Date: p.Date("date", strOr(r.Date), quotient.Required), Currency: strOr(r.Currency),
		BaseCurrency: strOr(r.BaseCurrency), Rate: r.Rate.Value(&p, "rate")}
	return out, p.Err()
}

func (r ExchangeRateRequest) patch() (ledger.RatePatch, error) {
	p := quotient.Problems{}
	if r.Currency != nil || r.BaseCurrency != nil {
		p.Add("currency", "a rate's currencies do not change; record a rate for the other pair")
	}
	var out ledger.RatePatch
	if r.Date != nil {
		d := p.Date("date", *r.Date, quotient.Required)
		out.Date = &d
	}
	out.Rate = r.Rate.Ptr(&p, "rate")
	return out, p.Err()
}

func (s *Server) listExchangeRates() fiber.Handler {
	return listOf(func(r ledger.ExchangeRate) string { return r.ID }, exchangeRateJSON, []string{"currency", "base_currency", "from", "to"},
		func(ctx context.Context, c *fiber.Ctx, p quotient.Page, f map[string]string) ([]ledger.ExchangeRate, error) {
			d, err := queryDays(f, "from", "to")
			if err != nil {
				return nil, err
			}
			return s.app.ExchangeRates(ctx, ledger.RateFilter{Page: p, Currency: f["currency"], BaseCurrency: f["base_currency"], From: d[0], To: d[1]})
		})
}

func (s *Server) createExchangeRate() fiber.Handler {
	return createOne(rateView, ExchangeRateRequest.input, func(r ledger.ExchangeRate) string { return v1 + "/exchange-rates/" + r.ID },
		func(ctx context.Context, c *fiber.Ctx, in ledger.ExchangeRate) (ledger.ExchangeRate, error) {
			return s.app.CreateExchangeRate(ctx, in)
		})
}

func (s *Server) getExchangeRate() fiber.Handler {
	return getOne(rateView, func(ctx context.Context, c *fiber.Ctx) (ledger.ExchangeRate, error) {
		return s.app.ExchangeRate(ctx, c.Params("id"))
	})
}

func (s *Server) patchExchangeRate() fiber.Handler {
	return patchOne(rateView, ExchangeRateRequest.patch, func(ctx context.Context, c *fiber.Ctx, v int, p ledger.RatePatch) (ledger.ExchangeRate, error) {
		return s.app.UpdateExchangeRate(ctx, c.Params("id"), v, p)
	})
}

func (s *Server) deleteExchangeRate() fiber.Handler {
	return deleteOne(func(ctx context.Context, c *fiber.Ctx) error {
		return s.app.DeleteExchangeRate(ctx, c.Params("id"))
	})
}

// effectiveRate answers GET /exchange-rates/effective?currency=&date=
// [&base_currency=]: the rate that holds on date, or a 422 naming the pair
// and the date.
func (s *Server) effectiveRate() fiber.Handler {
	return func(c *fiber.Ctx) error {
		_, f, err := parseList(c, "currency", "base_currency", "date")
		if err != nil {
			return err
		}
		d, err := queryDays(f, "date")
		if err != nil {
			return err
		}
		rate, base, err := s.app.RateOn(c.UserContext(), f["currency"], f["base_currency"], d[0])
		if err != nil {
			return err
		}
		return send(c, fiber.StatusOK, 0, EffectiveRateJSON{Date: d[0].String(), Currency: strings.ToUpper(f["currency"]), BaseCurrency: base,
			Rate: fmtDec(rate, 0)})
	}
}
