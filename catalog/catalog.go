package catalog

import (
	"context"
	"time"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
)

// Kind says whether a product is a physical good or a service.
type Kind string

// The product kinds.
const (
	KindGood    Kind = "good"
	KindService Kind = "service"
)

// AttrType is the type of a configurable attribute.
type AttrType string

// The attribute types.
const (
	Enum    AttrType = "enum"
	Number  AttrType = "number"
	Boolean AttrType = "boolean"
)

// Option is one allowed value of an enum attribute, with the list price it
// adds (in the price book's currency unless the entry overrides it).
type Option struct {
	Code       string
	Label      string
	PriceDelta decimal.Decimal
}

// Attribute is one thing a buyer chooses when configuring a product.
type Attribute struct {
	Code     string
	Name     string
	Type     AttrType
	Required bool
	Options  []Option
	Min      *decimal.Decimal
	Max      *decimal.Decimal
	Step     *decimal.Decimal
	Unit     string
	Default  string
}

// Component is a product inside a bundle.
type Component struct {
	ProductID string
	Quantity  decimal.Decimal
	Required  bool
}

// Product is something Quotient sells.
type Product struct {
	ID             string
	SKU            string
	Name           string
	Description    string
	Family         string
	Kind           Kind
	UOM            string
	UnitCost       decimal.Decimal
	TaxCategory    string
	Active         bool
	TrackInventory bool
	Attributes     []Attribute
	Components     []Component
	// BillingType is one_time or recurring. A recurring product's price
	// book price is per BillingPeriod (month, quarter, year), and a quote
	// line for it runs for a term (DefaultTermMonths unless the line says).
	BillingType       BillingType
	BillingPeriod     BillingPeriod
	DefaultTermMonths int
	Version           int
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// BillingType says whether a product is sold once or by the period.
type BillingType string

// The billing types of docs/api.md.
const (
	OneTime   BillingType = "one_time"
	Recurring BillingType = "recurring"
)

// BillingPeriod is what a recurring product's price pays for.
type BillingPeriod string

// The billing periods of docs/api.md.
const (
	Month   BillingPeriod = "month"
	Quarter BillingPeriod = "quarter"
	Year    BillingPeriod = "year"
)

// Months is the length of the period in months (0 for an unknown one).
func (p BillingPeriod) Months() int {
	switch p {
	case Month:
		return 1
	case Quarter:
		return 3
	case Year:
		return 12
	}
	return 0
}

// Adverb is how often the period comes, in English: monthly, quarterly,
// annually.
func (p BillingPeriod) Adverb() string {
	switch p {
	case Month:
		return "monthly"
	case Quarter:
		return "quarterly"
	case Year:
		return "annually"
	}
	return string(p)
}

// IsRecurring reports whether the product is billed by the period.
func (p Product) IsRecurring() bool { return p.BillingType == Recurring }

// IsBundle reports whether the product is sold as a bundle of components.
func (p Product) IsBundle() bool { return len(p.Components) > 0 }

// PriceBook is a list of prices in one currency.
type PriceBook struct {
	ID          string
	Name        string
	Description string
	Currency    string
	IsDefault   bool
	Active      bool
	ValidFrom   quotient.Date
	ValidTo     quotient.Date
	// CostRate converts products' unit_cost into the book's currency
	// (book units per cost unit); nil when the book is in the cost
	// currency or no rate is known.
	CostRate  *decimal.Decimal
	Version   int
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Entry is a product's price in a price book. OptionPrices overrides option
// deltas, keyed "attribute_code.option_code".
type Entry struct {
	ID           string
	PriceBookID  string
	ProductID    string
	UnitPrice    decimal.Decimal
	OptionPrices map[string]decimal.Decimal
	Active       bool
	Version      int
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// ProductFilter narrows a list of products.
type ProductFilter struct {
	quotient.Page
	Family string
	Kind   string
	Active *bool
	Q      string
}

// PriceBookFilter narrows a list of price books.
type PriceBookFilter struct {
	quotient.Page
	Currency string
	Q        string
}

// EntryFilter narrows a list of price-book entries.
type EntryFilter struct {
	quotient.Page
	PriceBookID string
	ProductID   string
}

// Store is what catalog needs from storage, inside the caller's
// transaction. Get methods return a not_found Error when absent; Update
// methods a stale Error when the stored version is not the one given.
type Store interface {
	InsertProduct(ctx context.Context, p Product) error
	GetProduct(ctx context.Context, id string) (Product, error)
	GetProductBySKU(ctx context.Context, sku string) (Product, error)
	UpdateProduct(ctx context.Context, p Product, version int) error
	DeleteProduct(ctx context.Context, id string) error
	ListProducts(ctx context.Context, f ProductFilter) ([]Product, error)
	// ProductReferenced reports whether any document or bundle refers to
	// the product, in which case it may only be deactivated.
	ProductReferenced(ctx context.Context, id string) (bool, error)

	InsertPriceBook(ctx context.Context, b PriceBook) error
	GetPriceBook(ctx context.Context, id string) (PriceBook, error)
	UpdatePriceBook(ctx context.Context, b PriceBook, version int) error
	DeletePriceBook(ctx context.Context, id string) error
	ListPriceBooks(ctx context.Context, f PriceBookFilter) ([]PriceBook, error)
	// ClearDefault unsets is_default on every book of the currency but keep.
	ClearDefault(ctx context.Context, currency, keep string) error

	InsertEntry(ctx context.Context, e Entry) error
	GetEntry(ctx context.Context, id string) (Entry, error)
	EntryFor(ctx context.Context, bookID, productID string) (Entry, error)
	UpdateEntry(ctx context.Context, e Entry, version int) error
	DeleteEntry(ctx context.Context, id string) error
	ListEntries(ctx context.Context, f EntryFilter) ([]Entry, error)

	InsertSchedule(ctx context.Context, s Schedule) error
	GetSchedule(ctx context.Context, id string) (Schedule, error)
	UpdateSchedule(ctx context.Context, s Schedule, version int) error
	DeleteSchedule(ctx context.Context, id string) error
	ListSchedules(ctx context.Context, p quotient.Page) ([]Schedule, error)
	InsertConfigRule(ctx context.Context, r ConfigRule) error
	GetConfigRule(ctx context.Context, id string) (ConfigRule, error)
	UpdateConfigRule(ctx context.Context, r ConfigRule, version int) error
	DeleteConfigRule(ctx context.Context, id string) error
	ListConfigRules(ctx context.Context, productID string, p quotient.Page) ([]ConfigRule, error)
	// BumpRulebook advances the pricing rulebook's version: schedules are
	// part of it.
	BumpRulebook(ctx context.Context) (int, error)
}

// ProductsReader reads products by id.
type ProductsReader interface {
	ProductsByID(ctx context.Context, ids []string) (map[string]Product, error)
}

// WithComponents loads products and the components of those that are
// bundles, by id, in two reads at most.
func WithComponents(ctx context.Context, st ProductsReader, ids []string) (map[string]Product, error) {
	products, err := st.ProductsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	var more []string
	for _, p := range products {
		for _, c := range p.Components {
			if _, ok := products[c.ProductID]; !ok {
				more = append(more, c.ProductID)
			}
		}
	}
	if len(more) == 0 {
		return products, nil
	}
	comps, err := st.ProductsByID(ctx, more)
	for id, p := range comps {
		products[id] = p
	}
	return products, err
}
