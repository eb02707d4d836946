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

// JapaneseFont is the IPAex Gothic font the documents embed (IPA Font
// License v1.0), for pages to serve as a web font.
func JapaneseFont() []byte { return ipaexGothic }

// Party is a company or person on a document.
type Party struct {
	Name    string
	Lines   []string // address lines, phone, e-mail
	Contact string
	Email   string
	// Registration is a company's tax registration number (Japan's
	// qualified invoice issuer number, T and 13 digits).
	Registration string
}

// QuoteLine is one row of the quote's table. Quantity × UnitPrice is
// Gross, and Gross less Discount is Net, to the cent as printed, so a
// customer can check every line with a calculator.
type QuoteLine struct {
	SKU         string
	Description string
	Options     []string // the chosen configuration, "Memory: 256 GB"
	Components  []string // a bundle's contents, "2 × SSD 1 TB"
	Notes       []string // the configuration's alerts
	Quantity    decimal.Decimal
	UOM         string
	UnitPrice   decimal.Decimal // the list price of one
	Gross       decimal.Decimal // quantity × unit price, rounded once
	Discount    decimal.Decimal // every discount of the line, the header's share included
	Net         decimal.Decimal
	Reduced     bool // taxed at a reduced rate: marked ※ on Japanese documents
	// A subscription line: its price is per Per (month, quarter, year),
	// from Start to End, invoiced Every (the same words); Prior is what
	// the contract has of it (an amendment's line).
	Per, Every string
	Start, End quotient.Date
	Prior      *decimal.Decimal
}

// SubscriptionTerms says what a subscription line of a quote is, in
// lang: its price per per (month, quarter, year), from start to end,
// invoiced every (monthly, quarterly, annually), and, for an amendment's
// line (prior not nil), what the contract has of it.
func SubscriptionTerms(lang Lang, per, every string, start, end quotient.Date, prior *decimal.Decimal) string {
	w := lang.word
	s := fmt.Sprintf(w("Per %s, from %s to %s, invoiced %s"), w(per), start, end, w(every))
	if prior != nil {
		s += fmt.Sprintf(w("; the contract has %s"), Quantity(*prior))
	}
	return s
}

// Worth is what a quote with subscriptions is worth before tax: a new
// quote's monthly fee and total over the term, or an amendment's change
// to its contract's monthly fee and what it adds to the contract's end.
type Worth struct {
	Amendment bool
	MRR, TCV  decimal.Decimal
	MRRChange decimal.Decimal
}

// TaxLine is the tax of one rate.
type TaxLine struct {
	Name    string
	RatePct decimal.Decimal
	Reduced bool
	Base    decimal.Decimal
	Tax     decimal.Decimal
}

// Quote is what the quote PDF shows.
type Quote struct {
	Lang       Lang
	Company    Party
	Customer   Party
	PreparedBy string // the rep: "Priya Nair <priya@northwind.example>"
	Number     string
	Version    int
	Date       quotient.Date
	ValidUntil quotient.Date
	Currency   string
	Lines      []QuoteLine
	Subtotal   decimal.Decimal // Σ lines' gross
	Discount   decimal.Decimal // Σ lines' discount
	NetTotal   decimal.Decimal // Σ lines' net
	Taxes      []TaxLine
	Total      decimal.Decimal
	Worth      *Worth // nil: nothing recurring
	Terms      string
	Notes      string
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
	w := q.Lang.word
	sh := sheet{lang: q.Lang, kind: w("QUOTE"), title: fmt.Sprintf("Quote %s v%d", q.Number, q.Version), ref: fmt.Sprintf("%s %s, %s %d", w("QUOTE"), q.Number, w("Version"), q.Version),
		company: q.Company, customer: q.Customer, partyLabel: w("Prepared for"),
		facts: [][2]string{{w("Number"), q.Number}, {w("Version"), fmt.Sprint(q.Version)}, {w("Date"), q.Date.String()}, {w("Valid until"), q.ValidUntil.String()},
			{w("Currency"), q.Currency}},
		cols: lineColumns(q.Lang), wrap: 1, blocks: [][2]string{{w("Terms"), q.Terms}, {w("Notes"), q.Notes}}}
	if q.PreparedBy != "" {
		sh.facts = append(sh.facts, [2]string{w("Prepared by"), q.PreparedBy})
	}
	reduced := false
	for _, l := range q.Lines {
		qty := Quantity(l.Quantity)
		if l.UOM != "" && l.UOM != "each" {
			qty += " " + l.UOM
		}
		reduced = reduced || l.Reduced
		opts := l.Options
		if l.Per != "" {
			opts = append(opts[:len(opts):len(opts)], SubscriptionTerms(q.Lang, l.Per, l.Every, l.Start, l.End, l.Prior))
		}
		sh.rows = append(sh.rows, lineRow(q.Lang, q.Currency, l.SKU, describe(q.Lang, l.Description, opts, l.Components, l.Notes, l.Reduced), qty,
			l.UnitPrice, l.Discount, l.Net))
	}
	sh.totals = append(sh.totals, total{label: w("List total"), value: Money(q.Subtotal, q.Currency)})
	if !q.Discount.IsZero() {
		sh.totals = append(sh.totals, total{label: w("Discounts"), value: Money(q.Discount.Neg(), q.Currency)})
	}
	sh.totals = append(sh.totals, total{label: w("Net total"), value: Money(q.NetTotal, q.Currency)})
	sh.totals = append(sh.totals, taxTotals(q.Lang, q.Taxes, q.Currency)...)
	sh.totals = append(sh.totals, total{label: w("Total"), value: Money(q.Total, q.Currency), bold: true, rule: true})
	if v := q.Worth; v != nil && v.Amendment {
		sh.totals = append(sh.totals, total{label: w("Change to the monthly fee"), value: Money(v.MRRChange, q.Currency)},
			total{label: w("Added to the contract to its end, before tax"), value: Money(v.TCV, q.Currency)})
	} else if v != nil {
		sh.totals = append(sh.totals, total{label: w("Monthly fee, before tax"), value: Money(v.MRR, q.Currency)},
			total{label: w("Total over the term, before tax"), value: Money(v.TCV, q.Currency)})
	}
	if reduced && q.Lang == Japanese {
		sh.blocks = append([][2]string{{w("Note"), w("reduced-rate legend")}}, sh.blocks...)
	}
	sh.tail = func(pdf *fpdf.Fpdf) {
		if pdf.GetY() > 297-55 {
			pdf.AddPage()
		}
		pdf.SetFont(font, "B", 10)
		pdf.CellFormat(0, 6, w("Acceptance"), "", 1, "L", false, 0, "")
		pdf.SetFont(font, "", 9)
		text := fmt.Sprintf("By signing, %s accepts quote %s version %d for %s, valid until %s.",
			q.Customer.Name, q.Number, q.Version, Money(q.Total, q.Currency), q.ValidUntil)
		if q.Lang == Japanese {
			text = fmt.Sprintf("%s 様は、署名により御見積書 %s（第%d版、合計 %s、有効期限 %s）を承諾します。",
				q.Customer.Name, q.Number, q.Version, Money(q.Total, q.Currency), q.ValidUntil)
		}
		pdf.MultiCell(0, 4.5, text, "", "L", false)
		pdf.Ln(8)
		for _, label := range []string{"Name", "Signature", "Date"} {
			pdf.CellFormat(25, 8, w(label), "", 0, "L", false, 0, "")
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

// lineColumns are the columns of a quote's or an invoice's lines: the
// quantity, the unit price, the discount and the net, so that each line
// adds up with a calculator.
func lineColumns(l Lang) []column {
	return []column{{l.word("SKU"), 26, "L"}, {l.word("Description"), 60, "L"}, {l.word("Qty"), 16, "R"}, {l.word("Unit price"), 26, "R"},
		{l.word("Discount"), 22, "R"}, {l.word("Net"), 30, "R"}}
}

// lineRow is one row of lineColumns.
func lineRow(l Lang, currency, sku, desc, qty string, unit, discount, net decimal.Decimal) []string {
	disc := ""
	if !discount.IsZero() {
		disc = Money(discount.Neg(), currency)
	}
	return []string{sku, desc, qty, Money(unit, currency), disc, Money(net, currency)}
}

// describe is a line's description with its configuration, a bundle's
// contents, the configuration's notes and, on Japanese documents, the
// reduced-rate mark.
func describe(l Lang, name string, options, components, notes []string, reduced bool) string {
	if reduced && l == Japanese {
		name += " ※"
	}
	if len(options) > 0 {
		name += "\n" + strings.Join(options, "; ")
	}
	if len(components) > 0 {
		name += "\n" + l.word("Includes") + ": " + strings.Join(components, "; ")
	}
	for _, n := range notes {
		name += "\n" + l.word("Note") + ": " + n
	}
	return name
}

// taxTotals are the tax rows of a document, one per rate; a reduced
// rate is marked ※ on Japanese documents.
func taxTotals(l Lang, taxes []TaxLine, currency string) []total {
	out := make([]total, len(taxes))
	for i, t := range taxes {
		label := fmt.Sprintf("%s (%s on %s)", t.Name, Percent(t.RatePct), Money(t.Base, currency))
		if l == Japanese {
			label = fmt.Sprintf("%s（%s 対象 %s）", t.Name, Percent(t.RatePct), Money(t.Base, currency))
			if t.Reduced {
				label = "※ " + label
			}
		}
		out[i] = total{label: label, value: Money(t.Tax, currency)}
	}
	return out
}
