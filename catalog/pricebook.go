package catalog

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
)

// PriceBookInput holds the fields of a new price book.
type PriceBookInput struct {
	Name        string
	Description string
	Currency    string
	IsDefault   bool
	Active      *bool
	ValidFrom   quotient.Date
	ValidTo     quotient.Date
	CostRate    *decimal.Decimal
}

// PriceBookPatch holds the fields to change; nil leaves a field as it is.
type PriceBookPatch struct {
	Name        *string
	Description *string
	IsDefault   *bool
	Active      *bool
	ValidFrom   *quotient.Date
	ValidTo     *quotient.Date
	CostRate    *decimal.Decimal
}

func validatePriceBook(b PriceBook) error {
	p := quotient.Problems{}
	p.Text("name", b.Name, quotient.Required, 200)
	p.Text("description", b.Description, quotient.Optional, 4000)
	p.Currency("currency", b.Currency)
	if !b.ValidFrom.IsZero() && !b.ValidTo.IsZero() && b.ValidTo.Before(b.ValidFrom) {
		p.Add("valid_to", "must not be before valid_from")
	}
	if b.CostRate != nil {
		if !b.CostRate.IsPositive() {
			p.Add("cost_rate", "must be greater than zero")
		}
		p.Scale("cost_rate", *b.CostRate, 8)
	}
	if b.IsDefault && !b.Active {
		p.Add("is_default", "an inactive price book cannot be the default")
	}
	return p.Err()
}

// CreatePriceBook adds a price book; making it the default of its currency
// unsets the previous default in the same transaction.
func (s *Service) CreatePriceBook(ctx context.Context, st Store, in PriceBookInput) (PriceBook, error) {
	if err := requireCatalogAdmin(ctx); err != nil {
		return PriceBook{}, err
	}
	now := s.now().UTC()
	b := PriceBook{ID: quotient.NewID("pb"), Name: strings.TrimSpace(in.Name), Description: in.Description,
		Currency: in.Currency, IsDefault: in.IsDefault, Active: true, ValidFrom: in.ValidFrom, ValidTo: in.ValidTo, CostRate: in.CostRate,
		Version: 1, CreatedAt: now, UpdatedAt: now}
	if in.Active != nil {
		b.Active = *in.Active
	}
	if err := validatePriceBook(b); err != nil {
		return PriceBook{}, err
	}
	if b.IsDefault {
		if err := st.ClearDefault(ctx, b.Currency, b.ID); err != nil {
			return PriceBook{}, err
		}
	}
	return b, st.InsertPriceBook(ctx, b)
}

// GetPriceBook returns one price book.
func (s *Service) GetPriceBook(ctx context.Context, st Store, id string) (PriceBook, error) {
	if err := requireActor(ctx); err != nil {
		return PriceBook{}, err
	}
	return st.GetPriceBook(ctx, id)
}

// ListPriceBooks returns a page of price books.
func (s *Service) ListPriceBooks(ctx context.Context, st Store, f PriceBookFilter) ([]PriceBook, error) {
	if err := requireActor(ctx); err != nil {
		return nil, err
	}
	return st.ListPriceBooks(ctx, f)
}

// UpdatePriceBook changes a price book. Its currency never changes: the
// entries are priced in it.
func (s *Service) UpdatePriceBook(ctx context.Context, st Store, id string, version int, p PriceBookPatch) (PriceBook, error) {
	if err := requireCatalogAdmin(ctx); err != nil {
		return PriceBook{}, err
	}
	b, err := st.GetPriceBook(ctx, id)
	if err != nil {
		return PriceBook{}, err
	}
	if err := quotient.CheckVersion("price book", version, b.Version); err != nil {
		return PriceBook{}, err
	}
	old := b
	set(&b.Name, p.Name)
	set(&b.Description, p.Description)
	set(&b.IsDefault, p.IsDefault)
	set(&b.Active, p.Active)
	set(&b.ValidFrom, p.ValidFrom)
	set(&b.ValidTo, p.ValidTo)
	if p.CostRate != nil {
		b.CostRate = p.CostRate
	}
	if err := validatePriceBook(b); err != nil {
		return PriceBook{}, err
	}
	if b.IsDefault && !old.IsDefault {
		if err := st.ClearDefault(ctx, b.Currency, b.ID); err != nil {
			return PriceBook{}, err
		}
	}
	b.Version++
	b.UpdatedAt = s.now().UTC()
	return b, st.UpdatePriceBook(ctx, b, old.Version)
}

// DeletePriceBook removes a price book and its entries.
func (s *Service) DeletePriceBook(ctx context.Context, st Store, id string) error {
	if err := requireCatalogAdmin(ctx); err != nil {
		return err
	}
	if _, err := st.GetPriceBook(ctx, id); err != nil {
		return err
	}
	return st.DeletePriceBook(ctx, id)
}

// EntryInput holds the fields of a new price-book entry.
type EntryInput struct {
	ProductID    string
	UnitPrice    decimal.Decimal
	OptionPrices map[string]decimal.Decimal
	Active       *bool
}

// EntryPatch holds the fields to change; nil leaves a field as it is.
type EntryPatch struct {
	UnitPrice    *decimal.Decimal
	OptionPrices *map[string]decimal.Decimal
	Active       *bool
}

// validateEntry checks an entry against its product: option prices must
// name enum options the product has.
func validateEntry(e Entry, pr Product) error {
	p := quotient.Problems{}
	p.NonNegative("unit_price", e.UnitPrice, 6)
	keys := make([]string, 0, len(e.OptionPrices))
	for k := range e.OptionPrices {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		f := fmt.Sprintf("option_prices.%s", k)
		attr, opt, ok := strings.Cut(k, ".")
		if !ok || !hasOption(pr, attr, opt) {
			p.Add(f, "product %s has no enum option %q (use attribute_code.option_code)", pr.SKU, k)
			continue
		}
		p.Scale(f, e.OptionPrices[k], 6)
	}
	return p.Err()
}

func hasOption(pr Product, attr, opt string) bool {
	for _, a := range pr.Attributes {
		if a.Code == attr && a.Type == Enum {
			for _, o := range a.Options {
				if o.Code == opt {
					return true
				}
			}
		}
	}
	return false
}

// CreateEntry prices a product in a price book; one entry per product per
// book.
func (s *Service) CreateEntry(ctx context.Context, st Store, bookID string, in EntryInput) (Entry, error) {
	if err := requireCatalogAdmin(ctx); err != nil {
		return Entry{}, err
	}
	if _, err := st.GetPriceBook(ctx, bookID); err != nil {
		return Entry{}, err
	}
	if in.ProductID == "" {
		return Entry{}, quotient.FieldErrorf(quotient.Unprocessable, "product_id", "is required")
	}
	pr, err := st.GetProduct(ctx, in.ProductID)
	if err != nil {
		if quotient.ErrorCode(err) == quotient.NotFound {
			return Entry{}, quotient.FieldErrorf(quotient.Unprocessable, "product_id", "no such product %q", in.ProductID)
		}
		return Entry{}, err
	}
	now := s.now().UTC()
	e := Entry{ID: quotient.NewID("pbe"), PriceBookID: bookID, ProductID: pr.ID, UnitPrice: in.UnitPrice,
		OptionPrices: in.OptionPrices, Active: true, Version: 1, CreatedAt: now, UpdatedAt: now}
	if in.Active != nil {
		e.Active = *in.Active
	}
	if e.OptionPrices == nil {
		e.OptionPrices = map[string]decimal.Decimal{}
	}
	if err := validateEntry(e, pr); err != nil {
		return Entry{}, err
	}
	return e, st.InsertEntry(ctx, e)
}

// GetEntry returns one entry of a price book.
func (s *Service) GetEntry(ctx context.Context, st Store, bookID, id string) (Entry, error) {
	if err := requireActor(ctx); err != nil {
		return Entry{}, err
	}
	e, err := st.GetEntry(ctx, id)
	if err != nil {
		return Entry{}, err
	}
	if e.PriceBookID != bookID {
		return Entry{}, quotient.Errorf(quotient.NotFound, "entry %s not found in price book %s", id, bookID)
	}
	return e, nil
}

// ListEntries returns a page of a price book's entries.
func (s *Service) ListEntries(ctx context.Context, st Store, f EntryFilter) ([]Entry, error) {
	if err := requireActor(ctx); err != nil {
		return nil, err
	}
	if _, err := st.GetPriceBook(ctx, f.PriceBookID); err != nil {
		return nil, err
	}
	return st.ListEntries(ctx, f)
}

// UpdateEntry changes a price-book entry.
func (s *Service) UpdateEntry(ctx context.Context, st Store, bookID, id string, version int, p EntryPatch) (Entry, error) {
	if err := requireCatalogAdmin(ctx); err != nil {
		return Entry{}, err
	}
	e, err := s.GetEntry(ctx, st, bookID, id)
	if err != nil {
		return Entry{}, err
	}
	if err := quotient.CheckVersion("entry", version, e.Version); err != nil {
		return Entry{}, err
	}
	pr, err := st.GetProduct(ctx, e.ProductID)
	if err != nil {
		return Entry{}, err
	}
	old := e.Version
	set(&e.UnitPrice, p.UnitPrice)
	set(&e.OptionPrices, p.OptionPrices)
	set(&e.Active, p.Active)
	if e.OptionPrices == nil {
		e.OptionPrices = map[string]decimal.Decimal{}
	}
	if err := validateEntry(e, pr); err != nil {
		return Entry{}, err
	}
	e.Version++
	e.UpdatedAt = s.now().UTC()
	return e, st.UpdateEntry(ctx, e, old)
}

// DeleteEntry removes a product's price from a book.
func (s *Service) DeleteEntry(ctx context.Context, st Store, bookID, id string) error {
	if err := requireCatalogAdmin(ctx); err != nil {
		return err
	}
	if _, err := s.GetEntry(ctx, st, bookID, id); err != nil {
		return err
	}
	return st.DeleteEntry(ctx, id)
}
