package i18n

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
)

func TestMoney(t *testing.T) {
	d := decimal.RequireFromString
	for _, tc := range []struct {
		tag, cur, amount, want string
	}{
		{"en-US", "USD", "1234.5", "$1,234.50"},
		{"en-US", "JPY", "1234", "¥1,234"},
		{"ja-JP", "JPY", "1234", "¥1,234"},
		{"ja-JP", "USD", "1234.5", "$1,234.50"},
		{"de-DE", "EUR", "1234.5", "1.234,50\u00a0€"},
		{"fr-FR", "EUR", "1234567.5", "1\u202f234\u202f567,50\u00a0€"},
		{"en-GB", "GBP", "-12", "-£12.00"},
		{"en-US", "CHF", "1234.5", "CHF\u00a01,234.50"},
		{"de-DE", "CHF", "1234.5", "1.234,50\u00a0CHF"},
		{"en-US", "USD", "0", "$0.00"},
		{"en-US", "USD", "999", "$999.00"},
		{"en-US", "KWD", "1.5", "KWD\u00a01.500"},
	} {
		if got := Of(tc.tag).Money(d(tc.amount), tc.cur); got != tc.want {
			t.Errorf("%s Money(%s %s) = %q, want %q", tc.tag, tc.amount, tc.cur, got, tc.want)
		}
	}
}

func TestNumbersAndDates(t *testing.T) {
	day := quotient.NewDate(2026, time.December, 3)
	at := time.Date(2026, time.December, 3, 14, 5, 0, 0, time.UTC)
	for _, tc := range []struct{ tag, number, percent, date, time string }{
		{"en-US", "12,345.25", "12.5%", "Dec 3, 2026", "Dec 3, 2026 14:05 UTC"},
		{"en-GB", "12,345.25", "12.5%", "3 Dec 2026", "3 Dec 2026 14:05 UTC"},
		{"ja-JP", "12,345.25", "12.5%", "2026年12月3日", "2026年12月3日 14:05 UTC"},
		{"de-DE", "12.345,25", "12,5\u00a0%", "3.12.2026", "3.12.2026 14:05 UTC"},
		{"fr-FR", "12\u202f345,25", "12,5\u00a0%", "03/12/2026", "03/12/2026 14:05 UTC"},
	} {
		l := Of(tc.tag)
		if got := l.Number(decimal.RequireFromString("12345.25")); got != tc.number {
			t.Errorf("%s Number = %q, want %q", tc.tag, got, tc.number)
		}
		if got := l.Percent(decimal.RequireFromString("12.5")); got != tc.percent {
			t.Errorf("%s Percent = %q, want %q", tc.tag, got, tc.percent)
		}
		if got := l.Date(day); got != tc.date {
			t.Errorf("%s Date = %q, want %q", tc.tag, got, tc.date)
		}
		if got := l.Time(at); got != tc.time {
			t.Errorf("%s Time = %q, want %q", tc.tag, got, tc.time)
		}
	}
	if got := Default.Date(quotient.Date{}); got != "" {
		t.Errorf("no date = %q, want empty", got)
	}
	if got := Default.Number(decimal.RequireFromString("-1234")); got != "-1,234" {
		t.Errorf("Number(-1234) = %q", got)
	}
}

func TestNegotiate(t *testing.T) {
	for _, tc := range []struct{ setting, accept, tag string }{
		{"", "", "en-US"},
		{"", "ja", "ja-JP"},
		{"", "ja-JP,ja;q=0.9,en-US;q=0.8", "ja-JP"},
		{"", "en-GB,en;q=0.8", "en-GB"},
		{"", "de-CH,de;q=0.9", "de-DE"},
		{"", "es-ES,es;q=0.9,ja;q=0.5", "ja-JP"},  // the first language we know, by weight
		{"", "en;q=0.3,ja;q=0.7", "ja-JP"},        // weight, not order
		{"", "ja;q=0,en", "en-US"},                // q=0 refuses
		{"", "xx, ;;;, q=abc, ja;q=bad", "en-US"}, // junk is ignored
		{"ja-JP", "en-US", "ja-JP"},               // the user's setting wins
		{"fr-FR", "ja", "fr-FR"},
		{"", strings.Repeat("xx,", 10000) + "ja", "en-US"}, // a long header is read only so far
	} {
		if got := Negotiate(tc.setting, tc.accept); got.Tag != tc.tag {
			t.Errorf("Negotiate(%q, %.40q) = %s, want %s", tc.setting, tc.accept, got.Tag, tc.tag)
		}
	}
	if Negotiate("", "ja").Lang != Japanese || Negotiate("", "de").Lang != English {
		t.Error("a locale's language: ja speaks Japanese; de, which the catalog lacks, English")
	}
	for _, o := range Options {
		if !Valid(o.Tag) || Of(o.Tag).Tag != o.Tag {
			t.Errorf("option %s does not parse to itself", o.Tag)
		}
	}
	if !Valid("") || Valid("de") || Valid("xx-YY") {
		t.Error("Valid takes \"\" and the offered tags only")
	}
}

func TestMessages(t *testing.T) {
	ja, en := Of("ja-JP"), Of("en-US")
	if got := ja.T("Quote %s", "Q-1"); got != "見積 Q-1" {
		t.Errorf("ja Quote = %q", got)
	}
	if got := en.T("Quote %s", "Q-1"); got != "Quote Q-1" {
		t.Errorf("en Quote = %q", got)
	}
	if got := ja.T("an id with no entry %d", 3); got != "an id with no entry 3" {
		t.Errorf("a missing entry falls back to English: %q", got)
	}
	if en.T("document|Order") != "Order" || ja.T("document|Order") != "ご注文番号" || ja.T("Order") != "受注" {
		t.Error("a context keeps a document's word apart from the workspace's")
	}
	if got := en.T("document|reduced-rate legend"); !strings.HasPrefix(got, "※ marks") {
		t.Errorf("an id's English text: %q", got)
	}
	err := quotient.FieldErrorf(quotient.Unprocessable, "name", "must be at most %d characters (got %d)", 200, 250)
	if got := ja.Error(err); got != "は200文字以内にしてください（250文字あります）" {
		t.Errorf("ja Error = %q", got)
	}
	if got := ja.FieldProblem("name", ja.Error(err)); got != "名前は200文字以内にしてください（250文字あります）" {
		t.Errorf("ja FieldProblem = %q", got)
	}
	if got := en.FieldProblem("header_discount_pct", en.Error(err)); got != "header discount pct must be at most 200 characters (got 250)" {
		t.Errorf("en FieldProblem = %q", got)
	}
	p := quotient.Problems{}
	p.Text("name", "", quotient.Required, 10)
	if got := ja.Error(p.Err()); got != "は必須です" {
		t.Errorf("a Problems error keeps its format: %q", got)
	}
	if got := ja.Error(fmt.Errorf("plain")); got != "plain" {
		t.Errorf("a plain error = %q", got)
	}
}

// TestCatalogFormats holds every Japanese entry to its English id: the
// same values fit both (a verb too many, too few or of another kind would
// print %!), so a translation can never garble a message.
func TestCatalogFormats(t *testing.T) {
	verb := regexp.MustCompile(`%(\[\d+\])?[-+# 0]*\d*(\.\d+)?[a-zA-Z%]`)
	for id, ja := range japanese {
		en := Lang(English).T(id)
		var args []any
		for _, v := range verb.FindAllString(en, -1) {
			switch v[len(v)-1] {
			case '%':
			case 'd':
				args = append(args, 7)
			case 'q', 's', 'v':
				args = append(args, "x")
			default:
				t.Errorf("%q: verb %s is not one the catalog uses", id, v)
			}
		}
		if len(args) == 0 {
			if strings.Contains(ja, "%") && !strings.Contains(en, "%") {
				t.Errorf("%q: the Japanese has a verb the English lacks: %q", id, ja)
			}
			continue
		}
		if got := fmt.Sprintf(en, args...); strings.Contains(got, "%!") {
			t.Errorf("%q: English does not take its own values: %q", id, got)
		}
		if got := fmt.Sprintf(ja, args...); strings.Contains(got, "%!") {
			t.Errorf("%q: Japanese does not take the English values: %q", id, got)
		}
	}
}
