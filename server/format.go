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
	if s, ok := fmtSmallDec(d, minScale); ok {
		return s
	}
	return fmtBigDec(d, minScale)
}

// pow10 are the powers of ten an int64 holds.
var pow10 = func() (p [19]int64) {
	p[0] = 1
	for i := 1; i < len(p); i++ {
		p[i] = p[i-1] * 10
	}
	return
}()

// fmtSmallDec is fmtDec for a decimal of at most 18 digits, in integer
// arithmetic: decimal's own String goes through math/big, which was a
// sixth of a priced cart's time (every amount of every trace step is
// written). It reports false when the decimal is too large for it.
func fmtSmallDec(d decimal.Decimal, minScale int32) (string, bool) {
	if minScale < 0 || minScale > 18 || d.NumDigits() > 18 {
		return "", false
	}
	coef, exp := d.CoefficientInt64(), d.Exponent()
	for exp < 0 && coef != 0 && coef%10 == 0 {
		coef /= 10
		exp++
	}
	if coef == 0 {
		exp = 0
	}
	digits := 1
	for a := max(coef, -coef); digits < 19 && a >= pow10[digits]; digits++ {
	}
	if exp > 0 { // an integer with trailing zeros the coefficient leaves out
		if int(exp)+digits > 18 {
			return "", false
		}
		coef *= pow10[exp]
		digits += int(exp)
		exp = 0
	}
	scale := -exp
	if scale < minScale {
		if int(minScale-scale)+digits > 18 {
			return "", false
		}
		coef *= pow10[minScale-scale]
		digits += int(minScale - scale)
		scale = minScale
	}
	neg := coef < 0
	if neg {
		coef = -coef
	}
	var buf [40]byte
	i := len(buf)
	for n := int32(0); n <= scale || coef > 0; n++ { // at least one digit before the point
		if n == scale && scale > 0 {
			i--
			buf[i] = '.'
		}
		i--
		buf[i] = byte('0' + coef%10)
		coef /= 10
	}
	if neg {
		i--
		buf[i] = '-'
	}
	return string(buf[i:]), true
}

// fmtBigDec is fmtDec for any decimal.
func fmtBigDec(d decimal.Decimal, minScale int32) string {
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
