package document

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/go-pdf/fpdf"
)

// column is a column of a document's table: width in mm (A4 less margins
// is 180) and alignment.
type column struct {
	title string
	w     float64
	align string
}

// total is a row under the table: a label and an amount.
type total struct {
	label, value string
	bold, rule   bool // rule: a line above it
}

// sheet is the layout every Quotient document shares: the company and the
// document's identity, the customer, a table that continues over pages
// with its header repeated, totals, text blocks and an optional tail
// (the quote's acceptance block). Pages are numbered "Page N of M".
type sheet struct {
	lang       Lang
	kind       string // QUOTE, INVOICE, STATEMENT
	title      string // PDF metadata
	ref        string // footer, and the header of continued pages
	company    Party
	facts      [][2]string
	partyLabel string
	customer   Party
	cols       []column
	wrap       int // the column whose text wraps over lines
	rows       [][]string
	totals     []total
	blocks     [][2]string
	tail       func(pdf *fpdf.Fpdf)
}

func (s sheet) render() ([]byte, error) { return renderSheets(s.title, []sheet{s}) }

// renderSheets renders documents one after another in one PDF, each
// starting on a new page (a statement per currency); pages are numbered
// through the whole file.
func renderSheets(title string, sheets []sheet) ([]byte, error) {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetMargins(margin, margin, margin)
	pdf.SetAutoPageBreak(true, 18)
	pdf.AddUTF8FontFromBytes(font, "", ipaexGothic)
	pdf.AddUTF8FontFromBytes(font, "B", ipaexGothic)
	pdf.SetTitle(title, true)
	pdf.SetCreator("Quotient", true)
	pdf.AliasNbPages("{nb}")
	var s *sheet
	inTable, first := false, 0
	pdf.SetHeaderFunc(func() {
		if pdf.PageNo() > first {
			pdf.SetFont(font, "", 8)
			pdf.SetTextColor(110, 110, 110)
			pdf.CellFormat(0, 5, fmt.Sprintf("%s — %s (%s)", s.company.Name, s.ref, s.lang.word("continued")), "", 1, "L", false, 0, "")
			pdf.Ln(2)
			if inTable {
				s.tableHeader(pdf)
			}
		}
	})
	pdf.SetFooterFunc(func() {
		pdf.SetY(-12)
		pdf.SetFont(font, "", 8)
		pdf.SetTextColor(110, 110, 110)
		pdf.CellFormat(90, 5, s.ref, "", 0, "L", false, 0, "")
		pdf.CellFormat(90, 5, fmt.Sprintf(s.lang.word("Page %d of {nb}"), pdf.PageNo()), "", 0, "R", false, 0, "")
	})
	for i := range sheets {
		s = &sheets[i]
		first = pdf.PageNo() + 1
		pdf.AddPage()
		s.draw(pdf, &inTable)
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("render %s: %w", title, err)
	}
	return buf.Bytes(), nil
}

// draw lays one document out from the top of the current page.
func (s *sheet) draw(pdf *fpdf.Fpdf, inTable *bool) {
	// Company and document identity.
	pdf.SetTextColor(20, 20, 20)
	pdf.SetFont(font, "B", 16)
	pdf.CellFormat(110, 8, s.company.Name, "", 0, "L", false, 0, "")
	pdf.CellFormat(70, 8, s.kind, "", 1, "R", false, 0, "")
	pdf.SetFont(font, "", 9)
	y := pdf.GetY()
	for _, l := range s.company.Lines {
		pdf.CellFormat(110, 4.5, l, "", 1, "L", false, 0, "")
	}
	if s.company.Registration != "" {
		pdf.CellFormat(110, 4.5, s.lang.word("Registration no.")+" "+s.company.Registration, "", 1, "L", false, 0, "")
	}
	below := pdf.GetY()
	pdf.SetXY(margin+110, y)
	for _, kv := range s.facts {
		pdf.SetX(margin + 110)
		pdf.CellFormat(30, 4.5, kv[0], "", 0, "L", false, 0, "")
		pdf.CellFormat(40, 4.5, kv[1], "", 1, "R", false, 0, "")
	}
	pdf.SetY(max(below, pdf.GetY()))
	pdf.Ln(6)

	// Customer.
	pdf.SetFont(font, "B", 10)
	pdf.CellFormat(0, 5, s.partyLabel, "", 1, "L", false, 0, "")
	pdf.SetFont(font, "", 10)
	pdf.CellFormat(0, 5, s.customer.Name, "", 1, "L", false, 0, "")
	pdf.SetFont(font, "", 9)
	for _, l := range s.customer.Lines {
		pdf.CellFormat(0, 4.5, l, "", 1, "L", false, 0, "")
	}
	if s.customer.Contact != "" {
		contact := "Attention: " + s.customer.Contact
		if s.customer.Email != "" {
			contact += " <" + s.customer.Email + ">"
		}
		pdf.CellFormat(0, 4.5, contact, "", 1, "L", false, 0, "")
	}
	pdf.Ln(5)

	// The table.
	s.tableHeader(pdf)
	*inTable = true
	pdf.SetFont(font, "", 8.5)
	pdf.SetFillColor(245, 246, 248)
	for i, row := range s.rows {
		wrapped := pdf.SplitText(row[s.wrap], s.cols[s.wrap].w-2)
		h := float64(max(1, len(wrapped))) * lineH
		if pdf.GetY()+h > 297-18 {
			pdf.AddPage()
		}
		fill := i%2 == 1
		x, y := pdf.GetX(), pdf.GetY()
		for j, c := range s.cols {
			if j == s.wrap {
				pdf.MultiCell(c.w, lineH, strings.Join(wrapped, "\n"), "", c.align, fill)
				pdf.SetXY(x+c.w, y)
			} else {
				pdf.CellFormat(c.w, h, row[j], "", 0, c.align, fill, 0, "")
			}
			x += c.w
		}
		pdf.SetXY(margin, y+h)
	}
	*inTable = false
	pdf.Ln(3)

	// Totals.
	if pdf.GetY() > 297-70 {
		pdf.AddPage()
	}
	pdf.SetDrawColor(60, 60, 60)
	for _, t := range s.totals {
		if t.rule {
			pdf.Line(margin+110, pdf.GetY()+0.5, margin+180, pdf.GetY()+0.5)
			pdf.Ln(1)
		}
		style := ""
		if t.bold {
			style = "B"
		}
		pdf.SetFont(font, style, 9.5)
		pdf.SetX(margin + 90)
		pdf.CellFormat(54, 5.5, t.label, "", 0, "R", false, 0, "")
		pdf.CellFormat(36, 5.5, t.value, "", 1, "R", false, 0, "")
	}
	pdf.Ln(5)

	for _, block := range s.blocks {
		if strings.TrimSpace(block[1]) == "" {
			continue
		}
		pdf.SetFont(font, "B", 10)
		pdf.CellFormat(0, 5, block[0], "", 1, "L", false, 0, "")
		pdf.SetFont(font, "", 9)
		pdf.MultiCell(0, 4.5, block[1], "", "L", false)
		pdf.Ln(3)
	}
	if s.tail != nil {
		s.tail(pdf)
	}
}

func (s sheet) tableHeader(pdf *fpdf.Fpdf) {
	pdf.SetFont(font, "B", 8.5)
	pdf.SetFillColor(34, 51, 84)
	pdf.SetTextColor(255, 255, 255)
	for i, c := range s.cols {
		ln := 0
		if i == len(s.cols)-1 {
			ln = 1
		}
		pdf.CellFormat(c.w, 6, c.title, "", ln, c.align, true, 0, "")
	}
	pdf.SetTextColor(20, 20, 20)
	pdf.SetFont(font, "", 8.5)
	pdf.SetFillColor(245, 246, 248)
}
