package document

import (
	"strings"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/i18n"
)

// Money formats an amount for a currency with its symbol, grouping and
// minor units: ¥1,234, $1,234.50, -€12.00; currencies without a symbol
// get their code ("CHF 1,234.50").
func Money(d decimal.Decimal, currency string) string {
	c, ok := quotient.LookupCurrency(currency)
	minor := int32(2)
	if ok {
		minor = c.MinorUnits
	}
	s := d.Abs().StringFixed(minor)
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	out := b.String()
	if frac != "" {
		out += "." + frac
	}
	if sym, ok := i18n.Symbol(currency); ok {
		out = sym + out
	} else {
		out = currency + " " + out
	}
	if d.IsNegative() {
		out = "-" + out
	}
	return out
}

// Quantity formats a quantity without trailing zeros.
func Quantity(d decimal.Decimal) string { return d.String() }

// Percent formats a percentage ("12.5%").
func Percent(d decimal.Decimal) string { return d.String() + "%" }
