package document

import (
	_ "embed"
	"fmt"
	"strings"

	"github.com/go-pdf/fpdf"
	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
)

//go:embed fonts/ipaexg.ttf
var ipaexGothic []byte

// Party is a company or person on a document.
type Party struct {
	Name    string
	Lines   []string // address lines, phone, e-mail
	Contact string
	Email   string
}

// QuoteLine is one row of the quote's table.
type QuoteLine struct {
	SKU         string
	Description string
	Options     []string // the chosen configuration, "Memory: 256 GB"
	Quantity    decimal.Decimal
	UOM         string
	UnitPrice   decimal.Decimal // after discounts, before the header discount
	ListPrice   decimal.Decimal
	DiscountPct decimal.Decimal
	Net         decimal.Decimal
}

// TaxLine is the tax of one rate.
type TaxLine struct {
	Name    string
	RatePct decimal.Decimal
	Base    decimal.Decimal
	Tax     decimal.Decimal
}

// Quote is what the quote PDF shows.
type Quote struct {
	Company        Party
	Customer       Party
	Number         string
	Version        int
	Date           quotient.Date
	ValidUntil     quotient.Date
	Currency       string
	Lines          []QuoteLine
	Subtotal       decimal.Decimal
	Discount       decimal.Decimal
	HeaderDiscount decimal.Decimal
	NetTotal       decimal.Decimal
	Taxes          []TaxLine
	Total          decimal.Decimal
	Terms          string
	Notes          string
	// ContentHash identifies the priced content; printed small so a
	// signed copy can be matched to what was sent.
	ContentHash string
}

const (
	font   = "ipaex"
	margin = 15.0
	lineH  = 5.0
)

// QuotePDF renders a quote. Long quotes continue on further pages with the
// table header repeated and pages numbered "Page N of M".
func QuotePDF(q Quote) ([]byte, error) {
	sh := sheet{kind: "QUOTE", title: fmt.Sprintf("Quote %s v%d", q.Number, q.Version), ref: fmt.Sprintf("Quote %s, version %d", q.Number, q.Version),
		company: q.Company, customer: q.Customer, partyLabel: "Prepared for",
		facts: [][2]string{{"Number", q.Number}, {"Version", fmt.Sprint(q.Version)}, {"Date", q.Date.String()}, {"Valid until", q.ValidUntil.String()}, {"Currency", q.Currency}},
		cols:  []column{{"SKU", 28, "L"}, {"Description", 62, "L"}, {"Qty", 16, "R"}, {"List", 22, "R"}, {"Discount", 16, "R"}, {"Net", 36, "R"}},
		wrap:  1, blocks: [][2]string{{"Terms", q.Terms}, {"Notes", q.Notes}}}
	for _, l := range q.Lines {
		desc := l.Description
		if len(l.Options) > 0 {
			desc += "\n" + strings.Join(l.Options, "; ")
		}
		qty := Quantity(l.Quantity)
		if l.UOM != "" && l.UOM != "each" {
			qty += " " + l.UOM
		}
		disc := ""
		if l.DiscountPct.IsPositive() {
			disc = Percent(l.DiscountPct.Round(2))
		}
		sh.rows = append(sh.rows, []string{l.SKU, desc, qty, Money(l.ListPrice, q.Currency), disc, Money(l.Net, q.Currency)})
	}
	sh.totals = append(sh.totals, total{label: "List total", value: Money(q.Subtotal, q.Currency)})
	if !q.Discount.IsZero() {
		sh.totals = append(sh.totals, total{label: "Discounts", value: Money(q.Discount.Neg(), q.Currency)})
	}
	sh.totals = append(sh.totals, total{label: "Net total", value: Money(q.NetTotal, q.Currency)})
	sh.totals = append(sh.totals, taxTotals(q.Taxes, q.Currency)...)
	sh.totals = append(sh.totals, total{label: "Total", value: Money(q.Total, q.Currency), bold: true, rule: true})
	sh.tail = func(pdf *fpdf.Fpdf) {
		if pdf.GetY() > 297-55 {
			pdf.AddPage()
		}
		pdf.SetFont(font, "B", 10)
		pdf.CellFormat(0, 6, "Acceptance", "", 1, "L", false, 0, "")
		pdf.SetFont(font, "", 9)
		pdf.MultiCell(0, 4.5, fmt.Sprintf("By signing, %s accepts quote %s version %d for %s, valid until %s.",
			q.Customer.Name, q.Number, q.Version, Money(q.Total, q.Currency), q.ValidUntil), "", "L", false)
		pdf.Ln(8)
		for _, label := range []string{"Name", "Signature", "Date"} {
			pdf.CellFormat(25, 8, label, "", 0, "L", false, 0, "")
			pdf.CellFormat(80, 8, "", "B", 1, "L", false, 0, "")
			pdf.Ln(2)
		}
		if q.ContentHash != "" {
			pdf.SetFont(font, "", 6.5)
			pdf.SetTextColor(130, 130, 130)
			pdf.CellFormat(0, 4, "Content fingerprint: "+q.ContentHash, "", 1, "L", false, 0, "")
		}
	}
	return sh.render()
}

// taxTotals are the tax rows of a document, one per rate.
func taxTotals(taxes []TaxLine, currency string) []total {
	out := make([]total, len(taxes))
	for i, t := range taxes {
		out[i] = total{label: fmt.Sprintf("%s (%s on %s)", t.Name, Percent(t.RatePct), Money(t.Base, currency)), value: Money(t.Tax, currency)}
	}
	return out
}
