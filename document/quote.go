package document

import (
	"bytes"
	_ "embed"
	"fmt"
	"strings"

	"github.com/go-pdf/fpdf"
	"github.com/shopspring/decimal"
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
	Date           string
	ValidUntil     string
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

// columns of the line table: widths in mm (A4 less margins is 180).
var cols = []struct {
	title string
	w     float64
	align string
}{
	{"SKU", 28, "L"}, {"Description", 62, "L"}, {"Qty", 16, "R"}, {"List", 22, "R"}, {"Discount", 16, "R"}, {"Net", 36, "R"},
}

// QuotePDF renders a quote. Long quotes continue on further pages with the
// table header repeated and pages numbered "Page N of M".
func QuotePDF(q Quote) ([]byte, error) {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetMargins(margin, margin, margin)
	pdf.SetAutoPageBreak(true, 18)
	pdf.AddUTF8FontFromBytes(font, "", ipaexGothic)
	pdf.AddUTF8FontFromBytes(font, "B", ipaexGothic)
	pdf.SetTitle(fmt.Sprintf("Quote %s v%d", q.Number, q.Version), true)
	pdf.SetCreator("Quotient", true)
	pdf.AliasNbPages("{nb}")
	inTable := false
	pdf.SetHeaderFunc(func() {
		if pdf.PageNo() > 1 {
			pdf.SetFont(font, "", 8)
			pdf.SetTextColor(110, 110, 110)
			pdf.CellFormat(0, 5, fmt.Sprintf("%s — Quote %s, version %d (continued)", q.Company.Name, q.Number, q.Version), "", 1, "L", false, 0, "")
			pdf.Ln(2)
			if inTable {
				tableHeader(pdf)
			}
		}
	})
	pdf.SetFooterFunc(func() {
		pdf.SetY(-12)
		pdf.SetFont(font, "", 8)
		pdf.SetTextColor(110, 110, 110)
		pdf.CellFormat(90, 5, q.Number+" v"+fmt.Sprint(q.Version), "", 0, "L", false, 0, "")
		pdf.CellFormat(90, 5, fmt.Sprintf("Page %d of {nb}", pdf.PageNo()), "", 0, "R", false, 0, "")
	})
	pdf.AddPage()

	// Company and quote identity.
	pdf.SetTextColor(20, 20, 20)
	pdf.SetFont(font, "B", 16)
	pdf.CellFormat(110, 8, q.Company.Name, "", 0, "L", false, 0, "")
	pdf.SetFont(font, "B", 16)
	pdf.CellFormat(70, 8, "QUOTE", "", 1, "R", false, 0, "")
	pdf.SetFont(font, "", 9)
	y := pdf.GetY()
	for _, l := range q.Company.Lines {
		pdf.CellFormat(110, 4.5, l, "", 1, "L", false, 0, "")
	}
	pdf.SetXY(margin+110, y)
	for _, kv := range [][2]string{{"Number", q.Number}, {"Version", fmt.Sprint(q.Version)}, {"Date", q.Date}, {"Valid until", q.ValidUntil}, {"Currency", q.Currency}} {
		pdf.SetX(margin + 110)
		pdf.CellFormat(30, 4.5, kv[0], "", 0, "L", false, 0, "")
		pdf.CellFormat(40, 4.5, kv[1], "", 1, "R", false, 0, "")
	}
	pdf.Ln(6)

	// Customer.
	pdf.SetFont(font, "B", 10)
	pdf.CellFormat(0, 5, "Prepared for", "", 1, "L", false, 0, "")
	pdf.SetFont(font, "", 10)
	pdf.CellFormat(0, 5, q.Customer.Name, "", 1, "L", false, 0, "")
	pdf.SetFont(font, "", 9)
	for _, l := range q.Customer.Lines {
		pdf.CellFormat(0, 4.5, l, "", 1, "L", false, 0, "")
	}
	if q.Customer.Contact != "" {
		contact := "Attention: " + q.Customer.Contact
		if q.Customer.Email != "" {
			contact += " <" + q.Customer.Email + ">"
		}
		pdf.CellFormat(0, 4.5, contact, "", 1, "L", false, 0, "")
	}
	pdf.Ln(5)

	// The line table.
	tableHeader(pdf)
	inTable = true
	pdf.SetFont(font, "", 8.5)
	for i, l := range q.Lines {
		desc := l.Description
		if len(l.Options) > 0 {
			desc += "\n" + strings.Join(l.Options, "; ")
		}
		descLines := pdf.SplitText(desc, cols[1].w-2)
		h := float64(max(1, len(descLines))) * lineH
		if pdf.GetY()+h > 297-18 {
			pdf.AddPage()
		}
		fill := i%2 == 1
		pdf.SetFillColor(245, 246, 248)
		x, y := pdf.GetX(), pdf.GetY()
		pdf.CellFormat(cols[0].w, h, l.SKU, "", 0, "L", fill, 0, "")
		pdf.SetXY(x+cols[0].w, y)
		pdf.MultiCell(cols[1].w, lineH, strings.Join(descLines, "\n"), "", "L", fill)
		pdf.SetXY(x+cols[0].w+cols[1].w, y)
		qty := Quantity(l.Quantity)
		if l.UOM != "" && l.UOM != "each" {
			qty += " " + l.UOM
		}
		pdf.CellFormat(cols[2].w, h, qty, "", 0, "R", fill, 0, "")
		pdf.CellFormat(cols[3].w, h, Money(l.ListPrice, q.Currency), "", 0, "R", fill, 0, "")
		disc := ""
		if l.DiscountPct.IsPositive() {
			disc = Percent(l.DiscountPct.Round(2))
		}
		pdf.CellFormat(cols[4].w, h, disc, "", 0, "R", fill, 0, "")
		pdf.CellFormat(cols[5].w, h, Money(l.Net, q.Currency), "", 1, "R", fill, 0, "")
	}
	inTable = false
	pdf.Ln(3)

	// Totals, with tax per rate.
	if pdf.GetY() > 297-70 {
		pdf.AddPage()
	}
	total := func(label, value string, bold bool) {
		style := ""
		if bold {
			style = "B"
		}
		pdf.SetFont(font, style, 9.5)
		pdf.SetX(margin + 90)
		pdf.CellFormat(54, 5.5, label, "", 0, "R", false, 0, "")
		pdf.CellFormat(36, 5.5, value, "", 1, "R", false, 0, "")
	}
	total("List total", Money(q.Subtotal, q.Currency), false)
	if !q.Discount.IsZero() {
		total("Discounts", Money(q.Discount.Neg(), q.Currency), false)
	}
	total("Net total", Money(q.NetTotal, q.Currency), false)
	for _, t := range q.Taxes {
		total(fmt.Sprintf("%s (%s on %s)", t.Name, Percent(t.RatePct), Money(t.Base, q.Currency)), Money(t.Tax, q.Currency), false)
	}
	pdf.SetDrawColor(60, 60, 60)
	pdf.Line(margin+110, pdf.GetY()+0.5, margin+180, pdf.GetY()+0.5)
	pdf.Ln(1)
	total("Total", Money(q.Total, q.Currency), true)
	pdf.Ln(5)

	for _, block := range [][2]string{{"Terms", q.Terms}, {"Notes", q.Notes}} {
		if strings.TrimSpace(block[1]) == "" {
			continue
		}
		pdf.SetFont(font, "B", 10)
		pdf.CellFormat(0, 5, block[0], "", 1, "L", false, 0, "")
		pdf.SetFont(font, "", 9)
		pdf.MultiCell(0, 4.5, block[1], "", "L", false)
		pdf.Ln(3)
	}

	// Acceptance block.
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
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("render quote %s: %w", q.Number, err)
	}
	return buf.Bytes(), nil
}

func tableHeader(pdf *fpdf.Fpdf) {
	pdf.SetFont(font, "B", 8.5)
	pdf.SetFillColor(34, 51, 84)
	pdf.SetTextColor(255, 255, 255)
	for i, c := range cols {
		ln := 0
		if i == len(cols)-1 {
			ln = 1
		}
		pdf.CellFormat(c.w, 6, c.title, "", ln, c.align, true, 0, "")
	}
	pdf.SetTextColor(20, 20, 20)
	pdf.SetFont(font, "", 8.5)
}
