package quotient

import (
	"sort"
	"strings"

	"github.com/shopspring/decimal"
)

// Currency is an ISO 4217 code with its number of minor units.
type Currency struct {
	Code       string
	MinorUnits int32
}

// currencies lists the ISO 4217 currencies Quotient accepts, by minor units.
// Codes not listed here are rejected as unknown.
var currencies = func() map[string]int32 {
	m := map[string]int32{}
	two := "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF CHF CNY COP CRC CUP CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD UYU UZS VES WST XCD YER ZAR ZMW ZWL"
	zero := "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF"
	three := "BHD IQD JOD KWD LYD OMR TND"
	for _, c := range strings.Fields(two) {
		m[c] = 2
	}
	for _, c := range strings.Fields(zero) {
		m[c] = 0
	}
	for _, c := range strings.Fields(three) {
		m[c] = 3
	}
	return m
}()

// LookupCurrency returns the currency for an ISO 4217 code and whether it is known.
func LookupCurrency(code string) (Currency, bool) {
	mu, ok := currencies[code]
	if !ok {
		return Currency{}, false
	}
	return Currency{Code: code, MinorUnits: mu}, true
}

// Round rounds an amount to the currency's minor units, half away from zero
// (commercial half-up). This is the only rounding function for money.
func (c Currency) Round(d decimal.Decimal) decimal.Decimal {
	return d.Round(c.MinorUnits)
}

// ToMinor converts an amount that is already rounded to the currency into a
// count of minor units. It reports false when the amount has more digits.
func (c Currency) ToMinor(d decimal.Decimal) (int64, bool) {
	shifted := d.Shift(c.MinorUnits)
	if !shifted.Equal(shifted.Truncate(0)) || !shifted.BigInt().IsInt64() {
		return 0, false
	}
	return shifted.IntPart(), true
}

// RoundMinor rounds an amount to the currency and gives it in minor units
// (0 when it does not fit an int64: no real amount comes near).
func (c Currency) RoundMinor(d decimal.Decimal) int64 {
	n, _ := c.ToMinor(c.Round(d))
	return n
}

// FromMinor converts a count of minor units back into an amount.
func (c Currency) FromMinor(n int64) decimal.Decimal {
	return decimal.New(n, -c.MinorUnits)
}

// Format renders an amount as a fixed decimal string with the currency's
// minor units ("1234.50", "1234" for JPY): the form used in JSON.
func (c Currency) Format(d decimal.Decimal) string {
	return d.StringFixed(c.MinorUnits)
}

// Money is an exact amount in one currency.
type Money struct {
	Amount   decimal.Decimal
	Currency string
}

// Add returns m+o; adding two currencies is an error.
func (m Money) Add(o Money) (Money, error) {
	if m.Currency != o.Currency {
		return Money{}, Errorf(Unprocessable, "cannot add %s to %s", o.Currency, m.Currency)
	}
	return Money{Amount: m.Amount.Add(o.Amount), Currency: m.Currency}, nil
}

// ParseDecimal parses an exact decimal string as docs/api.md describes: digits
// with an optional sign and fraction; no exponent, no spaces, at most 18
// fraction digits and 38 significant digits.
func ParseDecimal(s string) (decimal.Decimal, bool) {
	if s == "" || len(s) > 60 {
		return decimal.Decimal{}, false
	}
	digits, dot := 0, false
	for i, r := range s {
		switch {
		case r == '-' || r == '+':
			if i != 0 {
				return decimal.Decimal{}, false
			}
		case r == '.':
			if dot {
				return decimal.Decimal{}, false
			}
			dot = true
		case r >= '0' && r <= '9':
			digits++
		default:
			return decimal.Decimal{}, false
		}
	}
	if digits == 0 || digits > 38 {
		return decimal.Decimal{}, false
	}
	d, err := decimal.NewFromString(s)
	if err != nil || d.Exponent() < -18 {
		return decimal.Decimal{}, false
	}
	return d, true
}

// CurrencyCodes lists the currencies Quotient accepts, in code order.
func CurrencyCodes() []string {
	out := make([]string, 0, len(currencies))
	for c := range currencies {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}
