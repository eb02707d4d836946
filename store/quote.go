package store

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/catalog"
	"github.com/quotient-cpq/quotient/pricing"
	"github.com/quotient-cpq/quotient/quote"
)

// NextNumber advances a named counter and returns its new value, in the
// caller's transaction (so a rolled-back document leaves no gap).
func (t *Tx) NextNumber(ctx context.Context, name string) (int64, error) {
	var n int64
	err := t.get(ctx, &n, `UPDATE counters SET value = value + 1 WHERE name = ? RETURNING value`, name)
	return n, getOr(err, "counter", name)
}

// NextSequence returns the next number of a named sequence: a PostgreSQL
// sequence (no lock held until commit, so concurrent documents do not wait
// for one another; a rollback leaves a gap), or on SQLite, whose single
// writer serializes anyway, the counter of that name.
func (t *Tx) NextSequence(ctx context.Context, name string) (int64, error) {
	if t.d != Postgres {
		return t.NextNumber(ctx, name)
	}
	var n int64
	err := t.get(ctx, &n, `SELECT nextval('`+name+`_number_seq')`)
	return n, err
}

type quoteRow struct {
	ID             string  `db:"id"`
	Number         string  `db:"number"`
	AccountID      string  `db:"account_id"`
	OpportunityID  *string `db:"opportunity_id"`
	ContactID      *string `db:"contact_id"`
	OwnerID        string  `db:"owner_id"`
	Currency       string  `db:"currency"`
	PriceBookID    string  `db:"price_book_id"`
	Kind           string  `db:"kind"`
	ContractID     *string `db:"contract_id"`
	Credited       bool    `db:"reductions_credited"`
	CurrentVersion int     `db:"current_version"`
	CreatedAt      dbTime  `db:"created_at"`
	UpdatedAt      dbTime  `db:"updated_at"`
}

const quoteCols = `id, number, account_id, opportunity_id, contact_id, owner_id, currency, price_book_id, kind, contract_id,
	reductions_credited, current_version, created_at, updated_at`

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func (r quoteRow) quote() quote.Quote {
	return quote.Quote{ID: r.ID, Number: r.Number, AccountID: r.AccountID, OpportunityID: deref(r.OpportunityID), ContactID: deref(r.ContactID),
		OwnerID: r.OwnerID, Currency: r.Currency, PriceBookID: r.PriceBookID, Kind: quote.Kind(r.Kind), ContractID: deref(r.ContractID),
		ReductionsCredited: r.Credited, CurrentVersion: r.CurrentVersion,
		CreatedAt: r.CreatedAt.Time, UpdatedAt: r.UpdatedAt.Time}
}

// InsertQuote stores a new quote header.
func (t *Tx) InsertQuote(ctx context.Context, q quote.Quote) error {
	kind := q.Kind
	if kind == "" {
		kind = quote.New
	}
	_, err := t.exec(ctx, `INSERT INTO quotes (`+quoteCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		q.ID, q.Number, q.AccountID, nullable(q.OpportunityID), nullable(q.ContactID), q.OwnerID, q.Currency, q.PriceBookID,
		string(kind), nullable(q.ContractID), q.ReductionsCredited, q.CurrentVersion, t.ts(q.CreatedAt), t.ts(q.UpdatedAt))
	return conflictAs(err, "number", "quote number %s is taken", q.Number)
}

// GetQuote loads a quote header.
func (t *Tx) GetQuote(ctx context.Context, id string) (quote.Quote, error) {
	var r quoteRow
	if err := t.get(ctx, &r, `SELECT `+quoteCols+` FROM quotes WHERE id = ?`, id); err != nil {
		return quote.Quote{}, getOr(err, "quote", id)
	}
	return r.quote(), nil
}

// UpdateQuote writes a quote header.
func (t *Tx) UpdateQuote(ctx context.Context, q quote.Quote) error {
	_, err := t.exec(ctx, `UPDATE quotes SET contact_id = ?, current_version = ?, updated_at = ? WHERE id = ?`,
		nullable(q.ContactID), q.CurrentVersion, t.ts(q.UpdatedAt), q.ID)
	return err
}

// ListQuotes returns a page of quotes.
func (t *Tx) ListQuotes(ctx context.Context, f quote.Filter) ([]quote.Quote, error) {
	var where []string
	var args []any
	where, args = eq(where, args, "account_id", f.AccountID)
	where, args = eq(where, args, "owner_id", f.OwnerID)
	where, args = eq(where, args, "opportunity_id", f.OpportunityID)
	if f.Status != "" {
		where = append(where, `EXISTS (SELECT 1 FROM quote_versions v WHERE v.quote_id = quotes.id AND v.version = quotes.current_version AND v.status = ?)`)
		args = append(args, string(f.Status))
	}
	if !f.Reach.All {
		// In reach, or waiting for a decision the reader may give.
		var reach []string
		reach, args = inReach(nil, args, f.Reach, "quotes.account_id", "quotes.owner_id")
		where = append(where, `(`+reach[0]+` OR EXISTS (SELECT 1 FROM approval_requests r WHERE r.quote_id = quotes.id
			AND ((r.approver_kind = 'user' AND r.approver_id = ?) OR (r.approver_kind = 'role' AND r.approver_role = ?))))`)
		args = append(args, f.ReaderID, f.ReaderRole)
	}
	if f.ApproverID != "" {
		// Waiting for the approver: a pending request of the current
		// version, pending approval, that names them, their role, or them
		// as the owner's manager; never their own quote.
		where = append(where, `quotes.owner_id <> ? AND EXISTS (SELECT 1 FROM approval_requests r JOIN quote_versions v ON v.quote_id = r.quote_id AND v.version = r.version
			WHERE r.quote_id = quotes.id AND r.version = quotes.current_version AND r.status = 'pending' AND v.status = 'pending_approval'
			AND ((r.approver_kind = 'user' AND r.approver_id = ?) OR (r.approver_kind = 'role' AND r.approver_role = ?)
			OR (r.approver_kind = 'manager' AND EXISTS (SELECT 1 FROM users u WHERE u.id = quotes.owner_id AND u.manager_id = ?))))`)
		args = append(args, f.ApproverID, f.ApproverID, f.ApproverRole, f.ApproverID)
	}
	var rows []quoteRow
	if err := t.list(ctx, &rows, quoteCols, "quotes", where, args, f.After, f.Limit); err != nil {
		return nil, err
	}
	out := make([]quote.Quote, len(rows))
	for i, r := range rows {
		out[i] = r.quote()
	}
	return out, nil
}

type versionRow struct {
	QuoteID           string        `db:"quote_id"`
	Version           int           `db:"version"`
	Status            string        `db:"status"`
	ValidUntil        quotient.Date `db:"valid_until"`
	Terms             string        `db:"terms"`
	Notes             string        `db:"notes"`
	HeaderDiscountPct dbDec         `db:"header_discount_pct"`
	PricingDate       quotient.Date `db:"pricing_date"`
	RulebookVersion   int           `db:"rulebook_version"`
	InputHash         string        `db:"input_hash"`
	Pricing           string        `db:"pricing"`
	SubtotalMinor     int64         `db:"subtotal_minor"`
	DiscountMinor     int64         `db:"discount_minor"`
	TaxMinor          int64         `db:"tax_minor"`
	TotalMinor        int64         `db:"total_minor"`
	ETag              int           `db:"etag"`
	CreatedAt         dbTime        `db:"created_at"`
	UpdatedAt         dbTime        `db:"updated_at"`
}

const versionCols = `quote_id, version, status, valid_until, terms, notes, header_discount_pct, pricing_date, rulebook_version,
	input_hash, pricing, subtotal_minor, discount_minor, tax_minor, total_minor, etag, created_at, updated_at`

type lineRow struct {
	LineNo            int           `db:"line_no"`
	ProductID         string        `db:"product_id"`
	Quantity          dbDec         `db:"quantity"`
	Configuration     string        `db:"configuration"`
	ManualDiscountPct dbDec         `db:"manual_discount_pct"`
	StartDate         quotient.Date `db:"start_date"`
	EndDate           quotient.Date `db:"end_date"`
	TermMonths        int           `db:"term_months"`
	BillingFrequency  string        `db:"billing_frequency"`
	PriorQuantity     dbDec         `db:"prior_quantity"`
	ContractPrice     *string       `db:"contract_price"`
}

const lineCols = `line_no, product_id, quantity, configuration, manual_discount_pct, start_date, end_date, term_months,
	billing_frequency, prior_quantity, contract_price`

// same reports whether a stored line already holds l.
func (h lineRow) same(l quote.Line) bool {
	var hcfg map[string]string
	return h.ProductID == l.ProductID && h.Quantity.Decimal.Equal(l.Quantity) && h.ManualDiscountPct.Decimal.Equal(l.ManualDiscountPct) &&
		json.Unmarshal([]byte(h.Configuration), &hcfg) == nil && maps.Equal(hcfg, l.Configuration) &&
		h.StartDate == l.StartDate && h.EndDate == l.EndDate && h.TermMonths == l.TermMonths && h.BillingFrequency == string(l.BillingFrequency) &&
		h.PriorQuantity.Decimal.Equal(l.PriorQuantity) && deref(h.ContractPrice) == deref(nullDec(l.ContractPrice))
}

// nullDec is an optional decimal as stored: NULL when absent.
func nullDec(d *decimal.Decimal) *string {
	if d == nil {
		return nil
	}
	s := d.String()
	return &s
}

func minorOf(cur string, d decimal.Decimal) (int64, error) {
	c, ok := quotient.LookupCurrency(cur)
	if !ok {
		return 0, fmt.Errorf("unknown currency %s", cur)
	}
	n, ok := c.ToMinor(d)
	if !ok {
		return 0, fmt.Errorf("amount %s is not in minor units of %s", d, cur)
	}
	return n, nil
}

func versionArgs(v quote.Version) ([]any, error) {
	body, err := json.Marshal(v.Priced)
	if err != nil {
		return nil, err
	}
	r := v.Priced
	var minors [4]int64
	for i, d := range []decimal.Decimal{r.Subtotal, r.DiscountTotal, r.TaxTotal, r.Total} {
		if minors[i], err = minorOf(r.Currency, d); err != nil {
			return nil, err
		}
	}
	return []any{string(v.Status), v.ValidUntil, v.Terms, v.Notes, dec(v.HeaderDiscountPct), v.PricingDate,
		r.RulebookVersion, r.InputHash, string(body), minors[0], minors[1], minors[2], minors[3], v.ETag}, nil
}

func (t *Tx) writeLines(ctx context.Context, v quote.Version, fresh bool) error {
	// A draft's edit usually changes one line of many: rows that did not
	// change are left alone, so a one-line edit of a 1,000-line quote is
	// one read and one write rather than a thousand.
	var have []lineRow
	if !fresh {
		if err := t.sel(ctx, &have, `SELECT `+lineCols+` FROM quote_lines
			WHERE quote_id = ? AND version = ? ORDER BY line_no`, v.QuoteID, v.Version); err != nil {
			return err
		}
	}
	for i, l := range v.Lines {
		cfg, _ := json.Marshal(l.Configuration)
		if l.Configuration == nil {
			cfg = []byte("{}")
		}
		if i < len(have) { // rows are numbered 1..n, so row i is line i+1
			if have[i].same(l) {
				continue
			}
			if _, err := t.exec(ctx, `UPDATE quote_lines SET product_id = ?, quantity = ?, configuration = ?, manual_discount_pct = ?,
				start_date = ?, end_date = ?, term_months = ?, billing_frequency = ?, prior_quantity = ?, contract_price = ?
				WHERE quote_id = ? AND version = ? AND line_no = ?`, l.ProductID, dec(l.Quantity), string(cfg), dec(l.ManualDiscountPct),
				l.StartDate, l.EndDate, l.TermMonths, string(l.BillingFrequency), dec(l.PriorQuantity), nullDec(l.ContractPrice),
				v.QuoteID, v.Version, i+1); err != nil {
				return err
			}
			continue
		}
		if _, err := t.exec(ctx, `INSERT INTO quote_lines (quote_id, version, `+lineCols+`)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, v.QuoteID, v.Version, i+1, l.ProductID, dec(l.Quantity), string(cfg), dec(l.ManualDiscountPct),
			l.StartDate, l.EndDate, l.TermMonths, string(l.BillingFrequency), dec(l.PriorQuantity), nullDec(l.ContractPrice)); err != nil {
			return err
		}
	}
	if len(have) > len(v.Lines) {
		if _, err := t.exec(ctx, `DELETE FROM quote_lines WHERE quote_id = ? AND version = ? AND line_no > ?`, v.QuoteID, v.Version, len(v.Lines)); err != nil {
			return err
		}
	}
	return nil
}

// InsertVersion stores a new version with its lines.
func (t *Tx) InsertVersion(ctx context.Context, v quote.Version) error {
	args, err := versionArgs(v)
	if err != nil {
		return err
	}
	args = append([]any{v.QuoteID, v.Version}, args...)
	args = append(args, t.ts(v.CreatedAt), t.ts(v.UpdatedAt))
	if _, err := t.exec(ctx, `INSERT INTO quote_versions (`+versionCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, args...); err != nil {
		return conflictAs(err, "version", "version %d of this quote exists", v.Version)
	}
	return t.writeLines(ctx, v, true)
}

func (t *Tx) version(ctx context.Context, r versionRow) (quote.Version, error) {
	v := quote.Version{QuoteID: r.QuoteID, Version: r.Version, Status: quote.Status(r.Status), ValidUntil: r.ValidUntil,
		Terms: r.Terms, Notes: r.Notes, HeaderDiscountPct: r.HeaderDiscountPct.Decimal, PricingDate: r.PricingDate,
		ETag: r.ETag, CreatedAt: r.CreatedAt.Time, UpdatedAt: r.UpdatedAt.Time}
	v.Priced = &pricing.Result{}
	if err := json.Unmarshal([]byte(r.Pricing), v.Priced); err != nil {
		return v, fmt.Errorf("stored pricing of quote %s v%d: %w", r.QuoteID, r.Version, err)
	}
	var lines []lineRow
	if err := t.sel(ctx, &lines, `SELECT `+lineCols+` FROM quote_lines
		WHERE quote_id = ? AND version = ? ORDER BY line_no`, r.QuoteID, r.Version); err != nil {
		return v, err
	}
	for _, l := range lines {
		ql := quote.Line{ProductID: l.ProductID, Quantity: l.Quantity.Decimal, ManualDiscountPct: l.ManualDiscountPct.Decimal,
			StartDate: l.StartDate, EndDate: l.EndDate, TermMonths: l.TermMonths, BillingFrequency: catalog.BillingPeriod(l.BillingFrequency),
			PriorQuantity: l.PriorQuantity.Decimal}
		if l.ContractPrice != nil {
			d, err := decimal.NewFromString(*l.ContractPrice)
			if err != nil {
				return v, fmt.Errorf("stored contract price of quote %s: %w", r.QuoteID, err)
			}
			ql.ContractPrice = &d
		}
		if err := json.Unmarshal([]byte(l.Configuration), &ql.Configuration); err != nil {
			return v, err
		}
		if len(ql.Configuration) == 0 {
			ql.Configuration = nil
		}
		v.Lines = append(v.Lines, ql)
	}
	return v, nil
}

// GetVersion loads a version with its lines and pricing.
func (t *Tx) GetVersion(ctx context.Context, quoteID string, version int) (quote.Version, error) {
	var r versionRow
	if err := t.get(ctx, &r, `SELECT `+versionCols+` FROM quote_versions WHERE quote_id = ? AND version = ?`, quoteID, version); err != nil {
		return quote.Version{}, getOr(err, "quote version", fmt.Sprintf("%s v%d", quoteID, version))
	}
	return t.version(ctx, r)
}

// SetVersionStatus changes only a version's status if its etag is unchanged.
func (t *Tx) SetVersionStatus(ctx context.Context, v quote.Version, etag int) error {
	n, err := t.execN(ctx, `UPDATE quote_versions SET status = ?, etag = ?, updated_at = ? WHERE quote_id = ? AND version = ? AND etag = ?`,
		string(v.Status), v.ETag, t.ts(v.UpdatedAt), v.QuoteID, v.Version, etag)
	if err == nil && n == 0 {
		err = quotient.Errorf(quotient.Stale, "quote %s version %d changed since you read it; fetch it again", v.QuoteID, v.Version)
	}
	return err
}

// UpdateVersion writes a version and its lines if its etag is unchanged.
func (t *Tx) UpdateVersion(ctx context.Context, v quote.Version, etag int) error {
	args, err := versionArgs(v)
	if err != nil {
		return err
	}
	args = append(args, t.ts(v.UpdatedAt), v.QuoteID, v.Version, etag)
	n, err := t.execN(ctx, `UPDATE quote_versions SET status = ?, valid_until = ?, terms = ?, notes = ?, header_discount_pct = ?,
		pricing_date = ?, rulebook_version = ?, input_hash = ?, pricing = ?, subtotal_minor = ?, discount_minor = ?, tax_minor = ?,
		total_minor = ?, etag = ?, updated_at = ? WHERE quote_id = ? AND version = ? AND etag = ?`, args...)
	if err != nil {
		return err
	}
	if n == 0 {
		return quotient.Errorf(quotient.Stale, "quote %s version %d changed since you read it; fetch it again", v.QuoteID, v.Version)
	}
	return t.writeLines(ctx, v, false)
}

// ListVersions returns every version of a quote, oldest first.
func (t *Tx) ListVersions(ctx context.Context, quoteID string) ([]quote.Version, error) {
	var rows []versionRow
	if err := t.sel(ctx, &rows, `SELECT `+versionCols+` FROM quote_versions WHERE quote_id = ? ORDER BY version`, quoteID); err != nil {
		return nil, err
	}
	out := make([]quote.Version, len(rows))
	for i, r := range rows {
		v, err := t.version(ctx, r)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

type eventRow struct {
	ID        string `db:"id"`
	QuoteID   string `db:"quote_id"`
	Version   int    `db:"version"`
	Kind      string `db:"kind"`
	ActorID   string `db:"actor_id"`
	Detail    string `db:"detail"`
	Format    string `db:"detail_format"`
	Args      string `db:"detail_args"`
	CreatedAt dbTime `db:"created_at"`
}

// InsertEvent records a quote's event.
func (t *Tx) InsertEvent(ctx context.Context, e quote.Event) error {
	args := ""
	if e.Format != "" {
		b, err := json.Marshal(e.Args)
		if err != nil {
			return err
		}
		args = string(b)
	}
	_, err := t.exec(ctx, `INSERT INTO quote_events (id, quote_id, version, kind, actor_id, detail, detail_format, detail_args, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.ID, e.QuoteID, e.Version, e.Kind, e.ActorID, e.Detail, e.Format, args, t.ts(e.At))
	return err
}

// ListEvents returns a quote's history, oldest first.
func (t *Tx) ListEvents(ctx context.Context, quoteID string) ([]quote.Event, error) {
	var rows []eventRow
	if err := t.sel(ctx, &rows, `SELECT id, quote_id, version, kind, actor_id, detail, detail_format, detail_args, created_at FROM quote_events
		WHERE quote_id = ? ORDER BY created_at, id`, quoteID); err != nil {
		return nil, err
	}
	out := make([]quote.Event, len(rows))
	for i, r := range rows {
		out[i] = quote.Event{ID: r.ID, QuoteID: r.QuoteID, Version: r.Version, Kind: r.Kind, ActorID: r.ActorID, Detail: r.Detail, At: r.CreatedAt.Time}
		// A format whose values do not read back is dropped: the English
		// detail still says it.
		if r.Format != "" && json.Unmarshal([]byte(r.Args), &out[i].Args) == nil {
			out[i].Format = r.Format
		}
	}
	return out, nil
}

type approvalRuleRow struct {
	ID           string  `db:"id"`
	Name         string  `db:"name"`
	Condition    string  `db:"condition"`
	ApproverKind string  `db:"approver_kind"`
	ApproverRole string  `db:"approver_role"`
	ApproverID   *string `db:"approver_id"`
	Message      string  `db:"message"`
	Active       bool    `db:"active"`
	Version      int     `db:"version"`
	CreatedAt    dbTime  `db:"created_at"`
	UpdatedAt    dbTime  `db:"updated_at"`
}

const approvalRuleCols = `id, name, condition, approver_kind, approver_role, approver_id, message, active, version, created_at, updated_at`

func (r approvalRuleRow) rule() quote.ApprovalRule {
	return quote.ApprovalRule{ID: r.ID, Name: r.Name, Condition: r.Condition, ApproverKind: r.ApproverKind, ApproverRole: r.ApproverRole,
		ApproverID: deref(r.ApproverID), Message: r.Message, Active: r.Active, Version: r.Version, CreatedAt: r.CreatedAt.Time, UpdatedAt: r.UpdatedAt.Time}
}

// InsertApprovalRule stores a new approval rule.
func (t *Tx) InsertApprovalRule(ctx context.Context, r quote.ApprovalRule) error {
	_, err := t.exec(ctx, `INSERT INTO approval_rules (`+approvalRuleCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ID, r.Name, r.Condition, r.ApproverKind, r.ApproverRole, nullable(r.ApproverID), r.Message, r.Active, r.Version,
		t.ts(r.CreatedAt), t.ts(r.UpdatedAt))
	return conflictAs(err, "name", "an approval rule named %q exists", r.Name)
}

// GetApprovalRule loads an approval rule.
func (t *Tx) GetApprovalRule(ctx context.Context, id string) (quote.ApprovalRule, error) {
	var r approvalRuleRow
	if err := t.get(ctx, &r, `SELECT `+approvalRuleCols+` FROM approval_rules WHERE id = ?`, id); err != nil {
		return quote.ApprovalRule{}, getOr(err, "approval rule", id)
	}
	return r.rule(), nil
}

// UpdateApprovalRule writes an approval rule if it is still at version.
func (t *Tx) UpdateApprovalRule(ctx context.Context, r quote.ApprovalRule, version int) error {
	err := t.versioned(ctx, "approval_rules", "approval rule", r.ID, `UPDATE approval_rules SET name = ?, condition = ?, approver_kind = ?,
		approver_role = ?, approver_id = ?, message = ?, active = ?, version = ?, updated_at = ? WHERE id = ? AND version = ?`,
		r.Name, r.Condition, r.ApproverKind, r.ApproverRole, nullable(r.ApproverID), r.Message, r.Active, r.Version, t.ts(r.UpdatedAt), r.ID, version)
	return conflictAs(err, "name", "an approval rule named %q exists", r.Name)
}

// DeleteApprovalRule removes an approval rule.
func (t *Tx) DeleteApprovalRule(ctx context.Context, id string) error {
	return t.deleteByID(ctx, "approval_rules", "approval rule", id)
}

// ListApprovalRules returns a page of approval rules (limit 0: all).
func (t *Tx) ListApprovalRules(ctx context.Context, p quotient.Page) ([]quote.ApprovalRule, error) {
	limit, after := p.Limit, p.After
	if limit == 0 {
		limit = 1 << 30
	}
	var rows []approvalRuleRow
	if err := t.list(ctx, &rows, approvalRuleCols, "approval_rules", nil, nil, after, limit); err != nil {
		return nil, err
	}
	out := make([]quote.ApprovalRule, len(rows))
	for i, r := range rows {
		out[i] = r.rule()
	}
	return out, nil
}

type requestRow struct {
	ID           string `db:"id"`
	QuoteID      string `db:"quote_id"`
	Version      int    `db:"version"`
	RuleID       string `db:"rule_id"`
	RuleName     string `db:"rule_name"`
	RuleVersion  int    `db:"rule_version"`
	ApproverKind string `db:"approver_kind"`
	ApproverRole string `db:"approver_role"`
	ApproverID   string `db:"approver_id"`
	Status       string `db:"status"`
	Tested       string `db:"tested"`
	DecidedBy    string `db:"decided_by"`
	DecidedAt    dbTime `db:"decided_at"`
	Comment      string `db:"comment"`
	CarriedFrom  *int   `db:"carried_from"`
	CreatedAt    dbTime `db:"created_at"`
}

const requestCols = `id, quote_id, version, rule_id, rule_name, rule_version, approver_kind, approver_role, approver_id, status, tested,
	decided_by, decided_at, comment, carried_from, created_at`

// InsertRequest stores an approval request.
func (t *Tx) InsertRequest(ctx context.Context, r quote.Request) error {
	tested, _ := json.Marshal(r.Tested)
	_, err := t.exec(ctx, `INSERT INTO approval_requests (`+requestCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ID, r.QuoteID, r.Version, r.RuleID, r.RuleName, r.RuleVersion, r.ApproverKind, r.ApproverRole, r.ApproverID, r.Status,
		string(tested), r.DecidedBy, t.tsPtr(r.DecidedAt), r.Comment, r.CarriedFrom, t.ts(r.CreatedAt))
	return err
}

// UpdateRequest writes a decision.
func (t *Tx) UpdateRequest(ctx context.Context, r quote.Request) error {
	_, err := t.exec(ctx, `UPDATE approval_requests SET status = ?, decided_by = ?, decided_at = ?, comment = ? WHERE id = ?`,
		r.Status, r.DecidedBy, t.tsPtr(r.DecidedAt), r.Comment, r.ID)
	return err
}

// DeleteRequests removes a version's requests (before it is submitted again).
func (t *Tx) DeleteRequests(ctx context.Context, quoteID string, version int) error {
	_, err := t.exec(ctx, `DELETE FROM approval_requests WHERE quote_id = ? AND version = ?`, quoteID, version)
	return err
}

// ListRequests returns a version's approval requests.
func (t *Tx) ListRequests(ctx context.Context, quoteID string, version int) ([]quote.Request, error) {
	var rows []requestRow
	if err := t.sel(ctx, &rows, `SELECT `+requestCols+` FROM approval_requests WHERE quote_id = ? AND version = ? ORDER BY rule_name, id`,
		quoteID, version); err != nil {
		return nil, err
	}
	out := make([]quote.Request, len(rows))
	for i, r := range rows {
		q := quote.Request{ID: r.ID, QuoteID: r.QuoteID, Version: r.Version, RuleID: r.RuleID, RuleName: r.RuleName, RuleVersion: r.RuleVersion,
			ApproverKind: r.ApproverKind, ApproverRole: r.ApproverRole, ApproverID: r.ApproverID, Status: r.Status, DecidedBy: r.DecidedBy,
			DecidedAt: r.DecidedAt.ptr(), Comment: r.Comment, CarriedFrom: r.CarriedFrom, CreatedAt: r.CreatedAt.Time}
		if err := json.Unmarshal([]byte(r.Tested), &q.Tested); err != nil {
			return nil, err
		}
		out[i] = q
	}
	return out, nil
}

var _ quote.Store = (*Tx)(nil)

// QuotesOpenToReps reads the setting that opens every quote to every rep.
func (t *Tx) QuotesOpenToReps(ctx context.Context) (bool, error) {
	v, _, err := t.Setting(ctx, "quotes_open_to_reps")
	return v == "true", err
}

// AsksDecisionOf reports whether a request of the quote names the user,
// or their role, as its approver.
func (t *Tx) AsksDecisionOf(ctx context.Context, quoteID, userID, role string) (bool, error) {
	return t.exists(ctx, `SELECT id FROM approval_requests WHERE quote_id = ?
		AND ((approver_kind = 'user' AND approver_id = ?) OR (approver_kind = 'role' AND approver_role = ?))`, quoteID, userID, role)
}
