// Package i18n is the workspace's one message catalog and its locale
// formats. Every label, message and e-mail the workspace shows goes
// through a Locale: its language picks the words (English, or Japanese
// from the catalog), its formats write dates, numbers and money.
//
// A message's id is its English text, a fmt format when it takes values
// ("%d lines"); a few ids carry a context before a "|" where the same
// English word needs another Japanese one ("document|Order" is ご注文番号
// on a PDF, while the workspace's "Order" is 注文). A message without a
// Japanese entry shows in English; the catalog's tests hold every id the
// templates and the web package use to having one.
package i18n

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
)

// Lang is a language the workspace speaks.
type Lang string

// The languages of the catalog.
const (
	English  Lang = "en"
	Japanese Lang = "ja"
)

// T is the message id in this language, with args applied as fmt does.
func (l Lang) T(id string, args ...any) string {
	s := l.word(id)
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}

// word is the text of an id in this language: the Japanese entry, else
// the English text (the id without its context).
func (l Lang) word(id string) string {
	if l == Japanese {
		if s, ok := japanese[id]; ok {
			return s
		}
	}
	if s, ok := english[id]; ok {
		return s
	}
	if _, after, ok := strings.Cut(id, "|"); ok {
		return after
	}
	return id
}

// Has reports whether the catalog has a Japanese entry for id.
func Has(id string) bool {
	_, ok := japanese[id]
	return ok
}

// format is how a locale writes numbers, money and dates.
type format struct {
	decimal, group string
	// suffix puts the currency after the amount, with a no-break space
	// ("1.234,50 €"); else it comes first ("€1,234.50").
	suffix bool
	date   func(y int, m time.Month, d int) string
}

var shortMonths = []string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

var formats = map[string]format{
	"en-US": {decimal: ".", group: ",", date: func(y int, m time.Month, d int) string { return fmt.Sprintf("%s %d, %d", shortMonths[m-1], d, y) }},
	"en-GB": {decimal: ".", group: ",", date: func(y int, m time.Month, d int) string { return fmt.Sprintf("%d %s %d", d, shortMonths[m-1], y) }},
	"ja-JP": {decimal: ".", group: ",", date: func(y int, m time.Month, d int) string { return fmt.Sprintf("%d年%d月%d日", y, m, d) }},
	"de-DE": {decimal: ",", group: ".", suffix: true, date: func(y int, m time.Month, d int) string { return fmt.Sprintf("%d.%d.%d", d, m, y) }},
	"fr-FR": {decimal: ",", group: "\u202f", suffix: true, date: func(y int, m time.Month, d int) string { return fmt.Sprintf("%02d/%02d/%d", d, m, y) }},
}

// Locale is a language and the formats of a place: "de-DE" writes
// German numbers and dates on pages in English, the catalog having no
// German.
type Locale struct {
	Tag  string
	Lang Lang
	f    format
}

// Option is a locale a user may choose, named in its own language.
type Option struct{ Tag, Name string }

// Options are the locales a user may choose, in the order offered.
var Options = []Option{
	{"en-US", "English (United States)"},
	{"en-GB", "English (United Kingdom)"},
	{"ja-JP", "日本語 (日本)"},
	{"de-DE", "English, Deutsch formats (1.234,50 €)"},
	{"fr-FR", "English, formats français (1 234,50 €)"},
}

// Default is the locale of a request that names none we know.
var Default, _ = Parse("en-US")

// Parse reads a locale tag the workspace offers ("ja-JP"), or a bare
// language it maps to one ("ja", "de"); case does not matter.
func Parse(tag string) (Locale, bool) {
	tag = strings.TrimSpace(strings.ReplaceAll(tag, "_", "-"))
	base, region, _ := strings.Cut(tag, "-")
	base, region = strings.ToLower(base), strings.ToUpper(region)
	full := base + "-" + region
	if _, ok := formats[full]; !ok {
		switch base {
		case "en":
			full = "en-US"
			if region == "GB" || region == "IE" || region == "AU" || region == "NZ" || region == "IN" {
				full = "en-GB"
			}
		case "ja":
			full = "ja-JP"
		case "de":
			full = "de-DE"
		case "fr":
			full = "fr-FR"
		default:
			return Locale{}, false
		}
	}
	l := Locale{Tag: full, Lang: English, f: formats[full]}
	if base == "ja" {
		l.Lang = Japanese
	}
	return l, true
}

// Of is the locale of a tag the workspace offers, Default for any other
// (Parse says which).
func Of(tag string) Locale {
	if l, ok := Parse(tag); ok {
		return l
	}
	return Default
}

// Valid reports whether tag is "" (follow the browser) or one of Options.
func Valid(tag string) bool {
	if tag == "" {
		return true
	}
	for _, o := range Options {
		if o.Tag == tag {
			return true
		}
	}
	return false
}

// Negotiate is the locale of a request: the user's setting when it has
// one, else the first language of the browser's Accept-Language (by
// weight) that the workspace knows, else Default.
func Negotiate(setting, acceptLanguage string) Locale {
	if l, ok := Parse(setting); ok && setting != "" {
		return l
	}
	best, bestQ := Default, -1.0
	for i, part := range strings.Split(acceptLanguage, ",") {
		if i >= 20 {
			break // a header is not a reason to loop long
		}
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if _, err := fmt.Sscanf(v, "%g", &q); err != nil {
				continue
			}
		}
		l, ok := Parse(tag)
		if ok && q > bestQ && q > 0 {
			best, bestQ = l, q
		}
	}
	return best
}

// T is a message in the locale's language.
func (l Locale) T(id string, args ...any) string { return l.Lang.T(id, args...) }

// Number writes a decimal with the locale's separators, as precise as it
// is ("1,234.5"; "1.234,5").
func (l Locale) Number(d decimal.Decimal) string {
	return l.digits(d.Abs().String(), d.IsNegative())
}

// digits groups a plain decimal string's integer part and sets the
// locale's decimal mark.
func (l Locale) digits(s string, negative bool) string {
	f := l.format()
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if negative {
		b.WriteByte('-')
	}
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteString(f.group)
		}
		b.WriteRune(r)
	}
	if frac != "" {
		b.WriteString(f.decimal)
		b.WriteString(frac)
	}
	return b.String()
}

func (l Locale) format() format {
	if l.f.date == nil {
		return formats["en-US"]
	}
	return l.f
}

var symbols = map[string]string{"USD": "$", "EUR": "€", "JPY": "¥", "GBP": "£", "CNY": "¥", "KRW": "₩", "INR": "₹", "AUD": "A$", "CAD": "C$"}

// Symbol is a currency's symbol ("¥"), if it has one the workspace and
// the documents write.
func Symbol(currency string) (string, bool) {
	s, ok := symbols[currency]
	return s, ok
}

// Money writes an amount in a currency: its minor units, the locale's
// separators and the currency's symbol where the locale puts it:
// ¥1,234; $1,234.50; 1.234,50 €; a currency without a symbol shows its
// code ("CHF 1,234.50").
func (l Locale) Money(d decimal.Decimal, currency string) string {
	minor := int32(2)
	if c, ok := quotient.LookupCurrency(currency); ok {
		minor = c.MinorUnits
	}
	n := l.digits(d.Abs().StringFixed(minor), false)
	sym, ok := Symbol(currency)
	if !ok {
		sym = currency
	}
	sign := ""
	if d.IsNegative() {
		sign = "-"
	}
	switch {
	case l.format().suffix:
		return sign + n + "\u00a0" + sym
	case ok:
		return sign + sym + n
	default:
		return sign + sym + "\u00a0" + n
	}
}

// Percent writes a percentage ("12.5%"; "12,5 %").
func (l Locale) Percent(d decimal.Decimal) string {
	if l.format().suffix {
		return l.Number(d) + "\u00a0%"
	}
	return l.Number(d) + "%"
}

// Date writes a calendar day ("Dec 3, 2026"; "2026年12月3日"); no date
// is "".
func (l Locale) Date(d quotient.Date) string {
	if d.IsZero() {
		return ""
	}
	y, m, day := d.Time().Date()
	return l.format().date(y, m, day)
}

// Time writes an instant as its day and time of day in UTC.
func (l Locale) Time(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.UTC()
	return l.Date(quotient.DateOf(t)) + " " + t.Format("15:04") + " UTC"
}

// Error is what a page says of an error: the catalog's words for its
// message, with the same values, else its English message.
func (l Locale) Error(err error) string {
	var qe *quotient.Error
	if !errors.As(err, &qe) {
		return err.Error()
	}
	return l.message(qe.Format, qe.Args, qe.Message)
}

// Field is a field error's message in the locale's language.
func (l Locale) Field(fe quotient.FieldError) string {
	return l.message(fe.Format, fe.Args, fe.Message)
}

// Say is a recorded sentence in the locale's language: format with args
// through the catalog when it has the format, else english, the sentence
// as it was recorded.
func (l Locale) Say(format string, args []string, english string) string {
	vals := make([]any, len(args))
	for i, a := range args {
		vals[i] = a
	}
	return l.message(format, vals, english)
}

func (l Locale) message(format string, args []any, english string) string {
	if format == "" || l.Lang != Japanese || !Has(format) {
		return english
	}
	return l.T(format, args...)
}

// FieldName is a form field in words: "header_discount_pct" is "header
// discount pct" in English, and the catalog's "field|header_discount_pct"
// in Japanese.
func (l Locale) FieldName(field string) string {
	if l.Lang == Japanese {
		if s, ok := japanese["field|"+field]; ok {
			return s
		}
	}
	// A part of a field ("billing_address.city") is named after both:
	// "billing address city"; 「請求先住所の市区町村」.
	if i := strings.LastIndexByte(field, '.'); i > 0 && i < len(field)-1 {
		sep := " "
		if l.Lang == Japanese {
			sep = "の"
		}
		return l.FieldName(field[:i]) + sep + l.FieldName(field[i+1:])
	}
	return strings.ReplaceAll(field, "_", " ")
}

// FieldProblem joins a field and what is wrong with it, as the language
// does: "quantity must be positive"; 「数量は正の数にしてください」, or with
// a colon where the message is a sentence of its own.
func (l Locale) FieldProblem(field, msg string) string {
	name := l.FieldName(field)
	if l.Lang != Japanese {
		return name + " " + msg
	}
	for _, p := range []string{"は", "を", "が", "に", "の"} {
		if strings.HasPrefix(msg, p) {
			return name + msg
		}
	}
	return name + "：" + msg
}
