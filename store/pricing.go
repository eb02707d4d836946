package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/catalog"
	"github.com/quotient-cpq/quotient/pricing"
)

// RulebookVersion reads the version of the rulebook.
func (t *Tx) RulebookVersion(ctx context.Context) (int, error) {
	var v int
	return v, t.get(ctx, &v, `SELECT version FROM rulebook WHERE id = 1`)
}

// PricingVersions reads the rulebook's version and the catalog's (see
// migration 0031) in one statement.
func (t *Tx) PricingVersions(ctx context.Context) (rulebook int, catalog int64, err error) {
	var r struct {
		Rulebook int   `db:"version"`
		Catalog  int64 `db:"catalog_version"`
	}
	err = t.get(ctx, &r, `SELECT version, catalog_version FROM rulebook WHERE id = 1`)
	return r.Rulebook, r.Catalog, err
}

// BumpRulebook increments the rulebook version in the caller's
// transaction and returns the new version; the row is the lock that orders
// concurrent rulebook changes.
func (t *Tx) BumpRulebook(ctx context.Context) (int, error) {
	var v int
	return v, t.get(ctx, &v, `UPDATE rulebook SET version = version + 1 WHERE id = 1 RETURNING version`)
}

type tierJSON struct {
	From        string  `json:"from"`
	To          *string `json:"to,omitempty"`
	DiscountPct string  `json:"discount_pct"`
}

type scheduleRow struct {
	ID         string `db:"id"`
	Name       string `db:"name"`
	Type       string `db:"type"`
	Tiers      string `db:"tiers"`
	ProductIDs string `db:"product_ids"`
	Family     string `db:"family"`
	Active     bool   `db:"active"`
	Version    int    `db:"version"`
	CreatedAt  dbTime `db:"created_at"`
	UpdatedAt  dbTime `db:"updated_at"`
}

const scheduleCols = `id, name, type, tiers, product_ids, family, active, version, created_at, updated_at`

func (r scheduleRow) schedule() (catalog.Schedule, error) {
	s := catalog.Schedule{ID: r.ID, Name: r.Name, Type: catalog.ScheduleType(r.Type), Family: r.Family, Active: r.Active,
		Version: r.Version, CreatedAt: r.CreatedAt.Time, UpdatedAt: r.UpdatedAt.Time}
	var tiers []tierJSON
	if err := json.Unmarshal([]byte(r.Tiers), &tiers); err != nil {
		return s, fmt.Errorf("stored tiers: %w", err)
	}
	for _, tj := range tiers {
		t := catalog.Tier{From: decimal.RequireFromString(tj.From), DiscountPct: decimal.RequireFromString(tj.DiscountPct)}
		if tj.To != nil {
			to := decimal.RequireFromString(*tj.To)
			t.To = &to
		}
		s.Tiers = append(s.Tiers, t)
	}
	return s, json.Unmarshal([]byte(r.ProductIDs), &s.ProductIDs)
}

func scheduleArgs(s catalog.Schedule) (string, string) {
	tiers := make([]tierJSON, len(s.Tiers))
	for i, t := range s.Tiers {
		tiers[i] = tierJSON{From: t.From.String(), DiscountPct: t.DiscountPct.String()}
		if t.To != nil {
			to := t.To.String()
			tiers[i].To = &to
		}
	}
	tb, _ := json.Marshal(tiers)
	if s.ProductIDs == nil {
		s.ProductIDs = []string{}
	}
	pb, _ := json.Marshal(s.ProductIDs)
	return string(tb), string(pb)
}

// InsertSchedule stores a new discount schedule.
func (t *Tx) InsertSchedule(ctx context.Context, s catalog.Schedule) error {
	tiers, ids := scheduleArgs(s)
	_, err := t.exec(ctx, `INSERT INTO discount_schedules (`+scheduleCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.ID, s.Name, string(s.Type), tiers, ids, s.Family, s.Active, s.Version, t.ts(s.CreatedAt), t.ts(s.UpdatedAt))
	return conflictAs(err, "name", "a discount schedule named %q exists", s.Name)
}

// GetSchedule loads a discount schedule.
func (t *Tx) GetSchedule(ctx context.Context, id string) (catalog.Schedule, error) {
	var r scheduleRow
	if err := t.get(ctx, &r, `SELECT `+scheduleCols+` FROM discount_schedules WHERE id = ?`, id); err != nil {
		return catalog.Schedule{}, getOr(err, "discount schedule", id)
	}
	return r.schedule()
}

// UpdateSchedule writes a discount schedule if it is still at version.
func (t *Tx) UpdateSchedule(ctx context.Context, s catalog.Schedule, version int) error {
	tiers, ids := scheduleArgs(s)
	err := t.versioned(ctx, "discount_schedules", "discount schedule", s.ID, `UPDATE discount_schedules SET name = ?, type = ?,
		tiers = ?, product_ids = ?, family = ?, active = ?, version = ?, updated_at = ? WHERE id = ? AND version = ?`,
		s.Name, string(s.Type), tiers, ids, s.Family, s.Active, s.Version, t.ts(s.UpdatedAt), s.ID, version)
	return conflictAs(err, "name", "a discount schedule named %q exists", s.Name)
}

// DeleteSchedule removes a discount schedule.
func (t *Tx) DeleteSchedule(ctx context.Context, id string) error {
	return t.deleteByID(ctx, "discount_schedules", "discount schedule", id)
}

// ListSchedules returns a page of schedules (Limit 0: all of them).
func (t *Tx) ListSchedules(ctx context.Context, p quotient.Page) ([]catalog.Schedule, error) {
	var rows []scheduleRow
	limit := p.Limit
	if limit == 0 {
		limit = 1 << 30
	}
	if err := t.list(ctx, &rows, scheduleCols, "discount_schedules", nil, nil, p.After, limit); err != nil {
		return nil, err
	}
	out := make([]catalog.Schedule, len(rows))
	for i, r := range rows {
		s, err := r.schedule()
		if err != nil {
			return nil, err
		}
		out[i] = s
	}
	return out, nil
}

type ruleRow struct {
	ID        string        `db:"id"`
	Name      string        `db:"name"`
	Condition string        `db:"condition"`
	Action    string        `db:"action"`
	Value     dbDec         `db:"value"`
	Formula   string        `db:"formula"`
	Priority  int           `db:"priority"`
	Stackable bool          `db:"stackable"`
	ValidFrom quotient.Date `db:"valid_from"`
	ValidTo   quotient.Date `db:"valid_to"`
	Active    bool          `db:"active"`
	Version   int           `db:"version"`
	CreatedAt dbTime        `db:"created_at"`
	UpdatedAt dbTime        `db:"updated_at"`
}

const ruleCols = `id, name, condition, action, value, formula, priority, stackable, valid_from, valid_to, active, version, created_at, updated_at`

func (r ruleRow) rule() pricing.Rule {
	return pricing.Rule{ID: r.ID, Name: r.Name, Condition: r.Condition, Action: pricing.Action(r.Action), Value: r.Value.Decimal,
		Formula: r.Formula, Priority: r.Priority, Stackable: r.Stackable, ValidFrom: r.ValidFrom, ValidTo: r.ValidTo,
		Active: r.Active, Version: r.Version, CreatedAt: r.CreatedAt.Time, UpdatedAt: r.UpdatedAt.Time}
}

// ruleBody is a rule version as kept in price_rule_versions.
type ruleBody struct {
	Name      string        `json:"name"`
	Condition string        `json:"condition"`
	Action    string        `json:"action"`
	Value     string        `json:"value"`
	Formula   string        `json:"formula"`
	Priority  int           `json:"priority"`
	Stackable bool          `json:"stackable"`
	ValidFrom quotient.Date `json:"valid_from"`
	ValidTo   quotient.Date `json:"valid_to"`
	Active    bool          `json:"active"`
}

func (t *Tx) keepRuleVersion(ctx context.Context, r pricing.Rule) error {
	b, _ := json.Marshal(ruleBody{r.Name, r.Condition, string(r.Action), r.Value.String(), r.Formula, r.Priority, r.Stackable, r.ValidFrom, r.ValidTo, r.Active})
	_, err := t.exec(ctx, `INSERT INTO price_rule_versions (rule_id, version, body, created_at) VALUES (?, ?, ?, ?)`,
		r.ID, r.Version, string(b), t.ts(r.UpdatedAt))
	return err
}

// InsertRule stores a new price rule and its first version.
func (t *Tx) InsertRule(ctx context.Context, r pricing.Rule) error {
	_, err := t.exec(ctx, `INSERT INTO price_rules (`+ruleCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ID, r.Name, r.Condition, string(r.Action), dec(r.Value), r.Formula, r.Priority, r.Stackable, r.ValidFrom, r.ValidTo,
		r.Active, r.Version, t.ts(r.CreatedAt), t.ts(r.UpdatedAt))
	if err != nil {
		return conflictAs(err, "name", "a price rule named %q exists", r.Name)
	}
	return t.keepRuleVersion(ctx, r)
}

// GetRule loads a price rule.
func (t *Tx) GetRule(ctx context.Context, id string) (pricing.Rule, error) {
	var r ruleRow
	if err := t.get(ctx, &r, `SELECT `+ruleCols+` FROM price_rules WHERE id = ?`, id); err != nil {
		return pricing.Rule{}, getOr(err, "price rule", id)
	}
	return r.rule(), nil
}

// UpdateRule writes a new version of a price rule if it is still at version.
func (t *Tx) UpdateRule(ctx context.Context, r pricing.Rule, version int) error {
	err := t.versioned(ctx, "price_rules", "price rule", r.ID, `UPDATE price_rules SET name = ?, condition = ?, action = ?, value = ?,
		formula = ?, priority = ?, stackable = ?, valid_from = ?, valid_to = ?, active = ?, version = ?, updated_at = ?
		WHERE id = ? AND version = ?`,
		r.Name, r.Condition, string(r.Action), dec(r.Value), r.Formula, r.Priority, r.Stackable, r.ValidFrom, r.ValidTo,
		r.Active, r.Version, t.ts(r.UpdatedAt), r.ID, version)
	if err != nil {
		return conflictAs(err, "name", "a price rule named %q exists", r.Name)
	}
	return t.keepRuleVersion(ctx, r)
}

// DeleteRule removes a price rule; its versions stay as history.
func (t *Tx) DeleteRule(ctx context.Context, id string) error {
	return t.deleteByID(ctx, "price_rules", "price rule", id)
}

// ListRules returns a page of price rules (Limit 0: all of them).
func (t *Tx) ListRules(ctx context.Context, p pricing.RuleFilter) ([]pricing.Rule, error) {
	var rows []ruleRow
	limit := p.Limit
	if limit == 0 {
		limit = 1 << 30
	}
	var where []string
	var args []any
	if p.ActiveOnly {
		where, args = append(where, "active = ?"), append(args, true)
	}
	if err := t.list(ctx, &rows, ruleCols, "price_rules", where, args, p.After, limit); err != nil {
		return nil, err
	}
	out := make([]pricing.Rule, len(rows))
	for i, r := range rows {
		out[i] = r.rule()
	}
	return out, nil
}

// RuleVersions returns every version of a rule, oldest first.
func (t *Tx) RuleVersions(ctx context.Context, id string) ([]pricing.Rule, error) {
	var rows []struct {
		Version   int    `db:"version"`
		Body      string `db:"body"`
		CreatedAt dbTime `db:"created_at"`
	}
	if err := t.sel(ctx, &rows, `SELECT version, body, created_at FROM price_rule_versions WHERE rule_id = ? ORDER BY version`, id); err != nil {
		return nil, err
	}
	out := make([]pricing.Rule, len(rows))
	for i, row := range rows {
		var b ruleBody
		if err := json.Unmarshal([]byte(row.Body), &b); err != nil {
			return nil, err
		}
		out[i] = pricing.Rule{ID: id, Name: b.Name, Condition: b.Condition, Action: pricing.Action(b.Action),
			Value: decimal.RequireFromString(b.Value), Formula: b.Formula, Priority: b.Priority, Stackable: b.Stackable,
			ValidFrom: b.ValidFrom, ValidTo: b.ValidTo, Active: b.Active, Version: row.Version, UpdatedAt: row.CreatedAt.Time}
	}
	return out, nil
}

type taxRow struct {
	ID          string `db:"id"`
	Region      string `db:"region"`
	TaxCategory string `db:"tax_category"`
	RatePct     dbDec  `db:"rate_pct"`
	Name        string `db:"name"`
	Reduced     bool   `db:"reduced"`
	Version     int    `db:"version"`
	CreatedAt   dbTime `db:"created_at"`
	UpdatedAt   dbTime `db:"updated_at"`
}

const taxCols = `id, region, tax_category, rate_pct, name, reduced, version, created_at, updated_at`

func (r taxRow) rate() pricing.TaxRate {
	return pricing.TaxRate{ID: r.ID, Region: r.Region, TaxCategory: r.TaxCategory, RatePct: r.RatePct.Decimal, Name: r.Name, Reduced: r.Reduced,
		Version: r.Version, CreatedAt: r.CreatedAt.Time, UpdatedAt: r.UpdatedAt.Time}
}

// InsertTaxRate stores a new tax rate.
func (t *Tx) InsertTaxRate(ctx context.Context, r pricing.TaxRate) error {
	_, err := t.exec(ctx, `INSERT INTO tax_rates (`+taxCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ID, r.Region, r.TaxCategory, dec(r.RatePct), r.Name, r.Reduced, r.Version, t.ts(r.CreatedAt), t.ts(r.UpdatedAt))
	return conflictAs(err, "tax_category", "region %s already has a rate for %s", r.Region, r.TaxCategory)
}

// GetTaxRate loads a tax rate.
func (t *Tx) GetTaxRate(ctx context.Context, id string) (pricing.TaxRate, error) {
	var r taxRow
	if err := t.get(ctx, &r, `SELECT `+taxCols+` FROM tax_rates WHERE id = ?`, id); err != nil {
		return pricing.TaxRate{}, getOr(err, "tax rate", id)
	}
	return r.rate(), nil
}

// UpdateTaxRate writes a tax rate if it is still at version.
func (t *Tx) UpdateTaxRate(ctx context.Context, r pricing.TaxRate, version int) error {
	err := t.versioned(ctx, "tax_rates", "tax rate", r.ID, `UPDATE tax_rates SET region = ?, tax_category = ?, rate_pct = ?, name = ?,
		reduced = ?, version = ?, updated_at = ? WHERE id = ? AND version = ?`,
		r.Region, r.TaxCategory, dec(r.RatePct), r.Name, r.Reduced, r.Version, t.ts(r.UpdatedAt), r.ID, version)
	return conflictAs(err, "tax_category", "region %s already has a rate for %s", r.Region, r.TaxCategory)
}

// DeleteTaxRate removes a tax rate.
func (t *Tx) DeleteTaxRate(ctx context.Context, id string) error {
	return t.deleteByID(ctx, "tax_rates", "tax rate", id)
}

// ListTaxRates returns a page of tax rates (Limit 0: all of them).
func (t *Tx) ListTaxRates(ctx context.Context, p quotient.Page) ([]pricing.TaxRate, error) {
	var rows []taxRow
	limit := p.Limit
	if limit == 0 {
		limit = 1 << 30
	}
	if err := t.list(ctx, &rows, taxCols, "tax_rates", nil, nil, p.After, limit); err != nil {
		return nil, err
	}
	out := make([]pricing.TaxRate, len(rows))
	for i, r := range rows {
		out[i] = r.rate()
	}
	return out, nil
}

// EntriesFor returns a book's entries for some products, by product id.
func (t *Tx) EntriesFor(ctx context.Context, bookID string, productIDs []string) (map[string]catalog.Entry, error) {
	out := map[string]catalog.Entry{}
	for start := 0; start < len(productIDs); start += 500 {
		chunk := productIDs[start:min(start+500, len(productIDs))]
		q, args := inList(`SELECT `+entryCols+` FROM price_book_entries WHERE price_book_id = ? AND product_id IN (%s)`, chunk, bookID)
		var rows []entryRow
		if err := t.sel(ctx, &rows, q, args...); err != nil {
			return nil, err
		}
		for _, r := range rows {
			e, err := r.entry()
			if err != nil {
				return nil, err
			}
			out[e.ProductID] = e
		}
	}
	return out, nil
}

// ProductsByID loads products (with components) by id.
func (t *Tx) ProductsByID(ctx context.Context, ids []string) (map[string]catalog.Product, error) {
	out := map[string]catalog.Product{}
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		q, args := inList(`SELECT `+productCols+` FROM products WHERE id IN (%s)`, chunk)
		var rows []productRow
		if err := t.sel(ctx, &rows, q, args...); err != nil {
			return nil, err
		}
		ps, err := t.products(ctx, rows)
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			out[p.ID] = p
		}
	}
	return out, nil
}

// DefaultPriceBook returns the default book of a currency.
func (t *Tx) DefaultPriceBook(ctx context.Context, currency string) (catalog.PriceBook, error) {
	var r priceBookRow
	if err := t.get(ctx, &r, `SELECT `+priceBookCols+` FROM price_books WHERE currency = ? AND is_default = ?`, currency, true); err != nil {
		return catalog.PriceBook{}, getOr(err, "default price book for", currency)
	}
	return r.book(), nil
}

// inList replaces the %s of q with one "?" per value and returns the
// arguments: leading first, then the values.
func inList(q string, values []string, leading ...any) (string, []any) {
	ph := make([]byte, 0, 2*len(values))
	args := append([]any{}, leading...)
	for i, v := range values {
		if i > 0 {
			ph = append(ph, ',')
		}
		ph = append(ph, '?')
		args = append(args, v)
	}
	return fmt.Sprintf(q, string(ph)), args
}
