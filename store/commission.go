package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/commission"
)

const planCols = `id, name, basis, base_rate_pct, rules, exclusions, valid_from, valid_to, version, created_at, updated_at, recurring_basis, clawback_days`

type planRow struct {
	ID         string        `db:"id"`
	Name       string        `db:"name"`
	Basis      string        `db:"basis"`
	BaseRate   dbDec         `db:"base_rate_pct"`
	Rules      string        `db:"rules"`
	Exclusions string        `db:"exclusions"`
	ValidFrom  quotient.Date `db:"valid_from"`
	ValidTo    quotient.Date `db:"valid_to"`
	Version    int           `db:"version"`
	CreatedAt  dbTime        `db:"created_at"`
	UpdatedAt  dbTime        `db:"updated_at"`
	Recurring  string        `db:"recurring_basis"`
	Clawback   int           `db:"clawback_days"`
}

type ruleJSON struct {
	Name      string `json:"name"`
	Condition string `json:"condition"`
	RatePct   string `json:"rate_pct,omitempty"`
}

func (r planRow) plan() (commission.Plan, error) {
	p := commission.Plan{ID: r.ID, Name: r.Name, Basis: commission.Basis(r.Basis), BaseRatePct: r.BaseRate.Decimal, ValidFrom: r.ValidFrom, ValidTo: r.ValidTo, Version: r.Version,
		CreatedAt: r.CreatedAt.Time, UpdatedAt: r.UpdatedAt.Time, RecurringBasis: commission.RecurringBasis(r.Recurring), ClawbackDays: r.Clawback}
	var rs, xs []ruleJSON
	if err := json.Unmarshal([]byte(r.Rules), &rs); err != nil {
		return p, err
	}
	if err := json.Unmarshal([]byte(r.Exclusions), &xs); err != nil {
		return p, err
	}
	for _, x := range rs {
		var d dbDec
		if err := d.Scan(x.RatePct); err != nil {
			return p, err
		}
		p.Rules = append(p.Rules, commission.Rule{Name: x.Name, Condition: x.Condition, RatePct: d.Decimal})
	}
	for _, x := range xs {
		p.Exclusions = append(p.Exclusions, commission.Exclusion{Name: x.Name, Condition: x.Condition})
	}
	return p, nil
}

func planJSON(p commission.Plan) (string, string) {
	rs, xs := []ruleJSON{}, []ruleJSON{}
	for _, r := range p.Rules {
		rs = append(rs, ruleJSON{Name: r.Name, Condition: r.Condition, RatePct: r.RatePct.String()})
	}
	for _, x := range p.Exclusions {
		xs = append(xs, ruleJSON{Name: x.Name, Condition: x.Condition})
	}
	a, _ := json.Marshal(rs)
	b, _ := json.Marshal(xs)
	return string(a), string(b)
}

// InsertPlan stores a commission plan.
func (t *Tx) InsertPlan(ctx context.Context, p commission.Plan) error {
	rs, xs := planJSON(p)
	_, err := t.exec(ctx, `INSERT INTO commission_plans (`+planCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.ID, p.Name, string(p.Basis),
		dec(p.BaseRatePct), rs, xs, p.ValidFrom, p.ValidTo, p.Version, t.ts(p.CreatedAt), t.ts(p.UpdatedAt), string(p.RecurringBasis), p.ClawbackDays)
	return err
}

// UpdatePlan stores a plan if it is still at version old.
func (t *Tx) UpdatePlan(ctx context.Context, p commission.Plan, old int) error {
	rs, xs := planJSON(p)
	return t.versioned(ctx, "commission_plans", "commission plan", p.ID, `UPDATE commission_plans SET name = ?, basis = ?, base_rate_pct = ?,
		rules = ?, exclusions = ?, valid_from = ?, valid_to = ?, version = ?, updated_at = ?, recurring_basis = ?, clawback_days = ? WHERE id = ? AND version = ?`,
		p.Name, string(p.Basis), dec(p.BaseRatePct), rs, xs, p.ValidFrom, p.ValidTo, p.Version, t.ts(p.UpdatedAt), string(p.RecurringBasis), p.ClawbackDays, p.ID, old)
}

// GetPlan loads a plan.
func (t *Tx) GetPlan(ctx context.Context, id string) (commission.Plan, error) {
	var r planRow
	if err := t.get(ctx, &r, `SELECT `+planCols+` FROM commission_plans WHERE id = ?`, id); err != nil {
		return commission.Plan{}, getOr(err, "commission plan", id)
	}
	return r.plan()
}

// ListPlans lists plans by id.
func (t *Tx) ListPlans(ctx context.Context, r quotient.Reach, p quotient.Page) ([]commission.Plan, error) {
	limit, after := p.Limit, p.After
	var where []string
	var args []any
	if !r.All {
		assigned, users := inSet("user_id", r.Users)
		where, args = append(where, "id IN (SELECT plan_id FROM commission_assignments WHERE "+assigned+")"), users
	}
	var rows []planRow
	if err := t.list(ctx, &rows, planCols, "commission_plans", where, args, after, limit); err != nil {
		return nil, err
	}
	out := make([]commission.Plan, len(rows))
	for i, r := range rows {
		p, err := r.plan()
		if err != nil {
			return nil, err
		}
		out[i] = p
	}
	return out, nil
}

const assignmentCols = `id, plan_id, user_id, valid_from, valid_to, quota, currency, created_at`

type assignmentRow struct {
	ID        string        `db:"id"`
	PlanID    string        `db:"plan_id"`
	UserID    string        `db:"user_id"`
	ValidFrom quotient.Date `db:"valid_from"`
	ValidTo   quotient.Date `db:"valid_to"`
	Quota     dbDec         `db:"quota"`
	Currency  string        `db:"currency"`
	CreatedAt dbTime        `db:"created_at"`
}

func (r assignmentRow) assignment() commission.Assignment {
	a := commission.Assignment{ID: r.ID, PlanID: r.PlanID, UserID: r.UserID, ValidFrom: r.ValidFrom, ValidTo: r.ValidTo, Quota: r.Quota.Decimal, Currency: r.Currency,
		CreatedAt: r.CreatedAt.Time}
	return a
}

// InsertAssignment stores an assignment.
func (t *Tx) InsertAssignment(ctx context.Context, a commission.Assignment) error {
	_, err := t.exec(ctx, `INSERT INTO commission_assignments (`+assignmentCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, a.ID, a.PlanID, a.UserID,
		a.ValidFrom, a.ValidTo, dec(a.Quota), a.Currency, t.ts(a.CreatedAt))
	return err
}

// ListAssignments lists a plan's assignments.
func (t *Tx) ListAssignments(ctx context.Context, planID string) ([]commission.Assignment, error) {
	var rows []assignmentRow
	if err := t.sel(ctx, &rows, `SELECT `+assignmentCols+` FROM commission_assignments WHERE plan_id = ? ORDER BY id`, planID); err != nil {
		return nil, err
	}
	out := make([]commission.Assignment, len(rows))
	for i, r := range rows {
		out[i] = r.assignment()
	}
	return out, nil
}

// UserAssignments lists a user's assignments.
func (t *Tx) UserAssignments(ctx context.Context, userID string) ([]commission.Assignment, error) {
	var rows []assignmentRow
	if err := t.sel(ctx, &rows, `SELECT `+assignmentCols+` FROM commission_assignments WHERE user_id = ? ORDER BY valid_from`, userID); err != nil {
		return nil, err
	}
	out := make([]commission.Assignment, len(rows))
	for i, r := range rows {
		out[i] = r.assignment()
	}
	return out, nil
}

// AssignmentOn is a user's latest assignment in force on a day, with its plan.
func (t *Tx) AssignmentOn(ctx context.Context, userID string, day quotient.Date) (commission.Assignment, commission.Plan, bool, error) {
	var rows []assignmentRow
	if err := t.sel(ctx, &rows, `SELECT `+assignmentCols+` FROM commission_assignments WHERE user_id = ? AND valid_from <= ?
		AND (valid_to IS NULL OR valid_to >= ?) ORDER BY valid_from DESC, id DESC LIMIT 1`, userID, day, day); err != nil || len(rows) == 0 {
		return commission.Assignment{}, commission.Plan{}, false, err
	}
	a := rows[0].assignment()
	p, err := t.GetPlan(ctx, a.PlanID)
	return a, p, err == nil, err
}

// SetSplits replaces an opportunity's credit splits.
func (t *Tx) SetSplits(ctx context.Context, opportunityID string, splits []commission.Split) error {
	if _, err := t.exec(ctx, `DELETE FROM opportunity_splits WHERE opportunity_id = ?`, opportunityID); err != nil {
		return err
	}
	for _, s := range splits {
		if _, err := t.exec(ctx, `INSERT INTO opportunity_splits (opportunity_id, user_id, pct) VALUES (?, ?, ?)`, opportunityID, s.UserID, dec(s.Pct)); err != nil {
			return err
		}
	}
	return nil
}

// Splits lists an opportunity's credit splits.
func (t *Tx) Splits(ctx context.Context, opportunityID string) ([]commission.Split, error) {
	var rows []struct {
		UserID string `db:"user_id"`
		Pct    dbDec  `db:"pct"`
	}
	if err := t.sel(ctx, &rows, `SELECT user_id, pct FROM opportunity_splits WHERE opportunity_id = ? ORDER BY user_id`, opportunityID); err != nil {
		return nil, err
	}
	out := make([]commission.Split, len(rows))
	for i, r := range rows {
		out[i] = commission.Split{UserID: r.UserID, Pct: r.Pct.Decimal}
	}
	return out, nil
}

// UserExists reports whether a user exists.
func (t *Tx) UserExists(ctx context.Context, id string) (bool, error) {
	var n int
	err := t.get(ctx, &n, `SELECT COUNT(*) FROM users WHERE id = ?`, id)
	return n == 1, err
}

// InvoiceCredit names an invoice's order owner and its quote's opportunity.
func (t *Tx) InvoiceCredit(ctx context.Context, invoiceID string) (string, string, error) {
	var r struct {
		Owner string  `db:"owner_id"`
		Opp   *string `db:"opportunity_id"`
	}
	if err := t.get(ctx, &r, `SELECT o.owner_id, q.opportunity_id FROM invoices i JOIN orders o ON o.id = i.order_id
		JOIN quotes q ON q.id = o.quote_id WHERE i.id = ?`, invoiceID); err != nil {
		return "", "", getOr(err, "invoice", invoiceID)
	}
	return r.Owner, deref(r.Opp), nil
}

// Booked sums the basis of a user's lines in a period and currency,
// leaving out excluded items (they do not count towards quota).
func (t *Tx) Booked(ctx context.Context, userID, period, currency string) (int64, error) {
	var n int64
	err := t.get(ctx, &n, `SELECT COALESCE(SUM(basis_minor), 0) FROM commission_lines WHERE user_id = ? AND period = ? AND currency = ?
		AND NOT excluded`, userID, period, currency)
	return n, err
}

const commissionLineCols = `l.id, l.user_id, l.plan_id, l.plan_version, l.invoice_id, i.number AS invoice_number, l.order_line_id, l.sku, l.source_type,
	l.source_id, l.period, l.day, l.currency, l.basis_minor, l.share_pct, l.rate_pct, l.amount_minor, l.status, l.rule, l.excluded, l.figures,
	l.journal_entry_id, l.payout_id, l.created_at`

// InsertCommissionLine stores a commission line.
func (t *Tx) InsertCommissionLine(ctx context.Context, l commission.Line) error {
	_, err := t.exec(ctx, `INSERT INTO commission_lines (id, user_id, plan_id, plan_version, invoice_id, order_line_id, sku, source_type, source_id,
		period, day, currency, basis_minor, share_pct, rate_pct, amount_minor, status, rule, excluded, figures, journal_entry_id, payout_id, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, l.ID, l.UserID, l.PlanID, l.PlanVersion, l.InvoiceID, l.OrderLineID,
		l.SKU, l.SourceType, l.SourceID, l.Period, l.Date, l.Currency, l.Basis, dec(l.SharePct), dec(l.RatePct), l.Amount, string(l.Status), l.Rule,
		l.Excluded, l.Figures, nullable(l.JournalEntryID), nullable(l.PayoutID), t.ts(l.CreatedAt))
	return err
}

// CommissionLines lists commission lines, oldest first.
func (t *Tx) CommissionLines(ctx context.Context, f commission.LineFilter) ([]commission.Line, error) {
	var where []string
	var args []any
	where, args = eq(where, args, "l.user_id", f.UserID)
	where, args = eq(where, args, "l.period", f.Period)
	where, args = eq(where, args, "l.invoice_id", f.InvoiceID)
	if f.After != "" {
		where, args = append(where, "l.id > ?"), append(args, f.After)
	}
	q := `SELECT ` + commissionLineCols + ` FROM commission_lines l JOIN invoices i ON i.id = l.invoice_id`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 1000
	}
	var rows []struct {
		ID            string        `db:"id"`
		UserID        string        `db:"user_id"`
		PlanID        string        `db:"plan_id"`
		PlanVersion   int           `db:"plan_version"`
		InvoiceID     string        `db:"invoice_id"`
		InvoiceNumber string        `db:"invoice_number"`
		OrderLineID   string        `db:"order_line_id"`
		SKU           string        `db:"sku"`
		SourceType    string        `db:"source_type"`
		SourceID      string        `db:"source_id"`
		Period        string        `db:"period"`
		Day           quotient.Date `db:"day"`
		Currency      string        `db:"currency"`
		Basis         int64         `db:"basis_minor"`
		Share         dbDec         `db:"share_pct"`
		Rate          dbDec         `db:"rate_pct"`
		Amount        int64         `db:"amount_minor"`
		Status        string        `db:"status"`
		Rule          string        `db:"rule"`
		Excluded      bool          `db:"excluded"`
		Figures       string        `db:"figures"`
		Entry         *string       `db:"journal_entry_id"`
		Payout        *string       `db:"payout_id"`
		CreatedAt     dbTime        `db:"created_at"`
	}
	if err := t.sel(ctx, &rows, q+` ORDER BY l.id LIMIT ?`, append(args, limit)...); err != nil {
		return nil, err
	}
	out := make([]commission.Line, len(rows))
	for i, r := range rows {
		out[i] = commission.Line{ID: r.ID, UserID: r.UserID, PlanID: r.PlanID, PlanVersion: r.PlanVersion, InvoiceID: r.InvoiceID,
			InvoiceNumber: r.InvoiceNumber, OrderLineID: r.OrderLineID, SKU: r.SKU, SourceType: r.SourceType, SourceID: r.SourceID, Period: r.Period,
			Date: r.Day, Currency: r.Currency, Basis: r.Basis, SharePct: r.Share.Decimal, RatePct: r.Rate.Decimal, Amount: r.Amount,
			Status: commission.Status(r.Status), Rule: r.Rule, Excluded: r.Excluded, Figures: r.Figures, JournalEntryID: deref(r.Entry), PayoutID: deref(r.Payout), CreatedAt: r.CreatedAt.Time}
	}
	return out, nil
}

// MarkPayable makes an invoice's accrued lines payable.
func (t *Tx) MarkPayable(ctx context.Context, invoiceID string) error {
	_, err := t.exec(ctx, `UPDATE commission_lines SET status = 'payable' WHERE invoice_id = ? AND status = 'accrued'`, invoiceID)
	return err
}

// SettleLines puts a user's unsettled payable and clawed-back lines of a
// period and currency into a payout and returns their sum.
func (t *Tx) SettleLines(ctx context.Context, userID, period, currency, payoutID string) (int64, error) {
	var sum int64
	if err := t.get(ctx, &sum, `SELECT COALESCE(SUM(amount_minor), 0) FROM commission_lines WHERE user_id = ? AND period = ? AND currency = ?
		AND payout_id IS NULL AND status IN ('payable', 'clawed_back')`, userID, period, currency); err != nil {
		return 0, err
	}
	_, err := t.exec(ctx, `UPDATE commission_lines SET payout_id = ?, status = CASE WHEN status = 'payable' THEN 'paid' ELSE status END
		WHERE user_id = ? AND period = ? AND currency = ? AND payout_id IS NULL AND status IN ('payable', 'clawed_back')`,
		payoutID, userID, period, currency)
	return sum, err
}

// InsertPayout stores a payout.
func (t *Tx) InsertPayout(ctx context.Context, p commission.Payout) error {
	_, err := t.exec(ctx, `INSERT INTO commission_payouts (id, user_id, period, currency, amount_minor, journal_entry_id, paid_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, p.ID, p.UserID, p.Period, p.Currency, p.Amount, p.JournalEntryID, p.PaidBy, t.ts(p.CreatedAt))
	return err
}

// Payouts lists a user's payouts of a period.
func (t *Tx) Payouts(ctx context.Context, userID, period string) ([]commission.Payout, error) {
	var rows []struct {
		ID        string `db:"id"`
		Currency  string `db:"currency"`
		Amount    int64  `db:"amount_minor"`
		Entry     string `db:"journal_entry_id"`
		PaidBy    string `db:"paid_by"`
		CreatedAt dbTime `db:"created_at"`
	}
	if err := t.sel(ctx, &rows, `SELECT id, currency, amount_minor, journal_entry_id, paid_by, created_at FROM commission_payouts
		WHERE user_id = ? AND period = ? ORDER BY id`, userID, period); err != nil {
		return nil, err
	}
	out := make([]commission.Payout, len(rows))
	for i, r := range rows {
		out[i] = commission.Payout{ID: r.ID, UserID: userID, Period: period, Currency: r.Currency, Amount: r.Amount, JournalEntryID: r.Entry,
			PaidBy: r.PaidBy, CreatedAt: r.CreatedAt.Time}
	}
	return out, nil
}

var _ commission.StatementStore = (*Tx)(nil)

// instants turns two dates into the bounds of timestamps within them: the
// first instant of from and the first instant after to (exclusive).
func (t *Tx) instants(from, to quotient.Date) (any, any) {
	return t.ts(from.Time()), t.ts(to.AddDays(1).Time())
}

// SalesFigures sums a rep's results in a currency between two dates.
func (t *Tx) SalesFigures(ctx context.Context, userID, currency string, from, to quotient.Date) (commission.SalesFigures, error) {
	var out commission.SalesFigures
	var r struct {
		Bookings int64 `db:"bookings"`
		Invoiced int64 `db:"invoiced"`
		Credited int64 `db:"credited"`
		Paid     int64 `db:"paid"`
	}
	start, end := t.instants(from, to)
	if err := t.get(ctx, &r, `SELECT
		COALESCE((SELECT SUM(total_minor - tax_minor) FROM orders WHERE owner_id = ? AND currency = ? AND status <> 'cancelled'
			AND created_at >= ? AND created_at < ?), 0) AS bookings,
		COALESCE((SELECT SUM(i.net_minor) FROM invoices i JOIN orders o ON o.id = i.order_id WHERE o.owner_id = ? AND i.currency = ?
			AND i.issue_date >= ? AND i.issue_date <= ?), 0) AS invoiced,
		COALESCE((SELECT SUM(c.net_minor) FROM credit_notes c JOIN invoices i ON i.id = c.invoice_id JOIN orders o ON o.id = i.order_id
			WHERE o.owner_id = ? AND c.currency = ? AND c.issue_date >= ? AND c.issue_date <= ?), 0) AS credited,
		COALESCE((SELECT SUM(a.amount_minor) FROM payment_allocations a JOIN invoices i ON i.id = a.invoice_id JOIN orders o ON o.id = i.order_id
			WHERE o.owner_id = ? AND i.currency = ? AND a.applied_on >= ? AND a.applied_on <= ?), 0) AS paid`,
		userID, currency, start, end, userID, currency, from, to, userID, currency, from, to,
		userID, currency, from, to); err != nil {
		return out, err
	}
	out.Bookings, out.Invoiced, out.Paid = r.Bookings, r.Invoiced-r.Credited, r.Paid
	var opps []struct {
		Stage       string        `db:"stage"`
		Amount      dbDec         `db:"amount"`
		Probability dbDec         `db:"probability"`
		CloseDate   quotient.Date `db:"close_date"`
	}
	if err := t.sel(ctx, &opps, `SELECT stage, amount, probability, close_date FROM opportunities WHERE owner_id = ? AND currency = ?`, userID, currency); err != nil {
		return out, err
	}
	for _, o := range opps {
		inPeriod := !o.CloseDate.IsZero() && o.CloseDate.Within(from, to)
		switch {
		case o.Stage == "closed_won" && inPeriod:
			out.Won++
		case o.Stage == "closed_lost" && inPeriod:
			out.Lost++
		case o.Stage != "closed_won" && o.Stage != "closed_lost":
			out.Pipeline = append(out.Pipeline, commission.OpenOpportunity{Amount: o.Amount.Decimal, Probability: o.Probability.Decimal})
		}
	}
	return out, nil
}

var _ commission.PerformanceStore = (*Tx)(nil)

// KPIFacts gathers the sales facts of a period in a currency.
func (t *Tx) KPIFacts(ctx context.Context, currency string, from, to quotient.Date) (commission.KPIFacts, error) {
	var out commission.KPIFacts
	s, e := t.instants(from, to)
	var r struct {
		Net       int64 `db:"net"`
		Subtotal  int64 `db:"subtotal"`
		Discount  int64 `db:"discount"`
		Quotes    int   `db:"quotes"`
		Converted int   `db:"converted"`
		Invoiced  int64 `db:"invoiced"`
		Customers int   `db:"customers"`
		New       int   `db:"new_customers"`
	}
	if err := t.get(ctx, &r, `SELECT
		COALESCE((SELECT SUM(total_minor - tax_minor) FROM orders WHERE currency = ? AND status <> 'cancelled' AND created_at >= ? AND created_at < ?), 0) AS net,
		COALESCE((SELECT SUM(subtotal_minor) FROM orders WHERE currency = ? AND status <> 'cancelled' AND created_at >= ? AND created_at < ?), 0) AS subtotal,
		COALESCE((SELECT SUM(discount_minor) FROM orders WHERE currency = ? AND status <> 'cancelled' AND created_at >= ? AND created_at < ?), 0) AS discount,
		(SELECT COUNT(*) FROM quotes WHERE currency = ? AND created_at >= ? AND created_at < ?) AS quotes,
		(SELECT COUNT(*) FROM quotes q JOIN orders o ON o.quote_id = q.id WHERE q.currency = ? AND q.created_at >= ? AND q.created_at < ?) AS converted,
		COALESCE((SELECT SUM(total_minor) FROM invoices WHERE currency = ? AND status <> 'void' AND issue_date >= ? AND issue_date <= ?), 0) AS invoiced,
		(SELECT COUNT(DISTINCT account_id) FROM invoices WHERE currency = ? AND issue_date <= ?) AS customers,
		(SELECT COUNT(*) FROM (SELECT account_id FROM invoices WHERE currency = ? GROUP BY account_id HAVING MIN(issue_date) >= ? AND MIN(issue_date) <= ?) f) AS new_customers`,
		currency, s, e, currency, s, e, currency, s, e, currency, s, e, currency, s, e, currency, from, to, currency, to,
		currency, from, to); err != nil {
		return out, err
	}
	out.OrdersNet, out.OrdersSubtotal, out.OrdersDiscount = r.Net, r.Subtotal, r.Discount
	out.QuotesCreated, out.QuotesConverted, out.InvoicedTotal, out.Customers, out.NewCustomers = r.Quotes, r.Converted, r.Invoiced, r.Customers, r.New
	var pairs []struct {
		Quoted  dbTime `db:"quoted"`
		Ordered dbTime `db:"ordered"`
	}
	if err := t.sel(ctx, &pairs, `SELECT q.created_at AS quoted, o.created_at AS ordered FROM orders o JOIN quotes q ON q.id = o.quote_id
		WHERE o.currency = ? AND o.created_at >= ? AND o.created_at < ? LIMIT 100000`, currency, s, e); err != nil {
		return out, err
	}
	for _, p := range pairs {
		out.SecondsToAccept = append(out.SecondsToAccept, int64(p.Ordered.Sub(p.Quoted.Time)/time.Second))
	}
	var opps []struct {
		Stage string `db:"stage"`
		N     int    `db:"n"`
	}
	if err := t.sel(ctx, &opps, `SELECT stage, COUNT(*) AS n FROM opportunities WHERE currency = ? AND stage IN ('closed_won', 'closed_lost')
		AND close_date >= ? AND close_date <= ? GROUP BY stage`, currency, from, to); err != nil {
		return out, err
	}
	for _, o := range opps {
		if o.Stage == "closed_won" {
			out.Won = o.N
		} else {
			out.Lost = o.N
		}
	}
	return out, nil
}

var _ commission.KPIStore = (*Tx)(nil)

// CommissionBreaches names every commission posting whose lines do not add
// up to what it put in commission expense, every line with an amount but
// no posting, and every currency whose commissions payable differs from
// the lines not yet paid out.
func (t *Tx) CommissionBreaches(ctx context.Context) ([]string, error) {
	var out []string
	var bad []string
	if err := t.sel(ctx, &bad, `SELECT e.id FROM journal_entries e JOIN journal_lines j ON j.entry_id = e.id AND j.account_code = '6000'
		WHERE e.source_type LIKE 'commission:%' GROUP BY e.id
		HAVING SUM(j.debit_minor - j.credit_minor) <> (SELECT COALESCE(SUM(l.amount_minor), 0) FROM commission_lines l WHERE l.journal_entry_id = e.id)
		ORDER BY e.id LIMIT 20`); err != nil {
		return nil, err
	}
	for _, id := range bad {
		out = append(out, "journal entry "+id+" posts a different commission than its lines")
	}
	bad = nil
	if err := t.sel(ctx, &bad, `SELECT id FROM commission_lines WHERE amount_minor <> 0 AND journal_entry_id IS NULL ORDER BY id LIMIT 20`); err != nil {
		return nil, err
	}
	for _, id := range bad {
		out = append(out, "commission line "+id+" has an amount but no posting")
	}
	var rows []struct {
		Currency string `db:"currency"`
		Lines    int64  `db:"lines"`
		Ledger   int64  `db:"ledger"`
	}
	if err := t.sel(ctx, &rows, `SELECT c.currency,
		COALESCE((SELECT SUM(amount_minor) FROM commission_lines WHERE currency = c.currency), 0)
			- COALESCE((SELECT SUM(amount_minor) FROM commission_payouts WHERE currency = c.currency), 0) AS lines,
		COALESCE((SELECT SUM(credit_minor - debit_minor) FROM journal_lines WHERE account_code = '2300' AND currency = c.currency), 0) AS ledger
		FROM (SELECT DISTINCT currency FROM commission_lines) c ORDER BY c.currency`); err != nil {
		return nil, err
	}
	for _, r := range rows {
		if r.Lines != r.Ledger {
			out = append(out, fmt.Sprintf("%s: commission lines less payouts are %d minor units, commissions payable holds %d", r.Currency, r.Lines, r.Ledger))
		}
	}
	return out, nil
}

// PlanAssignedTo reports whether one of users is (or was) on the plan.
func (t *Tx) PlanAssignedTo(ctx context.Context, planID string, users []string) (bool, error) {
	assigned, args := inSet("user_id", users)
	return t.exists(ctx, `SELECT id FROM commission_assignments WHERE plan_id = ? AND `+assigned, append([]any{planID}, args...)...)
}
