package server

import (
	"fmt"

	"github.com/gofiber/fiber/v2"
	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/contract"
)

// fmtShown writes an exact figure rounded to the currency's minor unit
// (half away from zero): the one rounding point of the subscription
// metrics.
func fmtShown(d decimal.Decimal, currency string) string {
	c, _ := quotient.LookupCurrency(currency)
	return c.Format(c.Round(d))
}

// pct2 writes an optional percentage to two places.
func pct2(d *decimal.Decimal) *string {
	if d == nil {
		return nil
	}
	v := d.StringFixed(2)
	return &v
}

// MRRMonthJSON is a month's MRR and how it moved from the month before.
type MRRMonthJSON struct {
	Month       string `json:"month"`
	MRR         string `json:"mrr" format:"decimal"`
	New         string `json:"new" format:"decimal"`
	Expansion   string `json:"expansion" format:"decimal"`
	Contraction string `json:"contraction" format:"decimal"`
	Churn       string `json:"churn" format:"decimal"`
	Customers   int    `json:"customers"`
}

// SubscriptionMetricsJSON is MRR month by month, retention and renewals.
type SubscriptionMetricsJSON struct {
	From           string         `json:"from" format:"date"`
	To             string         `json:"to" format:"date"`
	Currency       string         `json:"currency"`
	MRR            string         `json:"mrr" format:"decimal"`
	ARR            string         `json:"arr" format:"decimal"`
	StartMRR       string         `json:"start_mrr" format:"decimal"`
	NRRPct         *string        `json:"nrr_pct" format:"decimal"`
	GRRPct         *string        `json:"grr_pct" format:"decimal"`
	Renewed        int            `json:"renewed"`
	RenewalsDue    int            `json:"renewals_due"`
	RenewalRatePct *string        `json:"renewal_rate_pct" format:"decimal"`
	Months         []MRRMonthJSON `json:"months"`
}

func metricsJSON(m contract.Metrics) SubscriptionMetricsJSON {
	f := func(d decimal.Decimal) string { return fmtShown(d, m.Currency) }
	out := SubscriptionMetricsJSON{From: m.From.String(), To: m.To.String(), Currency: m.Currency, MRR: f(m.MRR), ARR: f(m.ARR),
		StartMRR: f(m.StartMRR), NRRPct: pct2(m.NRRPct), GRRPct: pct2(m.GRRPct), Renewed: m.Renewed, RenewalsDue: m.RenewalsDue,
		RenewalRatePct: pct2(m.RenewalRatePct), Months: []MRRMonthJSON{}}
	for _, mm := range m.Months {
		out.Months = append(out.Months, MRRMonthJSON{Month: mm.Month, MRR: f(mm.MRR), New: f(mm.New), Expansion: f(mm.Expansion),
			Contraction: f(mm.Contraction), Churn: f(mm.Churn), Customers: mm.Customers})
	}
	return out
}

// periodQuery reads a period report's query: currency, from and to.
func periodQuery(c *fiber.Ctx) (map[string]string, []quotient.Date, error) {
	_, f, err := parseList(c, kpiQuery...)
	if err != nil {
		return nil, nil, err
	}
	d, err := queryDays(f, "from", "to")
	return f, d, err
}

func (s *Server) subscriptionMetrics() fiber.Handler {
	return func(c *fiber.Ctx) error {
		f, d, err := periodQuery(c)
		if err != nil {
			return err
		}
		m, err := s.app.SubscriptionMetrics(c.UserContext(), f["currency"], d[0], d[1])
		if err != nil {
			return err
		}
		out := metricsJSON(m)
		if wantsCSV(c) {
			rows := [][]string{}
			for _, mm := range out.Months {
				rows = append(rows, []string{mm.Month, out.Currency, mm.MRR, mm.New, mm.Expansion, mm.Contraction, mm.Churn, fmt.Sprint(mm.Customers)})
			}
			return sendCSV(c, "subscription-metrics-"+out.Currency+"-"+out.From+"-"+out.To,
				[]string{"month", "currency", "mrr", "new", "expansion", "contraction", "churn", "customers"}, rows)
		}
		return send(c, fiber.StatusOK, 0, out)
	}
}

// RevenueMonthJSON is a month of the revenue schedule in a currency.
type RevenueMonthJSON struct {
	Month        string `json:"month"`
	Currency     string `json:"currency"`
	Scheduled    string `json:"scheduled" format:"decimal"`
	Recognised   string `json:"recognised" format:"decimal"`
	Unrecognised string `json:"unrecognised" format:"decimal"`
}

// RevenueScheduleJSON is the revenue waterfall: by month, what the
// schedules recognise and what of it is posted.
type RevenueScheduleJSON struct {
	From   string             `json:"from" format:"date"`
	To     string             `json:"to" format:"date"`
	Months []RevenueMonthJSON `json:"months"`
}

func (s *Server) revenueSchedule() fiber.Handler {
	return func(c *fiber.Ctx) error {
		f, d, err := periodQuery(c)
		if err != nil {
			return err
		}
		w, err := s.app.RevenueSchedule(c.UserContext(), f["currency"], d[0], d[1])
		if err != nil {
			return err
		}
		out := RevenueScheduleJSON{From: w.From.String(), To: w.To.String(), Months: []RevenueMonthJSON{}}
		for _, m := range w.Months {
			out.Months = append(out.Months, RevenueMonthJSON{Month: m.Month, Currency: m.Currency, Scheduled: fmtMinor(m.Scheduled, m.Currency),
				Recognised: fmtMinor(m.Recognised, m.Currency), Unrecognised: fmtMinor(m.Scheduled-m.Recognised, m.Currency)})
		}
		if wantsCSV(c) {
			rows := [][]string{}
			for _, m := range out.Months {
				rows = append(rows, []string{m.Month, m.Currency, m.Scheduled, m.Recognised, m.Unrecognised})
			}
			return sendCSV(c, "revenue-schedule-"+out.From+"-"+out.To, []string{"month", "currency", "scheduled", "recognised", "unrecognised"}, rows)
		}
		return send(c, fiber.StatusOK, 0, out)
	}
}
