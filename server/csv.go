package server

import (
	"bytes"
	"encoding/csv"
	"regexp"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/quotient-cpq/quotient/app"
)

// wantsCSV reports whether the client asked for CSV.
func wantsCSV(c *fiber.Ctx) bool {
	return strings.Contains(c.Get(fiber.HeaderAccept), "text/csv")
}

// sendCSV writes a header row and rows as text/csv. Every cell passes
// through csvCell, so a name or memo cannot become a spreadsheet formula.
func sendCSV(c *fiber.Ctx, name string, header []string, rows [][]string) error {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write(header)
	for _, r := range rows {
		safe := make([]string, len(r))
		for i, v := range r {
			safe[i] = csvCell(v)
		}
		_ = w.Write(safe)
	}
	w.Flush()
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`.csv"`)
	return c.Status(fiber.StatusOK).Send(b.Bytes())
}

// plainNumber is a cell a spreadsheet reads as a number, never a formula:
// an amount such as -1,234.50 keeps its sign.
var plainNumber = regexp.MustCompile(`^[+-]?[0-9][0-9,]*(\.[0-9]+)?%?$`)

// csvCell neutralises a cell a spreadsheet would run as a formula (one
// beginning with =, +, -, @, a tab or a carriage return) by prefixing a
// single quote, as OWASP advises; numbers pass unchanged.
func csvCell(v string) string {
	if v == "" || plainNumber.MatchString(v) {
		return v
	}
	switch v[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + v
	}
	return v
}

// report is a report asked for one currency (answered in its own shape)
// or for every currency the data holds (sections of that shape).
type report[J any] struct {
	named    string // the currency asked for; "" for all
	sections []J
	wrap     func([]J) any // the all-currency answer
	csvName  string
	header   []string
	rows     func(J) [][]string
	currency func(J) string
}

// sendReport answers a report as JSON or CSV. As CSV, the sections of an
// all-currency report follow each other, every row led by its currency.
func sendReport[J any](c *fiber.Ctx, r report[J]) error {
	if r.named != "" && len(r.sections) == 1 {
		if wantsCSV(c) {
			return sendCSV(c, r.csvName, r.header, r.rows(r.sections[0]))
		}
		return send(c, fiber.StatusOK, 0, r.sections[0])
	}
	if !wantsCSV(c) {
		return send(c, fiber.StatusOK, 0, r.wrap(r.sections))
	}
	var rows [][]string
	for _, s := range r.sections {
		for _, row := range r.rows(s) {
			rows = append(rows, append([]string{r.currency(s)}, row...))
		}
	}
	return sendCSV(c, r.csvName, append([]string{"currency"}, r.header...), rows)
}

// single says whether a ledger report answers one section: a currency
// named, or in base; only basis=document answers one per currency.
func single(f map[string]string) string {
	if f["currency"] != "" || f["basis"] != app.BasisDocument {
		return "one"
	}
	return ""
}

// csvView names a ledger report's file: the currency, "base" or "all".
func csvView(f map[string]string) string {
	switch {
	case f["currency"] != "":
		return f["currency"]
	case f["basis"] == app.BasisDocument:
		return "all"
	}
	return "base"
}

// csvCurrency names a report's file: the currency, or "all".
func csvCurrency(named string) string {
	if named == "" {
		return "all"
	}
	return named
}
