package server

import (
	"strings"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
)

// fmtDec writes a decimal with at least minScale fraction digits and never
// drops a significant digit: fmtDec(12.5, 2) = "12.50", fmtDec(1.23456, 2)
// = "1.23456".
func fmtDec(d decimal.Decimal, minScale int32) string {
	s := d.String()
	scale := int32(0)
	if i := strings.IndexByte(s, '.'); i >= 0 {
		scale = int32(len(s) - i - 1)
	}
	if scale < minScale {
		return d.StringFixed(minScale)
	}
	return s
}

// fmtMoney writes an amount in a currency's minor units.
func fmtMoney(d decimal.Decimal, currency string) string {
	c, ok := quotient.LookupCurrency(currency)
	if !ok {
		return fmtDec(d, 2)
	}
	return fmtDec(d, c.MinorUnits)
}

// fmtMinor writes a count of a currency's minor units as an amount.
func fmtMinor(n int64, currency string) string {
	c, _ := quotient.LookupCurrency(currency)
	return c.Format(c.FromMinor(n))
}

func fmtDecPtr(d *decimal.Decimal) *string {
	if d == nil {
		return nil
	}
	s := fmtDec(*d, 0)
	return &s
}
