package pricing

import (
	"time"

	"github.com/shopspring/decimal"
)

// LineEnv is what a price rule's condition or formula sees. Field names
// (the expr tags) are the documented names rules use.
type LineEnv struct {
	Line        LineFacts      `expr:"line"`
	Product     ProductFacts   `expr:"product"`
	Account     AccountFacts   `expr:"account"`
	Quote       QuoteFacts     `expr:"quote"`
	Config      map[string]any `expr:"config"`
	PricingDate time.Time      `expr:"pricing_date"`
}

// LineFacts describe the line being priced.
type LineFacts struct {
	Number            int             `expr:"number"`
	Quantity          decimal.Decimal `expr:"quantity"`
	ListPrice         decimal.Decimal `expr:"list_price"`
	UnitPrice         decimal.Decimal `expr:"unit_price"`
	ManualDiscountPct decimal.Decimal `expr:"manual_discount_pct"`
}

// ProductFacts describe the line's product.
type ProductFacts struct {
	ID          string          `expr:"id"`
	SKU         string          `expr:"sku"`
	Name        string          `expr:"name"`
	Family      string          `expr:"family"`
	Kind        string          `expr:"kind"`
	TaxCategory string          `expr:"tax_category"`
	UnitCost    decimal.Decimal `expr:"unit_cost"`
}

// AccountFacts describe the customer.
type AccountFacts struct {
	ID        string `expr:"id"`
	Name      string `expr:"name"`
	Segment   string `expr:"segment"`
	Industry  string `expr:"industry"`
	TaxRegion string `expr:"tax_region"`
	Currency  string `expr:"currency"`
}

// QuoteFacts describe the whole document.
type QuoteFacts struct {
	Currency  string          `expr:"currency"`
	LineCount int             `expr:"line_count"`
	ListTotal decimal.Decimal `expr:"list_total"`
}
