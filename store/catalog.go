package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/catalog"
)

// attrJSON is how a product's attributes are stored: one JSON document in
// the product row, as they are always read and written with the product.
type attrJSON struct {
	Code     string       `json:"code"`
	Name     string       `json:"name"`
	Type     string       `json:"type"`
	Required bool         `json:"required,omitempty"`
	Options  []optionJSON `json:"options,omitempty"`
	Min      *string      `json:"min,omitempty"`
	Max      *string      `json:"max,omitempty"`
	Step     *string      `json:"step,omitempty"`
	Unit     string       `json:"unit,omitempty"`
	Default  string       `json:"default,omitempty"`
}

type optionJSON struct {
	Code       string `json:"code"`
	Label      string `json:"label"`
	PriceDelta string `json:"price_delta"`
}

func decPtrString(d *decimal.Decimal) *string {
	if d == nil {
		return nil
	}
	s := d.String()
	return &s
}

func stringDecPtr(s *string) (*decimal.Decimal, error) {
	if s == nil {
		return nil, nil
	}
	d, err := decimal.NewFromString(*s)
	return &d, err
}

func encodeAttributes(attrs []catalog.Attribute) (string, error) {
	out := make([]attrJSON, len(attrs))
	for i, a := range attrs {
		j := attrJSON{Code: a.Code, Name: a.Name, Type: string(a.Type), Required: a.Required, Unit: a.Unit, Default: a.Default,
			Min: decPtrString(a.Min), Max: decPtrString(a.Max), Step: decPtrString(a.Step)}
		for _, o := range a.Options {
			j.Options = append(j.Options, optionJSON{Code: o.Code, Label: o.Label, PriceDelta: o.PriceDelta.String()})
		}
		out[i] = j
	}
	b, err := json.Marshal(out)
	return string(b), err
}

func decodeAttributes(s string) ([]catalog.Attribute, error) {
	var in []attrJSON
	if err := json.Unmarshal([]byte(s), &in); err != nil {
		return nil, fmt.Errorf("stored attributes: %w", err)
	}
	out := make([]catalog.Attribute, len(in))
	for i, j := range in {
		a := catalog.Attribute{Code: j.Code, Name: j.Name, Type: catalog.AttrType(j.Type), Required: j.Required, Unit: j.Unit, Default: j.Default}
		var err error
		if a.Min, err = stringDecPtr(j.Min); err != nil {
			return nil, err
		}
		if a.Max, err = stringDecPtr(j.Max); err != nil {
			return nil, err
		}
		if a.Step, err = stringDecPtr(j.Step); err != nil {
			return nil, err
		}
		for _, o := range j.Options {
			d, err := decimal.NewFromString(o.PriceDelta)
			if err != nil {
				return nil, fmt.Errorf("stored option delta: %w", err)
			}
			a.Options = append(a.Options, catalog.Option{Code: o.Code, Label: o.Label, PriceDelta: d})
		}
		out[i] = a
	}
	return out, nil
}

type productRow struct {
	ID             string `db:"id"`
	SKU            string `db:"sku"`
	Name           string `db:"name"`
	Description    string `db:"description"`
	Family         string `db:"family"`
	Kind           string `db:"kind"`
	UOM            string `db:"uom"`
	UnitCost       dbDec  `db:"unit_cost"`
	TaxCategory    string `db:"tax_category"`
	Active         bool   `db:"active"`
	TrackInventory bool   `db:"track_inventory"`
	Attributes     string `db:"attributes"`
	BillingType    string `db:"billing_type"`
	BillingPeriod  string `db:"billing_period"`
	TermMonths     int    `db:"default_term_months"`
	Version        int    `db:"version"`
	CreatedAt      dbTime `db:"created_at"`
	UpdatedAt      dbTime `db:"updated_at"`
}

const productCols = `id, sku, name, description, family, kind, uom, unit_cost, tax_category, active, track_inventory, attributes,
	billing_type, billing_period, default_term_months, version, created_at, updated_at`

type componentRow struct {
	BundleID    string `db:"bundle_id"`
	ComponentID string `db:"component_id"`
	Quantity    dbDec  `db:"quantity"`
	Required    bool   `db:"required"`
}

func (r productRow) product() (catalog.Product, error) {
	attrs, err := decodeAttributes(r.Attributes)
	if err != nil {
		return catalog.Product{}, err
	}
	return catalog.Product{ID: r.ID, SKU: r.SKU, Name: r.Name, Description: r.Description, Family: r.Family,
		Kind: catalog.Kind(r.Kind), UOM: r.UOM, UnitCost: r.UnitCost.Decimal, TaxCategory: r.TaxCategory,
		Active: r.Active, TrackInventory: r.TrackInventory, Attributes: attrs, BillingType: catalog.BillingType(r.BillingType),
		BillingPeriod: catalog.BillingPeriod(r.BillingPeriod), DefaultTermMonths: r.TermMonths, Version: r.Version,
		CreatedAt: r.CreatedAt.Time, UpdatedAt: r.UpdatedAt.Time}, nil
}

// products converts rows and loads the components of every bundle among
// them with one query.
func (t *Tx) products(ctx context.Context, rows []productRow) ([]catalog.Product, error) {
	out := make([]catalog.Product, len(rows))
	if len(rows) == 0 {
		return out, nil
	}
	idx := map[string]int{}
	ph := make([]string, len(rows))
	args := make([]any, len(rows))
	for i, r := range rows {
		p, err := r.product()
		if err != nil {
			return nil, err
		}
		out[i] = p
		idx[r.ID] = i
		ph[i] = "?"
		args[i] = r.ID
	}
	var comps []componentRow
	if err := t.sel(ctx, &comps, `SELECT bundle_id, component_id, quantity, required FROM bundle_components
		WHERE bundle_id IN (`+strings.Join(ph, ",")+`) ORDER BY bundle_id, position`, args...); err != nil {
		return nil, err
	}
	for _, c := range comps {
		i := idx[c.BundleID]
		out[i].Components = append(out[i].Components, catalog.Component{ProductID: c.ComponentID, Quantity: c.Quantity.Decimal, Required: c.Required})
	}
	return out, nil
}

func (t *Tx) productWhere(ctx context.Context, cond string, arg any, what string) (catalog.Product, error) {
	var r productRow
	if err := t.get(ctx, &r, `SELECT `+productCols+` FROM products WHERE `+cond, arg); err != nil {
		return catalog.Product{}, getOr(err, what, fmt.Sprint(arg))
	}
	ps, err := t.products(ctx, []productRow{r})
	if err != nil {
		return catalog.Product{}, err
	}
	return ps[0], nil
}

func (t *Tx) writeComponents(ctx context.Context, p catalog.Product) error {
	if _, err := t.exec(ctx, `DELETE FROM bundle_components WHERE bundle_id = ?`, p.ID); err != nil {
		return err
	}
	for i, c := range p.Components {
		if _, err := t.exec(ctx, `INSERT INTO bundle_components (bundle_id, component_id, quantity, required, position) VALUES (?, ?, ?, ?, ?)`,
			p.ID, c.ProductID, dec(c.Quantity), c.Required, i); err != nil {
			return conflictAs(err, fmt.Sprintf("components[%d].product_id", i), "the product appears twice in the bundle")
		}
	}
	return nil
}

// InsertProduct stores a new product with its components.
func (t *Tx) InsertProduct(ctx context.Context, p catalog.Product) error {
	attrs, err := encodeAttributes(p.Attributes)
	if err != nil {
		return err
	}
	_, err = t.exec(ctx, `INSERT INTO products (`+productCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.ID, p.SKU, p.Name, p.Description, p.Family, string(p.Kind), p.UOM, dec(p.UnitCost), p.TaxCategory, p.Active,
		p.TrackInventory, attrs, billingType(p), string(p.BillingPeriod), p.DefaultTermMonths, p.Version, t.ts(p.CreatedAt), t.ts(p.UpdatedAt))
	if err != nil {
		return conflictAs(err, "sku", "a product with sku %s exists", p.SKU)
	}
	return t.writeComponents(ctx, p)
}

// GetProduct loads a product.
func (t *Tx) GetProduct(ctx context.Context, id string) (catalog.Product, error) {
	return t.productWhere(ctx, "id = ?", id, "product")
}

// GetProductBySKU loads a product by its sku.
func (t *Tx) GetProductBySKU(ctx context.Context, sku string) (catalog.Product, error) {
	return t.productWhere(ctx, "sku = ?", sku, "product with sku")
}

// UpdateProduct writes a product and its components if it is still at version.
func (t *Tx) UpdateProduct(ctx context.Context, p catalog.Product, version int) error {
	attrs, err := encodeAttributes(p.Attributes)
	if err != nil {
		return err
	}
	err = t.versioned(ctx, "products", "product", p.ID, `UPDATE products SET sku = ?, name = ?, description = ?, family = ?, kind = ?,
		uom = ?, unit_cost = ?, tax_category = ?, active = ?, track_inventory = ?, attributes = ?,
		billing_type = ?, billing_period = ?, default_term_months = ?, version = ?, updated_at = ?
		WHERE id = ? AND version = ?`,
		p.SKU, p.Name, p.Description, p.Family, string(p.Kind), p.UOM, dec(p.UnitCost), p.TaxCategory, p.Active,
		p.TrackInventory, attrs, billingType(p), string(p.BillingPeriod), p.DefaultTermMonths, p.Version, t.ts(p.UpdatedAt), p.ID, version)
	if err != nil {
		return conflictAs(err, "sku", "a product with sku %s exists", p.SKU)
	}
	return t.writeComponents(ctx, p)
}

// DeleteProduct removes a product, its components list and its prices.
func (t *Tx) DeleteProduct(ctx context.Context, id string) error {
	return t.deleteByID(ctx, "products", "product", id)
}

// ProductReferenced reports whether a bundle, a quote line or stock
// history refers to the product. Later documents (order lines) add their
// tables here.
func (t *Tx) ProductReferenced(ctx context.Context, id string) (bool, error) {
	if used, err := t.exists(ctx, `SELECT bundle_id FROM bundle_components WHERE component_id = ?`, id); err != nil || used {
		return used, err
	}
	if used, err := t.exists(ctx, `SELECT quote_id FROM quote_lines WHERE product_id = ?`, id); err != nil || used {
		return used, err
	}
	return t.exists(ctx, `SELECT id FROM stock_movements WHERE product_id = ?`, id)
}

// ListProducts returns a page of products.
func (t *Tx) ListProducts(ctx context.Context, f catalog.ProductFilter) ([]catalog.Product, error) {
	var where []string
	var args []any
	where, args = eq(where, args, "family", f.Family)
	where, args = eq(where, args, "kind", f.Kind)
	if f.Active != nil {
		where, args = append(where, "active = ?"), append(args, *f.Active)
	}
	if f.Q != "" {
		where = append(where, "(LOWER(name) LIKE ? ESCAPE '\\' OR LOWER(sku) LIKE ? ESCAPE '\\')")
		pat := like(strings.ToLower(f.Q))
		args = append(args, pat, pat)
	}
	var rows []productRow
	if err := t.list(ctx, &rows, productCols, "products", where, args, f.After, f.Limit); err != nil {
		return nil, err
	}
	return t.products(ctx, rows)
}

type priceBookRow struct {
	ID          string        `db:"id"`
	Name        string        `db:"name"`
	Description string        `db:"description"`
	Currency    string        `db:"currency"`
	IsDefault   bool          `db:"is_default"`
	Active      bool          `db:"active"`
	ValidFrom   quotient.Date `db:"valid_from"`
	ValidTo     quotient.Date `db:"valid_to"`
	CostRate    *dbDec        `db:"cost_rate"`
	Version     int           `db:"version"`
	CreatedAt   dbTime        `db:"created_at"`
	UpdatedAt   dbTime        `db:"updated_at"`
}

const priceBookCols = `id, name, description, currency, is_default, active, valid_from, valid_to, cost_rate, version, created_at, updated_at`

func decOrNil(d *decimal.Decimal) any {
	if d == nil {
		return nil
	}
	return d.String()
}

func (r priceBookRow) book() catalog.PriceBook {
	return catalog.PriceBook{ID: r.ID, Name: r.Name, Description: r.Description, Currency: r.Currency, IsDefault: r.IsDefault,
		Active: r.Active, ValidFrom: r.ValidFrom, ValidTo: r.ValidTo, CostRate: costRate(r.CostRate), Version: r.Version,
		CreatedAt: r.CreatedAt.Time, UpdatedAt: r.UpdatedAt.Time}
}

// InsertPriceBook stores a new price book.
func (t *Tx) InsertPriceBook(ctx context.Context, b catalog.PriceBook) error {
	_, err := t.exec(ctx, `INSERT INTO price_books (`+priceBookCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		b.ID, b.Name, b.Description, b.Currency, b.IsDefault, b.Active, b.ValidFrom, b.ValidTo, decOrNil(b.CostRate), b.Version,
		t.ts(b.CreatedAt), t.ts(b.UpdatedAt))
	return conflictAs(err, "name", "a price book named %q exists", b.Name)
}

// GetPriceBook loads a price book.
func (t *Tx) GetPriceBook(ctx context.Context, id string) (catalog.PriceBook, error) {
	var r priceBookRow
	if err := t.get(ctx, &r, `SELECT `+priceBookCols+` FROM price_books WHERE id = ?`, id); err != nil {
		return catalog.PriceBook{}, getOr(err, "price book", id)
	}
	return r.book(), nil
}

// UpdatePriceBook writes a price book if it is still at version.
func (t *Tx) UpdatePriceBook(ctx context.Context, b catalog.PriceBook, version int) error {
	err := t.versioned(ctx, "price_books", "price book", b.ID, `UPDATE price_books SET name = ?, description = ?, is_default = ?,
		active = ?, valid_from = ?, valid_to = ?, cost_rate = ?, version = ?, updated_at = ? WHERE id = ? AND version = ?`,
		b.Name, b.Description, b.IsDefault, b.Active, b.ValidFrom, b.ValidTo, decOrNil(b.CostRate), b.Version, t.ts(b.UpdatedAt), b.ID, version)
	return conflictAs(err, "name", "a price book named %q exists", b.Name)
}

// DeletePriceBook removes a price book and its entries.
func (t *Tx) DeletePriceBook(ctx context.Context, id string) error {
	return t.deleteByID(ctx, "price_books", "price book", id)
}

// ClearDefault makes no book of the currency but keep the default.
func (t *Tx) ClearDefault(ctx context.Context, currency, keep string) error {
	_, err := t.exec(ctx, `UPDATE price_books SET is_default = ?, version = version + 1 WHERE currency = ? AND is_default = ? AND id <> ?`,
		false, currency, true, keep)
	return err
}

// ListPriceBooks returns a page of price books.
func (t *Tx) ListPriceBooks(ctx context.Context, f catalog.PriceBookFilter) ([]catalog.PriceBook, error) {
	var where []string
	var args []any
	where, args = eq(where, args, "currency", f.Currency)
	where, args = nameLike(where, args, "name", f.Q)
	var rows []priceBookRow
	if err := t.list(ctx, &rows, priceBookCols, "price_books", where, args, f.After, f.Limit); err != nil {
		return nil, err
	}
	out := make([]catalog.PriceBook, len(rows))
	for i, r := range rows {
		out[i] = r.book()
	}
	return out, nil
}

type entryRow struct {
	ID           string `db:"id"`
	PriceBookID  string `db:"price_book_id"`
	ProductID    string `db:"product_id"`
	UnitPrice    dbDec  `db:"unit_price"`
	OptionPrices string `db:"option_prices"`
	Active       bool   `db:"active"`
	Version      int    `db:"version"`
	CreatedAt    dbTime `db:"created_at"`
	UpdatedAt    dbTime `db:"updated_at"`
}

const entryCols = `id, price_book_id, product_id, unit_price, option_prices, active, version, created_at, updated_at`

func (r entryRow) entry() (catalog.Entry, error) {
	raw := map[string]string{}
	if err := json.Unmarshal([]byte(r.OptionPrices), &raw); err != nil {
		return catalog.Entry{}, fmt.Errorf("stored option prices: %w", err)
	}
	ops := make(map[string]decimal.Decimal, len(raw))
	for k, v := range raw {
		d, err := decimal.NewFromString(v)
		if err != nil {
			return catalog.Entry{}, fmt.Errorf("stored option price %s: %w", k, err)
		}
		ops[k] = d
	}
	return catalog.Entry{ID: r.ID, PriceBookID: r.PriceBookID, ProductID: r.ProductID, UnitPrice: r.UnitPrice.Decimal,
		OptionPrices: ops, Active: r.Active, Version: r.Version, CreatedAt: r.CreatedAt.Time, UpdatedAt: r.UpdatedAt.Time}, nil
}

func encodeOptionPrices(m map[string]decimal.Decimal) string {
	raw := make(map[string]string, len(m))
	for k, v := range m {
		raw[k] = v.String()
	}
	b, _ := json.Marshal(raw) // a map of strings always marshals
	return string(b)
}

// InsertEntry stores a new price-book entry.
func (t *Tx) InsertEntry(ctx context.Context, e catalog.Entry) error {
	_, err := t.exec(ctx, `INSERT INTO price_book_entries (`+entryCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.ID, e.PriceBookID, e.ProductID, dec(e.UnitPrice), encodeOptionPrices(e.OptionPrices), e.Active, e.Version,
		t.ts(e.CreatedAt), t.ts(e.UpdatedAt))
	return conflictAs(err, "product_id", "the price book already has an entry for product %s; change that entry instead", e.ProductID)
}

func (t *Tx) entryWhere(ctx context.Context, cond string, args ...any) (catalog.Entry, error) {
	var r entryRow
	if err := t.get(ctx, &r, `SELECT `+entryCols+` FROM price_book_entries WHERE `+cond, args...); err != nil {
		return catalog.Entry{}, getOr(err, "price-book entry", fmt.Sprint(args[0]))
	}
	return r.entry()
}

// GetEntry loads an entry.
func (t *Tx) GetEntry(ctx context.Context, id string) (catalog.Entry, error) {
	return t.entryWhere(ctx, "id = ?", id)
}

// EntryFor loads the entry of a product in a book.
func (t *Tx) EntryFor(ctx context.Context, bookID, productID string) (catalog.Entry, error) {
	return t.entryWhere(ctx, "price_book_id = ? AND product_id = ?", bookID, productID)
}

// UpdateEntry writes an entry if it is still at version.
func (t *Tx) UpdateEntry(ctx context.Context, e catalog.Entry, version int) error {
	return t.versioned(ctx, "price_book_entries", "price-book entry", e.ID, `UPDATE price_book_entries SET unit_price = ?,
		option_prices = ?, active = ?, version = ?, updated_at = ? WHERE id = ? AND version = ?`,
		dec(e.UnitPrice), encodeOptionPrices(e.OptionPrices), e.Active, e.Version, t.ts(e.UpdatedAt), e.ID, version)
}

// DeleteEntry removes an entry.
func (t *Tx) DeleteEntry(ctx context.Context, id string) error {
	return t.deleteByID(ctx, "price_book_entries", "price-book entry", id)
}

// ListEntries returns a page of a book's entries.
func (t *Tx) ListEntries(ctx context.Context, f catalog.EntryFilter) ([]catalog.Entry, error) {
	var where []string
	var args []any
	where, args = eq(where, args, "price_book_id", f.PriceBookID)
	where, args = eq(where, args, "product_id", f.ProductID)
	var rows []entryRow
	if err := t.list(ctx, &rows, entryCols, "price_book_entries", where, args, f.After, f.Limit); err != nil {
		return nil, err
	}
	out := make([]catalog.Entry, len(rows))
	for i, r := range rows {
		e, err := r.entry()
		if err != nil {
			return nil, err
		}
		out[i] = e
	}
	return out, nil
}

var _ catalog.Store = (*Tx)(nil)

func costRate(d *dbDec) *decimal.Decimal {
	if d == nil {
		return nil
	}
	v := d.Decimal
	return &v
}

// billingType is a product's billing type as stored: one_time unless it
// says otherwise.
func billingType(p catalog.Product) string {
	if p.BillingType == "" {
		return string(catalog.OneTime)
	}
	return string(p.BillingType)
}
