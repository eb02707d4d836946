package server

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"github.com/quotient-cpq/quotient/ledger"
)

// RevaluationJSON is a currency's receivables revalued at a month's end:
// open in their currency, booked and worth in the base currency, the
// unrealized gain (positive) or loss, and the entries that post it and
// reverse it on the first of the next month (null until revalued).
type RevaluationJSON struct {
	Currency     string  `json:"currency"`
	Open         string  `json:"open" format:"decimal"`
	BaseCurrency string  `json:"base_currency"`
	Rate         string  `json:"rate" format:"decimal"`
	Booked       string  `json:"booked" format:"decimal"`
	Worth        string  `json:"worth" format:"decimal"`
	Difference   string  `json:"difference" format:"decimal"`
	EntryID      *string `json:"entry_id"`
	ReversalID   *string `json:"reversal_id"`
}

// RevaluationsJSON is a month's revaluation, per currency.
type RevaluationsJSON struct {
	Period     string            `json:"period"`
	Revalued   bool              `json:"revalued"`
	Currencies []RevaluationJSON `json:"currencies"`
}

func revaluationsJSON(period, base string, rs []ledger.Revalued) RevaluationsJSON {
	out := RevaluationsJSON{Period: period, Revalued: true, Currencies: []RevaluationJSON{}}
	for _, r := range rs {
		j := RevaluationJSON{Currency: r.Currency, Open: fmtMinor(r.Open, r.Currency), BaseCurrency: base, Rate: r.Rate,
			Booked: fmtMinor(r.Booked, base), Worth: fmtMinor(r.Worth, base), Difference: fmtMinor(r.Worth-r.Booked, base),
			EntryID: optStr(r.Entry.ID), ReversalID: optStr(r.Back.ID)}
		if r.Back.ID == "" && r.Entry.ReversedBy != "" {
			j.ReversalID = optStr(r.Entry.ReversedBy)
		}
		if r.Worth != r.Booked && r.Entry.ID == "" {
			out.Revalued = false
		}
		out.Currencies = append(out.Currencies, j)
	}
	return out
}

// revaluation is GET /ledger/periods/{period}/revaluation.
func (s *Server) revaluation() fiber.Handler {
	return func(c *fiber.Ctx) error {
		rs, err := s.app.Revaluations(c.UserContext(), c.Params("period"))
		if err != nil {
			return err
		}
		return send(c, fiber.StatusOK, 0, revaluationsJSON(c.Params("period"), s.baseOf(c), rs))
	}
}

// revalue is POST /ledger/periods/{period}/revalue.
func (s *Server) revalue() fiber.Handler {
	return func(c *fiber.Ctx) error {
		period, base := c.Params("period"), s.baseOf(c)
		return commit(c, func(ctx context.Context) ([]ledger.Revalued, error) { return s.app.Revalue(ctx, period) },
			func(rs []ledger.Revalued) response {
				return response{status: fiber.StatusOK, body: revaluationsJSON(period, base, rs)}
			})
	}
}

// baseOf is the company's base currency as the caller reads it.
func (s *Server) baseOf(c *fiber.Ctx) string {
	st, err := s.app.Settings(c.UserContext())
	if err != nil {
		return ledger.DefaultBaseCurrency
	}
	return st.BaseCurrency
}
