package server

import (
	"bytes"
	"encoding/csv"
	"regexp"
	"strings"

	"github.com/gofiber/fiber/v2"
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
