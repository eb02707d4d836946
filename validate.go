package quotient

import (
	"net/mail"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/shopspring/decimal"
)

// Presence says whether a field must be given.
type Presence bool

// A field is Required or Optional.
const (
	Required Presence = true
	Optional Presence = false
)

// Text checks a free-text field: present when required, at most max
// characters, no control characters other than newlines and tabs.
func (p *Problems) Text(field, value string, need Presence, max int) {
	if need == Required && strings.TrimSpace(value) == "" {
		p.Add(field, "is required")
		return
	}
	if n := utf8.RuneCountInString(value); n > max {
		p.Add(field, "must be at most %d characters (got %d)", max, n)
		return
	}
	if !utf8.ValidString(value) {
		p.Add(field, "must be valid UTF-8")
		return
	}
	for _, r := range value {
		if r < 0x20 && r != '\n' && r != '\t' && r != '\r' {
			p.Add(field, "must not contain control characters")
			return
		}
	}
}

// Email checks an e-mail address.
func (p *Problems) Email(field, value string, need Presence) {
	if value == "" {
		if need == Required {
			p.Add(field, "is required")
		}
		return
	}
	if len(value) > 254 {
		p.Add(field, "must be at most 254 characters")
		return
	}
	a, err := mail.ParseAddress(value)
	if err != nil || a.Address != value {
		p.Add(field, "must be an e-mail address such as name@example.com")
	}
}

// Currency checks an ISO 4217 currency code.
func (p *Problems) Currency(field, value string) {
	if value == "" {
		p.Add(field, "is required")
		return
	}
	if _, ok := LookupCurrency(value); !ok {
		p.Add(field, "must be an ISO 4217 currency code such as USD, EUR or JPY (got %q)", value)
	}
}

// Date checks a YYYY-MM-DD date and returns it (no date when it is
// absent or wrong).
func (p *Problems) Date(field, value string, need Presence) Date {
	if value == "" {
		if need == Required {
			p.Add(field, "is required")
		}
		return Date{}
	}
	d, ok := ParseDate(value)
	if !ok {
		p.Add(field, "must be a date in the form YYYY-MM-DD (got %q)", value)
	}
	return d
}

// DateGiven checks that a required date was given.
func (p *Problems) DateGiven(field string, d Date) {
	if d.IsZero() {
		p.Add(field, "is required")
	}
}

// NonNegative checks that d >= 0 and has at most maxScale fraction digits.
func (p *Problems) NonNegative(field string, d decimal.Decimal, maxScale int32) {
	if d.IsNegative() {
		p.Add(field, "must not be negative")
		return
	}
	p.Scale(field, d, maxScale)
}

// Scale checks that d has at most maxScale fraction digits and a sane size.
func (p *Problems) Scale(field string, d decimal.Decimal, maxScale int32) {
	if d.Exponent() < -maxScale && !d.Equal(d.Round(maxScale)) {
		p.Add(field, "must have at most %d decimal places", maxScale)
		return
	}
	if d.Abs().GreaterThanOrEqual(decimal.New(1, 15)) {
		p.Add(field, "must be less than 10^15")
	}
}

var codeRe = regexp.MustCompile(`^[a-z][a-z0-9_]{0,49}$`)

// MachineCode checks a machine code: lowercase letters, digits and underscores.
func (p *Problems) MachineCode(field, value string) {
	if !codeRe.MatchString(value) {
		p.Add(field, "must be 1-50 lowercase letters, digits or underscores, starting with a letter (got %q)", value)
	}
}

// OneOf checks that value is one of the allowed strings.
func (p *Problems) OneOf(field, value string, allowed ...string) {
	for _, a := range allowed {
		if value == a {
			return
		}
	}
	p.Add(field, "must be one of %s (got %q)", strings.Join(allowed, ", "), value)
}
