package server

import (
	"fmt"
	"sort"
	"time"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/catalog"
)

// OptionJSON is one value of an enum attribute.
type OptionJSON struct {
	Code       string `json:"code" pattern:"^[a-z][a-z0-9_]{0,49}$"`
	Label      string `json:"label" maxLength:"100"`
	PriceDelta *Dec   `json:"price_delta"`
}

// AttributeJSON is a configurable attribute of a product: enum (options
// with price deltas), number (min, max, step) or boolean.
type AttributeJSON struct {
	Code     string       `json:"code" pattern:"^[a-z][a-z0-9_]{0,49}$"`
	Name     string       `json:"name" maxLength:"100"`
	Type     string       `json:"type" enum:"enum,number,boolean"`
	Required bool         `json:"required"`
	Options  []OptionJSON `json:"options,omitempty"`
	Min      *Dec         `json:"min,omitempty"`
	Max      *Dec         `json:"max,omitempty"`
	Step     *Dec         `json:"step,omitempty"`
	Unit     string       `json:"unit,omitempty" maxLength:"20"`
	Default  string       `json:"default,omitempty"`
}

// ComponentJSON is a product inside a bundle.
type ComponentJSON struct {
	ProductID string `json:"product_id"`
	Quantity  *Dec   `json:"quantity"`
	Required  bool   `json:"required"`
}

// ProductJSON is a product as the API shows it.
type ProductJSON struct {
	ID             string `json:"id"`
	SKU            string `json:"sku"`
	Name           string `json:"name"`
	Description    string `json:"description"`
	Family         string `json:"family"`
	Kind           string `json:"kind" enum:"good,service"`
	UOM            string `json:"uom"`
	UnitCost       string `json:"unit_cost" format:"decimal"`
	TaxCategory    string `json:"tax_category"`
	Active         bool   `json:"active"`
	TrackInventory bool   `json:"track_inventory"`
	IsBundle       bool   `json:"is_bundle"`
	// BillingType is one_time or recurring; a recurring product's price
	// is per BillingPeriod.
	BillingType       string          `json:"billing_type" enum:"one_time,recurring"`
	BillingPeriod     string          `json:"billing_period,omitempty" enum:"month,quarter,year"`
	DefaultTermMonths int             `json:"default_term_months,omitempty"`
	Attributes        []AttributeJSON `json:"attributes"`
	Components        []ComponentJSON `json:"components"`
	Version           int             `json:"version"`
	CreatedAt         time.Time       `json:"created_at"`
	UpdatedAt         time.Time       `json:"updated_at"`
}

// ProductRequest creates a product (sku, name and family required) or, in
// a PATCH, changes the fields given; attributes and components replace the
// whole list.
type ProductRequest struct {
	SKU               *string          `json:"sku" maxLength:"64"`
	Name              *string          `json:"name" maxLength:"200"`
	Description       *string          `json:"description" maxLength:"4000"`
	Family            *string          `json:"family" pattern:"^[a-z][a-z0-9_]{0,49}$"`
	Kind              *string          `json:"kind" enum:"good,service"`
	UOM               *string          `json:"uom" maxLength:"20"`
	UnitCost          *Dec             `json:"unit_cost"`
	TaxCategory       *string          `json:"tax_category"`
	Active            *bool            `json:"active"`
	TrackInventory    *bool            `json:"track_inventory"`
	BillingType       *string          `json:"billing_type" enum:"one_time,recurring"`
	BillingPeriod     *string          `json:"billing_period" enum:"month,quarter,year"`
	DefaultTermMonths *int             `json:"default_term_months" minimum:"0" maximum:"120"`
	Attributes        *[]AttributeJSON `json:"attributes"`
	Components        *[]ComponentJSON `json:"components"`
}

func decStr(d *decimal.Decimal) *Dec {
	if d == nil {
		return nil
	}
	return DecOf(d.String())
}

func productJSON(p catalog.Product) ProductJSON {
	out := ProductJSON{ID: p.ID, SKU: p.SKU, Name: p.Name, Description: p.Description, Family: p.Family,
		Kind: string(p.Kind), UOM: p.UOM, UnitCost: fmtDec(p.UnitCost, 2), TaxCategory: p.TaxCategory,
		Active: p.Active, TrackInventory: p.TrackInventory, IsBundle: p.IsBundle(),
		BillingType: string(p.BillingType), BillingPeriod: string(p.BillingPeriod), DefaultTermMonths: p.DefaultTermMonths,
		Attributes: make([]AttributeJSON, 0, len(p.Attributes)), Components: make([]ComponentJSON, 0, len(p.Components)),
		Version: p.Version, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
	for _, a := range p.Attributes {
		aj := AttributeJSON{Code: a.Code, Name: a.Name, Type: string(a.Type), Required: a.Required, Unit: a.Unit,
			Default: a.Default, Min: decStr(a.Min), Max: decStr(a.Max), Step: decStr(a.Step)}
		for _, o := range a.Options {
			aj.Options = append(aj.Options, OptionJSON{Code: o.Code, Label: o.Label, PriceDelta: DecOf(fmtDec(o.PriceDelta, 2))})
		}
		out.Attributes = append(out.Attributes, aj)
	}
	for _, c := range p.Components {
		out.Components = append(out.Components, ComponentJSON{ProductID: c.ProductID, Quantity: DecOf(fmtDec(c.Quantity, 0)), Required: c.Required})
	}
	return out
}

func attributes(p *quotient.Problems, in []AttributeJSON) []catalog.Attribute {
	out := make([]catalog.Attribute, len(in))
	for i, a := range in {
		f := fmt.Sprintf("attributes[%d]", i)
		out[i] = catalog.Attribute{Code: a.Code, Name: a.Name, Type: catalog.AttrType(a.Type), Required: a.Required,
			Unit: a.Unit, Default: a.Default, Min: a.Min.Ptr(p, f+".min"), Max: a.Max.Ptr(p, f+".max"), Step: a.Step.Ptr(p, f+".step")}
		for j, o := range a.Options {
			out[i].Options = append(out[i].Options, catalog.Option{Code: o.Code, Label: o.Label,
				PriceDelta: o.PriceDelta.Value(p, fmt.Sprintf("%s.options[%d].price_delta", f, j))})
		}
	}
	return out
}

func components(p *quotient.Problems, in []ComponentJSON) []catalog.Component {
	out := make([]catalog.Component, len(in))
	for i, c := range in {
		f := fmt.Sprintf("components[%d].quantity", i)
		if c.Quantity == nil {
			p.Add(f, "is required")
		}
		out[i] = catalog.Component{ProductID: c.ProductID, Quantity: c.Quantity.Value(p, f), Required: c.Required}
	}
	return out
}

func (r ProductRequest) input() (catalog.ProductInput, error) {
	p := quotient.Problems{}
	in := catalog.ProductInput{SKU: strOr(r.SKU), Name: strOr(r.Name), Description: strOr(r.Description),
		Family: strOr(r.Family), Kind: catalog.Kind(strOr(r.Kind)), UOM: strOr(r.UOM),
		UnitCost: r.UnitCost.Value(&p, "unit_cost"), TaxCategory: strOr(r.TaxCategory), Active: r.Active,
		TrackInventory: r.TrackInventory, BillingType: catalog.BillingType(strOr(r.BillingType)),
		BillingPeriod: catalog.BillingPeriod(strOr(r.BillingPeriod))}
	if r.DefaultTermMonths != nil {
		in.DefaultTermMonths = *r.DefaultTermMonths
	}
	if r.Attributes != nil {
		in.Attributes = attributes(&p, *r.Attributes)
	}
	if r.Components != nil {
		in.Components = components(&p, *r.Components)
	}
	return in, p.Err()
}

func (r ProductRequest) patch() (catalog.ProductPatch, error) {
	p := quotient.Problems{}
	out := catalog.ProductPatch{SKU: r.SKU, Name: r.Name, Description: r.Description, Family: r.Family, UOM: r.UOM,
		UnitCost: r.UnitCost.Ptr(&p, "unit_cost"), TaxCategory: r.TaxCategory, Active: r.Active, TrackInventory: r.TrackInventory,
		DefaultTermMonths: r.DefaultTermMonths}
	if r.BillingType != nil {
		b := catalog.BillingType(*r.BillingType)
		out.BillingType = &b
	}
	if r.BillingPeriod != nil {
		b := catalog.BillingPeriod(*r.BillingPeriod)
		out.BillingPeriod = &b
	}
	if r.Kind != nil {
		k := catalog.Kind(*r.Kind)
		out.Kind = &k
	}
	if r.Attributes != nil {
		a := attributes(&p, *r.Attributes)
		out.Attributes = &a
	}
	if r.Components != nil {
		c := components(&p, *r.Components)
		out.Components = &c
	}
	return out, p.Err()
}

// PriceBookJSON is a price book.
type PriceBookJSON struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Currency    string    `json:"currency"`
	IsDefault   bool      `json:"is_default"`
	Active      bool      `json:"active"`
	ValidFrom   *string   `json:"valid_from" format:"date"`
	ValidTo     *string   `json:"valid_to" format:"date"`
	CostRate    *string   `json:"cost_rate" format:"decimal"`
	Version     int       `json:"version"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// PriceBookRequest creates a price book (name and currency required) or
// changes one; the currency of a book never changes.
type PriceBookRequest struct {
	Name        *string `json:"name" maxLength:"200"`
	Description *string `json:"description" maxLength:"4000"`
	Currency    *string `json:"currency" pattern:"^[A-Z]{3}$"`
	IsDefault   *bool   `json:"is_default"`
	Active      *bool   `json:"active"`
	ValidFrom   *string `json:"valid_from" format:"date"`
	ValidTo     *string `json:"valid_to" format:"date"`
	// CostRate converts products' unit_cost (kept in the company's cost
	// currency) into this book's currency, for margins: 150 for a JPY book
	// when costs are in USD.
	CostRate *Dec `json:"cost_rate"`
}

func priceBookJSON(b catalog.PriceBook) PriceBookJSON {
	return PriceBookJSON{ID: b.ID, Name: b.Name, Description: b.Description, Currency: b.Currency, IsDefault: b.IsDefault,
		Active: b.Active, ValidFrom: optStr(b.ValidFrom.String()), ValidTo: optStr(b.ValidTo.String()), CostRate: fmtDecPtr(b.CostRate), Version: b.Version,
		CreatedAt: b.CreatedAt, UpdatedAt: b.UpdatedAt}
}

func (r PriceBookRequest) input() (catalog.PriceBookInput, error) {
	p := quotient.Problems{}
	in := catalog.PriceBookInput{Name: strOr(r.Name), Description: strOr(r.Description), Currency: strOr(r.Currency),
		Active: r.Active, ValidFrom: day(&p, "valid_from", r.ValidFrom), ValidTo: day(&p, "valid_to", r.ValidTo), CostRate: r.CostRate.Ptr(&p, "cost_rate")}
	if r.IsDefault != nil {
		in.IsDefault = *r.IsDefault
	}
	return in, p.Err()
}

func (r PriceBookRequest) patch() (catalog.PriceBookPatch, error) {
	if r.Currency != nil {
		return catalog.PriceBookPatch{}, quotient.FieldErrorf(quotient.Unprocessable, "currency",
			"a price book's currency cannot change; create a price book in the other currency")
	}
	p := quotient.Problems{}
	return catalog.PriceBookPatch{Name: r.Name, Description: r.Description, IsDefault: r.IsDefault, Active: r.Active,
		ValidFrom: dayPatch(&p, "valid_from", r.ValidFrom), ValidTo: dayPatch(&p, "valid_to", r.ValidTo), CostRate: r.CostRate.Ptr(&p, "cost_rate")}, p.Err()
}

// EntryJSON is a product's price in a price book.
type EntryJSON struct {
	ID           string            `json:"id"`
	PriceBookID  string            `json:"price_book_id"`
	ProductID    string            `json:"product_id"`
	UnitPrice    string            `json:"unit_price" format:"decimal"`
	OptionPrices map[string]string `json:"option_prices"`
	Active       bool              `json:"active"`
	Version      int               `json:"version"`
	CreatedAt    time.Time         `json:"created_at"`
	UpdatedAt    time.Time         `json:"updated_at"`
}

// EntryRequest creates an entry (product_id and unit_price required) or
// changes one. option_prices maps "attribute_code.option_code" to the
// option's price in this book, overriding the product's delta.
type EntryRequest struct {
	ProductID    *string         `json:"product_id"`
	UnitPrice    *Dec            `json:"unit_price"`
	OptionPrices *map[string]Dec `json:"option_prices"`
	Active       *bool           `json:"active"`
}

func entryJSON(currency string) func(catalog.Entry) EntryJSON {
	return func(e catalog.Entry) EntryJSON {
		ops := make(map[string]string, len(e.OptionPrices))
		for k, v := range e.OptionPrices {
			ops[k] = fmtMoney(v, currency)
		}
		return EntryJSON{ID: e.ID, PriceBookID: e.PriceBookID, ProductID: e.ProductID, UnitPrice: fmtMoney(e.UnitPrice, currency),
			OptionPrices: ops, Active: e.Active, Version: e.Version, CreatedAt: e.CreatedAt, UpdatedAt: e.UpdatedAt}
	}
}

func optionPrices(p *quotient.Problems, in *map[string]Dec) *map[string]decimal.Decimal {
	if in == nil {
		return nil
	}
	keys := make([]string, 0, len(*in))
	for k := range *in {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make(map[string]decimal.Decimal, len(keys))
	for _, k := range keys {
		d := (*in)[k]
		out[k] = d.Value(p, "option_prices."+k)
	}
	return &out
}

func (r EntryRequest) input() (catalog.EntryInput, error) {
	p := quotient.Problems{}
	if r.UnitPrice == nil {
		p.Add("unit_price", "is required")
	}
	in := catalog.EntryInput{ProductID: strOr(r.ProductID), UnitPrice: r.UnitPrice.Value(&p, "unit_price"), Active: r.Active}
	if ops := optionPrices(&p, r.OptionPrices); ops != nil {
		in.OptionPrices = *ops
	}
	return in, p.Err()
}

func (r EntryRequest) patch() (catalog.EntryPatch, error) {
	p := quotient.Problems{}
	if r.ProductID != nil {
		p.Add("product_id", "an entry cannot move to another product; create a new entry")
	}
	out := catalog.EntryPatch{UnitPrice: r.UnitPrice.Ptr(&p, "unit_price"), OptionPrices: optionPrices(&p, r.OptionPrices), Active: r.Active}
	return out, p.Err()
}
