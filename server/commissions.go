package server

import (
	"context"
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/commission"
)

// CommissionRuleJSON replaces the base rate where its condition holds.
type CommissionRuleJSON struct {
	Name      string `json:"name"`
	Condition string `json:"condition"`
	RatePct   *Dec   `json:"rate_pct"`
}

// ExclusionJSON names lines that earn nothing.
type ExclusionJSON struct {
	Name      string `json:"name"`
	Condition string `json:"condition"`
}

// CommissionPlanRequest creates a plan or changes one. Conditions are
// expressions over line (sku, product_id, family, quantity, unit_price,
// net, currency), account (name, segment, industry, tax_region, currency)
// and rep (user_id, quota, booked, attainment_pct, share_pct).
type CommissionPlanRequest struct {
	Name        *string               `json:"name" maxLength:"200"`
	Basis       *string               `json:"basis" enum:"invoiced,paid"`
	BaseRatePct *Dec                  `json:"base_rate_pct"`
	Rules       *[]CommissionRuleJSON `json:"rules"`
	Exclusions  *[]ExclusionJSON      `json:"exclusions"`
	ValidFrom   *string               `json:"valid_from" format:"date"`
	ValidTo     *string               `json:"valid_to" format:"date"`
	// RecurringBasis is what recurring deals pay on: each invoice
	// (invoiced, the default), or once at booking on the first-year value
	// (first_year) or total contract value (tcv) of each subscription.
	RecurringBasis *string `json:"recurring_basis" enum:"invoiced,first_year,tcv"`
	// ClawbackDays: a contract cancelled within this many days of its
	// start gives back its booking commission in proportion to the value
	// lost (0: never).
	ClawbackDays *int `json:"clawback_days" minimum:"0" maximum:"730"`
}

func (r CommissionPlanRequest) input() (commission.PlanInput, error) {
	p := quotient.Problems{}
	in := commission.PlanInput{Name: r.Name, Basis: (*commission.Basis)(r.Basis), BaseRatePct: r.BaseRatePct.Ptr(&p, "base_rate_pct"),
		ValidFrom: dayPatch(&p, "valid_from", r.ValidFrom), ValidTo: dayPatch(&p, "valid_to", r.ValidTo),
		RecurringBasis: (*commission.RecurringBasis)(r.RecurringBasis), ClawbackDays: r.ClawbackDays}
	if r.Rules != nil {
		rs := make([]commission.Rule, len(*r.Rules))
		for i, x := range *r.Rules {
			f := fmt.Sprintf("rules[%d].rate_pct", i)
			if x.RatePct == nil {
				p.Add(f, "is required")
			}
			rs[i] = commission.Rule{Name: x.Name, Condition: x.Condition, RatePct: x.RatePct.Value(&p, f)}
		}
		in.Rules = &rs
	}
	if r.Exclusions != nil {
		xs := make([]commission.Exclusion, len(*r.Exclusions))
		for i, x := range *r.Exclusions {
			xs[i] = commission.Exclusion{Name: x.Name, Condition: x.Condition}
		}
		in.Exclusions = &xs
	}
	return in, p.Err()
}

// CommissionRuleOutJSON is a plan's rule.
type CommissionRuleOutJSON struct {
	Name      string `json:"name"`
	Condition string `json:"condition"`
	RatePct   string `json:"rate_pct" format:"decimal"`
}

// CommissionPlanJSON is a commission plan.
type CommissionPlanJSON struct {
	ID             string                  `json:"id"`
	Name           string                  `json:"name"`
	Basis          string                  `json:"basis"`
	BaseRatePct    string                  `json:"base_rate_pct" format:"decimal"`
	Rules          []CommissionRuleOutJSON `json:"rules"`
	Exclusions     []ExclusionJSON         `json:"exclusions"`
	ValidFrom      string                  `json:"valid_from" format:"date"`
	ValidTo        *string                 `json:"valid_to" format:"date"`
	RecurringBasis string                  `json:"recurring_basis" enum:"invoiced,first_year,tcv"`
	ClawbackDays   int                     `json:"clawback_days"`
	Version        int                     `json:"version"`
	CreatedAt      time.Time               `json:"created_at"`
	UpdatedAt      time.Time               `json:"updated_at"`
}

func commissionPlanJSON(p commission.Plan) CommissionPlanJSON {
	out := CommissionPlanJSON{ID: p.ID, Name: p.Name, Basis: string(p.Basis), BaseRatePct: p.BaseRatePct.String(), Rules: []CommissionRuleOutJSON{},
		Exclusions: []ExclusionJSON{}, ValidFrom: p.ValidFrom.String(), ValidTo: optStr(p.ValidTo.String()), Version: p.Version, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt,
		RecurringBasis: string(p.RecurringBasis), ClawbackDays: p.ClawbackDays}
	for _, r := range p.Rules {
		out.Rules = append(out.Rules, CommissionRuleOutJSON{Name: r.Name, Condition: r.Condition, RatePct: r.RatePct.String()})
	}
	for _, x := range p.Exclusions {
		out.Exclusions = append(out.Exclusions, ExclusionJSON{Name: x.Name, Condition: x.Condition})
	}
	return out
}

var commissionPlanView = view[commission.Plan, CommissionPlanJSON]{version: func(p commission.Plan) int { return p.Version }, json: commissionPlanJSON}

func (s *Server) listCommissionPlans() fiber.Handler {
	return listOf(func(p commission.Plan) string { return p.ID }, commissionPlanJSON, nil,
		func(ctx context.Context, c *fiber.Ctx, p quotient.Page, _ map[string]string) ([]commission.Plan, error) {
			return s.app.CommissionPlans(ctx, p)
		})
}

func (s *Server) createCommissionPlan() fiber.Handler {
	return createOne(commissionPlanView, CommissionPlanRequest.input, func(p commission.Plan) string { return v1 + "/commission-plans/" + p.ID },
		func(ctx context.Context, c *fiber.Ctx, in commission.PlanInput) (commission.Plan, error) {
			return s.app.CreateCommissionPlan(ctx, in)
		})
}

func (s *Server) getCommissionPlan() fiber.Handler {
	return getOne(commissionPlanView, func(ctx context.Context, c *fiber.Ctx) (commission.Plan, error) {
		return s.app.CommissionPlan(ctx, c.Params("id"))
	})
}

func (s *Server) patchCommissionPlan() fiber.Handler {
	return patchOne(commissionPlanView, CommissionPlanRequest.input, func(ctx context.Context, c *fiber.Ctx, v int, in commission.PlanInput) (commission.Plan, error) {
		return s.app.UpdateCommissionPlan(ctx, c.Params("id"), v, in)
	})
}

// AssignmentRequest puts a user on a plan with a monthly quota.
type AssignmentRequest struct {
	UserID    string `json:"user_id"`
	ValidFrom string `json:"valid_from" format:"date"`
	ValidTo   string `json:"valid_to" format:"date"`
	Quota     *Dec   `json:"quota"`
	Currency  string `json:"currency" pattern:"^[A-Z]{3}$"`
}

func (r AssignmentRequest) input() (commission.AssignmentInput, error) {
	p := quotient.Problems{}
	in := commission.AssignmentInput{UserID: r.UserID, ValidFrom: p.Date("valid_from", r.ValidFrom, quotient.Optional),
		ValidTo: p.Date("valid_to", r.ValidTo, quotient.Optional), Quota: r.Quota.Value(&p, "quota"), Currency: r.Currency}
	return in, p.Err()
}

// AssignmentJSON is a user's assignment to a plan.
type AssignmentJSON struct {
	ID        string    `json:"id"`
	PlanID    string    `json:"plan_id"`
	UserID    string    `json:"user_id"`
	ValidFrom string    `json:"valid_from" format:"date"`
	ValidTo   *string   `json:"valid_to" format:"date"`
	Quota     string    `json:"quota" format:"decimal"`
	Currency  string    `json:"currency"`
	CreatedAt time.Time `json:"created_at"`
}

func assignmentJSON(a commission.Assignment) AssignmentJSON {
	return AssignmentJSON{ID: a.ID, PlanID: a.PlanID, UserID: a.UserID, ValidFrom: a.ValidFrom.String(), ValidTo: optStr(a.ValidTo.String()), Quota: a.Quota.String(),
		Currency: a.Currency, CreatedAt: a.CreatedAt}
}

func (s *Server) assignPlan() fiber.Handler {
	return func(c *fiber.Ctx) error {
		in, err := decodeWith(c, AssignmentRequest.input)
		if err != nil {
			return err
		}
		return commit(c, func(ctx context.Context) (commission.Assignment, error) {
			return s.app.AssignPlan(ctx, c.Params("id"), in)
		}, func(a commission.Assignment) response {
			return response{status: fiber.StatusCreated, body: assignmentJSON(a)}
		})
	}
}

func (s *Server) listAssignments() fiber.Handler {
	return listOf(func(a commission.Assignment) string { return a.ID }, assignmentJSON, nil,
		func(ctx context.Context, c *fiber.Ctx, p quotient.Page, _ map[string]string) ([]commission.Assignment, error) {
			as, err := s.app.Assignments(ctx, c.Params("id"))
			return pageAfter(as, func(a commission.Assignment) string { return a.ID }, p), err
		})
}

// SplitJSON is a rep's share of an opportunity's credit.
type SplitJSON struct {
	UserID string `json:"user_id"`
	Pct    *Dec   `json:"pct"`
}

// SplitsRequest replaces an opportunity's credit splits.
type SplitsRequest struct {
	Splits []SplitJSON `json:"splits"`
}

// SplitsJSON is an opportunity's credit splits.
type SplitsJSON struct {
	OpportunityID string         `json:"opportunity_id"`
	Splits        []SplitOutJSON `json:"splits"`
}

// SplitOutJSON is a share.
type SplitOutJSON struct {
	UserID string `json:"user_id"`
	Pct    string `json:"pct" format:"decimal"`
}

func (r SplitsRequest) input() ([]commission.Split, error) {
	p := quotient.Problems{}
	out := make([]commission.Split, len(r.Splits))
	for i, sp := range r.Splits {
		f := fmt.Sprintf("splits[%d].pct", i)
		if sp.Pct == nil {
			p.Add(f, "is required")
		}
		out[i] = commission.Split{UserID: sp.UserID, Pct: sp.Pct.Value(&p, f)}
	}
	return out, p.Err()
}

func splitsJSON(opp string, ss []commission.Split) SplitsJSON {
	out := SplitsJSON{OpportunityID: opp, Splits: []SplitOutJSON{}}
	for _, sp := range ss {
		out.Splits = append(out.Splits, SplitOutJSON{UserID: sp.UserID, Pct: sp.Pct.String()})
	}
	return out
}

func (s *Server) putSplits() fiber.Handler {
	return func(c *fiber.Ctx) error {
		in, err := decodeWith(c, SplitsRequest.input)
		if err != nil {
			return err
		}
		id := c.Params("id")
		return commit(c, func(ctx context.Context) ([]commission.Split, error) {
			return s.app.SetSplits(ctx, id, in)
		}, func(ss []commission.Split) response {
			return response{status: fiber.StatusOK, body: splitsJSON(id, ss)}
		})
	}
}

func (s *Server) getSplits() fiber.Handler {
	return func(c *fiber.Ctx) error {
		id := c.Params("id")
		ss, err := s.app.Splits(c.UserContext(), id)
		if err != nil {
			return err
		}
		return send(c, fiber.StatusOK, 0, splitsJSON(id, ss))
	}
}

type CommissionLineJSON struct {
	ID              string    `json:"id"`
	UserID          string    `json:"user_id"`
	PlanID          string    `json:"plan_id"`
	PlanVersion     int       `json:"plan_version"`
	SourceInvoiceID string    `json:"source_invoice_id"`
	InvoiceNumber   string    `json:"invoice_number"`
	OrderLineID     string    `json:"order_line_id"`
	SKU             string    `json:"sku"`
	SourceType      string    `json:"source_type" enum:"invoice,payment_allocation,credit_note"`
	SourceID        string    `json:"source_id"`
	Period          string    `json:"period"`
	Date            string    `json:"date" format:"date"`
	Currency        string    `json:"currency"`
	BasisAmount     string    `json:"basis_amount" format:"decimal"`
	SharePct        string    `json:"share_pct" format:"decimal"`
	RatePct         string    `json:"rate_pct" format:"decimal"`
	Amount          string    `json:"amount" format:"decimal"`
	Status          string    `json:"status" enum:"accrued,payable,paid,clawed_back"`
	Rule            string    `json:"rule"`
	Figures         string    `json:"figures"`
	JournalEntryID  *string   `json:"journal_entry_id"`
	CreatedAt       time.Time `json:"created_at"`
}

func commissionLineJSON(l commission.Line) CommissionLineJSON {
	m := func(n int64) string { return fmtMinor(n, l.Currency) }
	return CommissionLineJSON{ID: l.ID, UserID: l.UserID, PlanID: l.PlanID, PlanVersion: l.PlanVersion, SourceInvoiceID: l.InvoiceID,
		InvoiceNumber: l.InvoiceNumber, OrderLineID: l.OrderLineID, SKU: l.SKU, SourceType: l.SourceType, SourceID: l.SourceID, Period: l.Period,
		Date: l.Date.String(), Currency: l.Currency, BasisAmount: m(l.Basis), SharePct: l.SharePct.String(), RatePct: l.RatePct.String(), Amount: m(l.Amount),
		Status: string(l.Status), Rule: l.Rule, Figures: l.Figures, JournalEntryID: optStr(l.JournalEntryID), CreatedAt: l.CreatedAt}
}

var commissionFilter = []string{"user_id", "period", "invoice_id"}

func (s *Server) listCommissions() fiber.Handler {
	return listOf(func(l commission.Line) string { return l.ID }, commissionLineJSON, commissionFilter,
		func(ctx context.Context, c *fiber.Ctx, p quotient.Page, f map[string]string) ([]commission.Line, error) {
			return s.app.CommissionLines(ctx, commission.LineFilter{UserID: f["user_id"], Period: f["period"], InvoiceID: f["invoice_id"],
				Page: p})
		})
}

// CommissionTotalJSON is a statement's sums in one currency.
type CommissionTotalJSON struct {
	Currency   string `json:"currency"`
	Accrued    string `json:"accrued" format:"decimal"`
	Payable    string `json:"payable" format:"decimal"`
	Paid       string `json:"paid" format:"decimal"`
	ClawedBack string `json:"clawed_back" format:"decimal"`
	Total      string `json:"total" format:"decimal"`
}

// PayoutJSON is a statement paid in one currency.
type PayoutJSON struct {
	ID             string    `json:"id"`
	Currency       string    `json:"currency"`
	Amount         string    `json:"amount" format:"decimal"`
	JournalEntryID string    `json:"journal_entry_id"`
	PaidBy         string    `json:"paid_by"`
	CreatedAt      time.Time `json:"created_at"`
}

// CommissionStatementJSON is a rep's commission for a month: every line
// with its source invoice, basis, rate and amount, totals per currency
// (total is the first currency's, for one-currency statements), payouts.
type CommissionStatementJSON struct {
	UserID  string                `json:"user_id"`
	Period  string                `json:"period"`
	Lines   []CommissionLineJSON  `json:"lines"`
	Totals  []CommissionTotalJSON `json:"totals"`
	Total   string                `json:"total" format:"decimal"`
	Payouts []PayoutJSON          `json:"payouts"`
}

// PayoutsJSON is what paying a statement paid, per currency.
type PayoutsJSON struct {
	Payouts []PayoutJSON `json:"payouts"`
}

func payoutJSON(p commission.Payout) PayoutJSON {
	return PayoutJSON{ID: p.ID, Currency: p.Currency, Amount: fmtMinor(p.Amount, p.Currency), JournalEntryID: p.JournalEntryID, PaidBy: p.PaidBy,
		CreatedAt: p.CreatedAt}
}

func (s *Server) commissionStatement() fiber.Handler {
	return func(c *fiber.Ctx) error {
		if wantsPDF(c) {
			f, err := s.app.CommissionStatementPDF(c.UserContext(), c.Params("user_id"), c.Params("period"))
			return pdf(c, f, err)
		}
		st, err := s.app.CommissionStatement(c.UserContext(), c.Params("user_id"), c.Params("period"))
		if err != nil {
			return err
		}
		out := CommissionStatementJSON{UserID: st.UserID, Period: st.Period, Lines: mapSlice(st.Lines, commissionLineJSON),
			Totals: []CommissionTotalJSON{}, Total: "0", Payouts: mapSlice(st.Payouts, payoutJSON)}
		if out.Lines == nil {
			out.Lines = []CommissionLineJSON{}
		}
		if out.Payouts == nil {
			out.Payouts = []PayoutJSON{}
		}
		for i, t := range st.Totals {
			m := func(n int64) string { return fmtMinor(n, t.Currency) }
			out.Totals = append(out.Totals, CommissionTotalJSON{Currency: t.Currency, Accrued: m(t.Accrued), Payable: m(t.Payable), Paid: m(t.Paid),
				ClawedBack: m(t.ClawedBack), Total: m(t.Total)})
			if i == 0 {
				out.Total = m(t.Total)
			}
		}
		if wantsCSV(c) {
			rows := make([][]string, 0, len(out.Lines))
			for _, l := range out.Lines {
				rows = append(rows, []string{l.UserID, l.Period, l.Date, l.InvoiceNumber, l.SKU, l.SourceType, l.Currency, l.BasisAmount, l.SharePct,
					l.RatePct, l.Amount, l.Status, l.Rule})
			}
			return sendCSV(c, "commission-"+out.UserID+"-"+out.Period, []string{"user_id", "period", "date", "invoice", "sku", "source",
				"currency", "basis_amount", "share_pct", "rate_pct", "amount", "status", "rule"}, rows)
		}
		return send(c, fiber.StatusOK, 0, out)
	}
}

func (s *Server) payCommissionStatement() fiber.Handler {
	return func(c *fiber.Ctx) error {
		return commit(c, func(ctx context.Context) ([]commission.Payout, error) {
			return s.app.PayCommission(ctx, c.Params("user_id"), c.Params("period"))
		}, func(ps []commission.Payout) response {
			return response{status: fiber.StatusOK, body: PayoutsJSON{Payouts: mapSlice(ps, payoutJSON)}}
		})
	}
}

// RecalculateRequest asks to recompute a month's commission.
type RecalculateRequest struct {
	Period string `json:"period" pattern:"^[0-9]{4}-[0-9]{2}$"`
	UserID string `json:"user_id"`
}

// RecalculationJSON is what a recalculation adjusted.
type RecalculationJSON struct {
	ID     string               `json:"id"`
	Period string               `json:"period"`
	Lines  []CommissionLineJSON `json:"lines"`
}

func (s *Server) recalculateCommissions() fiber.Handler {
	return func(c *fiber.Ctx) error {
		in, err := decodeWith(c, func(r RecalculateRequest) (RecalculateRequest, error) { return r, nil })
		if err != nil {
			return err
		}
		return commit(c, func(ctx context.Context) (commission.Recalculation, error) {
			return s.app.RecalculateCommission(ctx, in.Period, in.UserID)
		}, func(r commission.Recalculation) response {
			out := RecalculationJSON{ID: r.ID, Period: r.Period, Lines: mapSlice(r.Lines, commissionLineJSON)}
			if out.Lines == nil {
				out.Lines = []CommissionLineJSON{}
			}
			return response{status: fiber.StatusOK, body: out}
		})
	}
}

// PerformanceJSON is a rep's month: quota and attainment (bookings over
// quota), bookings (orders net of tax), invoiced (net, less credit notes),
// paid (money applied to their invoices), commission, pipeline and win
// rate, in one currency.
type PerformanceJSON struct {
	UserID           string              `json:"user_id"`
	Period           string              `json:"period"`
	Currency         string              `json:"currency"`
	Quota            string              `json:"quota" format:"decimal"`
	Bookings         string              `json:"bookings" format:"decimal"`
	Invoiced         string              `json:"invoiced" format:"decimal"`
	Paid             string              `json:"paid" format:"decimal"`
	AttainmentPct    *string             `json:"attainment_pct" format:"decimal"`
	Commissions      CommissionTotalJSON `json:"commissions"`
	OpenPipeline     string              `json:"open_pipeline" format:"decimal"`
	WeightedPipeline string              `json:"weighted_pipeline" format:"decimal"`
	Won              int                 `json:"won"`
	Lost             int                 `json:"lost"`
	WinRatePct       *string             `json:"win_rate_pct" format:"decimal"`
}

var performanceQuery = []string{"period", "currency"}

func (s *Server) userPerformance() fiber.Handler {
	return func(c *fiber.Ctx) error {
		_, f, err := parseList(c, performanceQuery...)
		if err != nil {
			return err
		}
		p, err := s.app.Performance(c.UserContext(), c.Params("id"), f["period"], f["currency"])
		if err != nil {
			return err
		}
		m := func(n int64) string { return fmtMinor(n, p.Currency) }
		t := p.Commission
		return send(c, fiber.StatusOK, 0, PerformanceJSON{UserID: p.UserID, Period: p.Period, Currency: p.Currency, Quota: fmtMoney(p.Quota, p.Currency),
			Bookings: m(p.Figures.Bookings), Invoiced: m(p.Figures.Invoiced), Paid: m(p.Figures.Paid), AttainmentPct: decPtr(p.AttainmentPct),
			Commissions: CommissionTotalJSON{Currency: p.Currency, Accrued: m(t.Accrued), Payable: m(t.Payable), Paid: m(t.Paid), ClawedBack: m(t.ClawedBack),
				Total: m(t.Total)},
			OpenPipeline: fmtMoney(p.Pipeline, p.Currency), WeightedPipeline: fmtMoney(p.WeightedPipeline, p.Currency), Won: p.Figures.Won,
			Lost: p.Figures.Lost, WinRatePct: decPtr(p.WinRatePct)})
	}
}

// KPIJSON is the headline figures of a period in one currency; README
// defines each.
type KPIJSON struct {
	From                string  `json:"from" format:"date"`
	To                  string  `json:"to" format:"date"`
	Currency            string  `json:"currency"`
	Bookings            string  `json:"bookings" format:"decimal"`
	WinRatePct          *string `json:"win_rate_pct" format:"decimal"`
	AverageDiscountPct  *string `json:"average_discount_pct" format:"decimal"`
	QuoteToOrderPct     *string `json:"quote_to_order_pct" format:"decimal"`
	AverageDaysToAccept *string `json:"average_days_quote_to_acceptance" format:"decimal"`
	ARBalance           string  `json:"ar_balance" format:"decimal"`
	CreditSales         string  `json:"credit_sales" format:"decimal"`
	DSO                 *string `json:"dso_days" format:"decimal"`
	GrossProfit         string  `json:"gross_profit" format:"decimal"`
	Customers           int     `json:"customers"`
	CLV                 *string `json:"customer_lifetime_value" format:"decimal"`
	SalesCost           string  `json:"sales_cost" format:"decimal"`
	NewCustomers        int     `json:"new_customers"`
	CAC                 *string `json:"customer_acquisition_cost" format:"decimal"`
}

var kpiQuery = []string{"from", "to", "currency"}

func (s *Server) kpis() fiber.Handler {
	return func(c *fiber.Ctx) error {
		f, d, err := periodQuery(c)
		if err != nil {
			return err
		}
		k, err := s.app.KPIs(c.UserContext(), f["currency"], d[0], d[1])
		if err != nil {
			return err
		}
		m := func(n int64) string { return fmtMinor(n, k.Currency) }
		money := func(d *decimal.Decimal) *string {
			if d == nil {
				return nil
			}
			v := fmtMoney(*d, k.Currency)
			return &v
		}
		out := KPIJSON{From: k.From.String(), To: k.To.String(), Currency: k.Currency, Bookings: m(k.Bookings), WinRatePct: decPtr(k.WinRatePct),
			AverageDiscountPct: decPtr(k.AverageDiscountPct), QuoteToOrderPct: decPtr(k.QuoteToOrderPct), AverageDaysToAccept: decPtr(k.AverageDaysToAccept),
			ARBalance: m(k.ARBalance), CreditSales: m(k.Facts.InvoicedTotal), DSO: decPtr(k.DSO), GrossProfit: m(k.GrossProfit), Customers: k.Facts.Customers,
			CLV: money(k.CLV), SalesCost: m(k.SalesCost), NewCustomers: k.Facts.NewCustomers, CAC: money(k.CAC)}
		if wantsCSV(c) {
			str := func(p *string) string {
				if p == nil {
					return ""
				}
				return *p
			}
			return sendCSV(c, "kpis-"+out.Currency+"-"+out.From+"-"+out.To, []string{"kpi", "value"}, [][]string{
				{"bookings", out.Bookings}, {"win_rate_pct", str(out.WinRatePct)}, {"average_discount_pct", str(out.AverageDiscountPct)},
				{"quote_to_order_pct", str(out.QuoteToOrderPct)}, {"average_days_quote_to_acceptance", str(out.AverageDaysToAccept)},
				{"ar_balance", out.ARBalance}, {"credit_sales", out.CreditSales}, {"dso_days", str(out.DSO)}, {"gross_profit", out.GrossProfit},
				{"customers", fmt.Sprint(out.Customers)}, {"customer_lifetime_value", str(out.CLV)}, {"sales_cost", out.SalesCost},
				{"new_customers", fmt.Sprint(out.NewCustomers)}, {"customer_acquisition_cost", str(out.CAC)}})
		}
		return send(c, fiber.StatusOK, 0, out)
	}
}

// decPtr renders an optional decimal.
func decPtr(d *decimal.Decimal) *string {
	if d == nil {
		return nil
	}
	v := d.String()
	return &v
}
