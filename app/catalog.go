package app

import (
	"context"
	"io"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/catalog"
)

// Products lists products.
func (a *App) Products(ctx context.Context, f catalog.ProductFilter) ([]catalog.Product, error) {
	return read(ctx, a, func(tx Tx) ([]catalog.Product, error) { return a.catalog.ListProducts(ctx, tx, f) })
}

// CreateProduct adds a product or bundle (admin).
func (a *App) CreateProduct(ctx context.Context, in catalog.ProductInput) (catalog.Product, error) {
	return change(ctx, a, func(tx Tx) (catalog.Product, error) { return a.catalog.CreateProduct(ctx, tx, in) })
}

// Product returns a product.
func (a *App) Product(ctx context.Context, id string) (catalog.Product, error) {
	return read(ctx, a, func(tx Tx) (catalog.Product, error) { return a.catalog.GetProduct(ctx, tx, id) })
}

// UpdateProduct changes a product (admin) read at version (0: any).
func (a *App) UpdateProduct(ctx context.Context, id string, version int, p catalog.ProductPatch) (catalog.Product, error) {
	return change(ctx, a, func(tx Tx) (catalog.Product, error) { return a.catalog.UpdateProduct(ctx, tx, id, version, p) })
}

// Removed is a product's fate: deleted, or, when a bundle or a document
// refers to it, deactivated.
type Removed struct {
	Product catalog.Product
	Deleted bool
}

// DeleteProduct deletes an unused product, or deactivates one something
// refers to (admin).
func (a *App) DeleteProduct(ctx context.Context, id string) (Removed, error) {
	return change(ctx, a, func(tx Tx) (Removed, error) {
		p, deleted, err := a.catalog.DeleteProduct(ctx, tx, id)
		return Removed{p, deleted}, err
	})
}

// ImportProducts creates or updates products from CSV (admin), all or
// nothing: a file with faults in its rows is a *catalog.ImportError
// naming each, and imports nothing.
func (a *App) ImportProducts(ctx context.Context, r io.ReadSeeker, progress func(done, total int)) (catalog.ImportResult, error) {
	return a.importCSV(ctx, r, func(tx Tx) (catalog.ImportResult, error) { return a.catalog.ImportProducts(ctx, tx, r, progress) })
}

// ImportEntries creates or updates price-book entries from CSV (admin),
// all or nothing, like ImportProducts.
func (a *App) ImportEntries(ctx context.Context, r io.ReadSeeker, progress func(done, total int)) (catalog.ImportResult, error) {
	return a.importCSV(ctx, r, func(tx Tx) (catalog.ImportResult, error) { return a.catalog.ImportEntries(ctx, tx, r, progress) })
}

// importCSV runs an import in one transaction, reading the file from its
// start on every attempt.
func (a *App) importCSV(ctx context.Context, r io.ReadSeeker, fn func(Tx) (catalog.ImportResult, error)) (catalog.ImportResult, error) {
	return change(ctx, a, func(tx Tx) (catalog.ImportResult, error) {
		if _, err := r.Seek(0, io.SeekStart); err != nil {
			return catalog.ImportResult{}, err
		}
		return fn(tx)
	})
}

// PriceBooks lists price books.
func (a *App) PriceBooks(ctx context.Context, f catalog.PriceBookFilter) ([]catalog.PriceBook, error) {
	return read(ctx, a, func(tx Tx) ([]catalog.PriceBook, error) { return a.catalog.ListPriceBooks(ctx, tx, f) })
}

// CreatePriceBook adds a price book (admin).
func (a *App) CreatePriceBook(ctx context.Context, in catalog.PriceBookInput) (catalog.PriceBook, error) {
	return change(ctx, a, func(tx Tx) (catalog.PriceBook, error) { return a.catalog.CreatePriceBook(ctx, tx, in) })
}

// PriceBook returns a price book.
func (a *App) PriceBook(ctx context.Context, id string) (catalog.PriceBook, error) {
	return read(ctx, a, func(tx Tx) (catalog.PriceBook, error) { return a.catalog.GetPriceBook(ctx, tx, id) })
}

// UpdatePriceBook changes a price book (admin) read at version (0: any).
func (a *App) UpdatePriceBook(ctx context.Context, id string, version int, p catalog.PriceBookPatch) (catalog.PriceBook, error) {
	return change(ctx, a, func(tx Tx) (catalog.PriceBook, error) { return a.catalog.UpdatePriceBook(ctx, tx, id, version, p) })
}

// DeletePriceBook deletes a price book and its entries (admin).
func (a *App) DeletePriceBook(ctx context.Context, id string) error {
	return do(ctx, a, func(tx Tx) error { return a.catalog.DeletePriceBook(ctx, tx, id) })
}

// PricedEntry is a price-book entry with its book's currency, which its
// amounts are in.
type PricedEntry struct {
	catalog.Entry
	Currency string
}

// Entries lists a price book's entries.
func (a *App) Entries(ctx context.Context, f catalog.EntryFilter) ([]PricedEntry, error) {
	return read(ctx, a, func(tx Tx) ([]PricedEntry, error) {
		b, err := a.catalog.GetPriceBook(ctx, tx, f.PriceBookID)
		if err != nil {
			return nil, err
		}
		es, err := a.catalog.ListEntries(ctx, tx, f)
		out := make([]PricedEntry, len(es))
		for i, e := range es {
			out[i] = PricedEntry{e, b.Currency}
		}
		return out, err
	})
}

// CreateEntry prices a product in a price book (admin).
func (a *App) CreateEntry(ctx context.Context, bookID string, in catalog.EntryInput) (PricedEntry, error) {
	return change(ctx, a, func(tx Tx) (PricedEntry, error) {
		return a.priced(ctx, tx)(a.catalog.CreateEntry(ctx, tx, bookID, in))
	})
}

// Entry returns a price-book entry.
func (a *App) Entry(ctx context.Context, bookID, id string) (PricedEntry, error) {
	return read(ctx, a, func(tx Tx) (PricedEntry, error) {
		return a.priced(ctx, tx)(a.catalog.GetEntry(ctx, tx, bookID, id))
	})
}

// UpdateEntry changes a price-book entry (admin) read at version (0: any).
func (a *App) UpdateEntry(ctx context.Context, bookID, id string, version int, p catalog.EntryPatch) (PricedEntry, error) {
	return change(ctx, a, func(tx Tx) (PricedEntry, error) {
		return a.priced(ctx, tx)(a.catalog.UpdateEntry(ctx, tx, bookID, id, version, p))
	})
}

// DeleteEntry deletes a price-book entry (admin).
func (a *App) DeleteEntry(ctx context.Context, bookID, id string) error {
	return do(ctx, a, func(tx Tx) error { return a.catalog.DeleteEntry(ctx, tx, bookID, id) })
}

// priced attaches the currency of an entry's book.
func (a *App) priced(ctx context.Context, tx Tx) func(catalog.Entry, error) (PricedEntry, error) {
	return func(e catalog.Entry, err error) (PricedEntry, error) {
		if err != nil {
			return PricedEntry{}, err
		}
		b, err := a.catalog.GetPriceBook(ctx, tx, e.PriceBookID)
		return PricedEntry{e, b.Currency}, err
	}
}

// Schedules lists volume discount schedules.
func (a *App) Schedules(ctx context.Context, p quotient.Page) ([]catalog.Schedule, error) {
	return read(ctx, a, func(tx Tx) ([]catalog.Schedule, error) { return a.catalog.ListSchedules(ctx, tx, p) })
}

// CreateSchedule adds a volume discount schedule (admin).
func (a *App) CreateSchedule(ctx context.Context, in catalog.Schedule) (catalog.Schedule, error) {
	return change(ctx, a, func(tx Tx) (catalog.Schedule, error) { return a.catalog.CreateSchedule(ctx, tx, in) })
}

// Schedule returns a discount schedule.
func (a *App) Schedule(ctx context.Context, id string) (catalog.Schedule, error) {
	return read(ctx, a, func(tx Tx) (catalog.Schedule, error) { return a.catalog.GetSchedule(ctx, tx, id) })
}

// UpdateSchedule changes a discount schedule (admin) read at version (0:
// any).
func (a *App) UpdateSchedule(ctx context.Context, id string, version int, p catalog.SchedulePatch) (catalog.Schedule, error) {
	return change(ctx, a, func(tx Tx) (catalog.Schedule, error) { return a.catalog.UpdateSchedule(ctx, tx, id, version, p) })
}

// DeleteSchedule deletes a discount schedule (admin).
func (a *App) DeleteSchedule(ctx context.Context, id string) error {
	return do(ctx, a, func(tx Tx) error { return a.catalog.DeleteSchedule(ctx, tx, id) })
}

// ConfigRules lists a product's configuration rules.
func (a *App) ConfigRules(ctx context.Context, productID string, p quotient.Page) ([]catalog.ConfigRule, error) {
	return read(ctx, a, func(tx Tx) ([]catalog.ConfigRule, error) { return a.catalog.ListConfigRules(ctx, tx, productID, p) })
}

// CreateConfigRule adds a configuration rule to a product (admin).
func (a *App) CreateConfigRule(ctx context.Context, productID string, in catalog.ConfigRule) (catalog.ConfigRule, error) {
	return change(ctx, a, func(tx Tx) (catalog.ConfigRule, error) { return a.catalog.CreateConfigRule(ctx, tx, productID, in) })
}

// ConfigRule returns a configuration rule.
func (a *App) ConfigRule(ctx context.Context, productID, id string) (catalog.ConfigRule, error) {
	return read(ctx, a, func(tx Tx) (catalog.ConfigRule, error) { return a.catalog.GetConfigRule(ctx, tx, productID, id) })
}

// UpdateConfigRule changes a configuration rule (admin) read at version
// (0: any).
func (a *App) UpdateConfigRule(ctx context.Context, productID, id string, version int, p catalog.ConfigRulePatch) (catalog.ConfigRule, error) {
	return change(ctx, a, func(tx Tx) (catalog.ConfigRule, error) {
		return a.catalog.UpdateConfigRule(ctx, tx, productID, id, version, p)
	})
}

// DeleteConfigRule deletes a configuration rule (admin).
func (a *App) DeleteConfigRule(ctx context.Context, productID, id string) error {
	return do(ctx, a, func(tx Tx) error { return a.catalog.DeleteConfigRule(ctx, tx, productID, id) })
}

// ConfigureInput is a configuration to check, optionally for an account
// (whose facts rules may test) and in a price book (whose option prices
// are shown: the one named, else the account's, else its currency's
// default).
type ConfigureInput struct {
	AccountID     string
	PriceBookID   string
	Configuration map[string]string
}

// Configured is a configuration as the rules resolve it, with the
// currency of the price book its prices come from ("" without one).
type Configured struct {
	catalog.Configuration
	Currency string
}

// Configure applies a product's configuration rules to a configuration.
func (a *App) Configure(ctx context.Context, productID string, in ConfigureInput) (Configured, error) {
	return read(ctx, a, func(tx Tx) (Configured, error) {
		cin := catalog.ConfigureInput{Configuration: in.Configuration}
		bookID, currency := in.PriceBookID, ""
		if in.AccountID != "" {
			acc, err := a.crm.GetAccount(ctx, tx, in.AccountID)
			if err != nil {
				if quotient.ErrorCode(err) == quotient.NotFound {
					return Configured{}, quotient.FieldErrorf(quotient.Unprocessable, "account_id", "no such account %q", in.AccountID)
				}
				return Configured{}, err
			}
			cin.Account = catalog.ConfigAccount{ID: acc.ID, Segment: acc.Segment, Industry: acc.Industry, TaxRegion: acc.TaxRegion, Currency: acc.Currency}
			cin.Quote.Currency = acc.Currency
			if bookID == "" {
				bookID = acc.PriceBookID
			}
			if bookID == "" {
				if b, err := tx.DefaultPriceBook(ctx, acc.Currency); err == nil {
					bookID = b.ID
				}
			}
		}
		if bookID != "" {
			b, err := tx.GetPriceBook(ctx, bookID)
			if err != nil {
				return Configured{}, quotient.FieldErrorf(quotient.Unprocessable, "price_book_id", "no such price book %q", bookID)
			}
			currency = b.Currency
			if e, err := tx.EntryFor(ctx, bookID, productID); err == nil {
				cin.Entry = &e
			}
		}
		out, err := a.catalog.Configure(ctx, tx, productID, cin)
		return Configured{out, currency}, err
	})
}
