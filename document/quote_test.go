package document

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
)

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func TestMoney(t *testing.T) {
	cases := []struct{ amount, cur, want string }{
		{"1234", "JPY", "¥1,234"}, {"1234.5", "USD", "$1,234.50"}, {"0", "EUR", "€0.00"}, {"-12", "EUR", "-€12.00"},
		{"1234567.891", "BHD", "BHD 1,234,567.891"}, {"999", "USD", "$999.00"}, {"1000000", "JPY", "¥1,000,000"}, {"12.5", "CHF", "CHF 12.50"},
	}
	for _, c := range cases {
		if got := Money(d(c.amount), c.cur); got != c.want {
			t.Errorf("Money(%s, %s): got %q, want %q", c.amount, c.cur, got, c.want)
		}
	}
}

func sample(lines int) Quote {
	q := Quote{Company: Party{Name: "Northwind Systems", Lines: []string{"100 Market Street", "San Francisco, CA 94105", "+1 415 555 0100"}},
		Customer: Party{Name: "株式会社さくらテック", Lines: []string{"東京都千代田区丸の内1-1", "100-0005 Japan"}, Contact: "佐藤 花子", Email: "hanako@sakura.example"},
		Number:   "Q-000042", Version: 2, Date: quotient.NewDate(2026, 11, 26), ValidUntil: quotient.NewDate(2026, 12, 26), Currency: "JPY",
		Terms: "お支払い条件：月末締め翌月末払い。Payment within 30 days of the end of the invoice month.", ContentHash: strings.Repeat("ab", 32)}
	total := decimal.Zero
	for i := range lines {
		net := d(fmt.Sprint(100000 + i*1000))
		q.Lines = append(q.Lines, QuoteLine{SKU: fmt.Sprintf("SKU-%03d", i), Description: fmt.Sprintf("Atlas R2 rack server #%d", i),
			Options: []string{"Processor: 32 cores", "Memory: 256 GB"}, Quantity: d("1"), UnitPrice: net, Gross: net, Net: net})
		total = total.Add(net)
	}
	q.Subtotal, q.NetTotal = total, total
	tax := total.Mul(d("0.1")).Round(0)
	q.Taxes = []TaxLine{{Name: "消費税 10%", RatePct: d("10"), Base: total, Tax: tax}}
	q.Total = total.Add(tax)
	return q
}

// pages counts the pages of a PDF by its page objects.
func pages(pdf []byte) int {
	return bytes.Count(pdf, []byte("/Type /Page\n")) + bytes.Count(pdf, []byte("/Type /Page ")) + bytes.Count(pdf, []byte("/Type /Page>"))
}

func pdftotext(t *testing.T, pdf []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Skip("pdftotext not installed (apt-get install poppler-utils); .ci/run installs it")
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "quote.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-layout", in, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

func TestQuotePDF(t *testing.T) {
	// Each row has two lines (description and options, 10 mm): 19 rows fit
	// under page 1's header, 26 on each later page, and the totals and the
	// acceptance block need ~125 mm (they move to a new page when they do
	// not fit).
	for _, c := range []struct{ lines, pages int }{{1, 1}, {40, 3}, {200, 9}} {
		t.Run(fmt.Sprint(c.lines, "lines"), func(t *testing.T) {
			q := sample(c.lines)
			pdf, err := QuotePDF(q)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(pdf, []byte("%PDF-")) || !bytes.Contains(pdf[len(pdf)-16:], []byte("%%EOF")) {
				t.Fatalf("not a PDF: %.20q ... %q", pdf, pdf[len(pdf)-16:])
			}
			if got := pages(pdf); got != c.pages {
				t.Fatalf("got %d pages, want %d", got, c.pages)
			}
			text := pdftotext(t, pdf)
			for _, want := range []string{"株式会社さくらテック", "佐藤 花子", "Q-000042", "¥" + formatGrouped(q.Total), "¥" + formatGrouped(q.Taxes[0].Tax),
				fmt.Sprintf("Page %d of %d", c.pages, c.pages), "Acceptance", "月末締め"} {
				if !strings.Contains(text, want) {
					t.Errorf("PDF text lacks %q", want)
				}
			}
			for _, l := range q.Lines {
				if !strings.Contains(text, l.SKU) {
					t.Errorf("PDF text lacks %s", l.SKU)
				}
			}
			// The table header is repeated on every page that continues it.
			if n := strings.Count(text, "Description"); c.pages > 1 && n < c.pages-1 {
				t.Errorf("table header appears %d times on %d pages", n, c.pages)
			}
		})
	}
}

func formatGrouped(x decimal.Decimal) string { return strings.TrimPrefix(Money(x, "JPY"), "¥") }

// BenchmarkQuotePDF200Lines renders a 200-line quote with the embedded
// Japanese font.
func BenchmarkQuotePDF200Lines(b *testing.B) {
	q := sample(200)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := QuotePDF(q); err != nil {
			b.Fatal(err)
		}
	}
}

// TestDocumentsThatAddUp: every line prints quantity, unit price,
// discount and net that a calculator agrees with; a Japanese customer's
// quote and invoice speak Japanese (御見積書, 請求書, 小計, 消費税, 合計),
// carry the company's registration number, mark reduced-rate items ※ with
// the legend, and a paid invoice says paid instead of asking for money.
func TestDocumentsThatAddUp(t *testing.T) {
	co := Party{Name: "Northwind Systems", Lines: []string{"100 Market Street"}, Registration: "T1234567890123"}
	cust := Party{Name: "株式会社さくらテック", Lines: []string{"〒100-0005", "東京都千代田区丸の内1-1-1"}}
	lines := []QuoteLine{
		{SKU: "SRV", Description: "Atlas R2", Quantity: d("4"), UnitPrice: d("14467.55"), Gross: d("57870.20"), Discount: d("6944.42"), Net: d("50925.78"),
			Options: []string{"Storage: 96 TB"}, Notes: []string{"96 TB configurations ship in about six weeks"}},
		{SKU: "TEA", Description: "Green tea", Quantity: d("2"), UnitPrice: d("500"), Gross: d("1000"), Net: d("1000"), Reduced: true},
	}
	q := Quote{Lang: Japanese, Company: co, Customer: cust, Number: "Q-000007", Version: 1, Currency: "USD", Lines: lines, PreparedBy: "Kenji Watanabe",
		Subtotal: d("58870.20"), Discount: d("6944.42"), NetTotal: d("51925.78"),
		Taxes: []TaxLine{{Name: "消費税 10%", RatePct: d("10"), Base: d("50925.78"), Tax: d("5092.58")}, {Name: "消費税 8%", RatePct: d("8"), Reduced: true, Base: d("1000"), Tax: d("80")}},
		Total: d("57098.36")}
	pdf, err := QuotePDF(q)
	if err != nil {
		t.Fatal(err)
	}
	text := pdftotext(t, pdf)
	for _, want := range []string{"御見積書", "小計", "消費税 10%", "合計", "登録番号 T1234567890123", "担当", "Kenji Watanabe",
		"$14,467.55", "-$6,944.42", "$50,925.78", "Green tea ※", "※は軽減税率対象品目です", "注記: 96 TB configurations ship in", "※ 消費税 8%", "1 / 1 ページ"} {
		if !strings.Contains(text, want) {
			t.Errorf("quote PDF lacks %q:\n%s", want, text)
		}
	}
	// The line adds up: 4 × 14,467.55 − 6,944.42 = 50,925.78.
	if !d("4").Mul(d("14467.55")).Sub(d("6944.42")).Equal(d("50925.78")) {
		t.Fatal("the sample line does not add up")
	}
	inv := Invoice{Lang: Japanese, Company: co, Customer: cust, Number: "INV-2026-000001", Currency: "JPY", Lines: []InvoiceLine{
		{SKU: "SRV", Description: "Atlas R2", Quantity: d("1"), UnitPrice: d("10000"), Net: d("10000"), Components: []string{"2 × SSD 1 TB"}}},
		NetTotal: d("10000"), Taxes: []TaxLine{{Name: "消費税 10%", RatePct: d("10"), Base: d("10000"), Tax: d("1000")}}, Total: d("11000"),
		Settled: d("11000"), AmountDue: d("0"), Payment: "Please pay ¥0 by 2026-12-31."}
	pdf, err = InvoicePDF(inv)
	if err != nil {
		t.Fatal(err)
	}
	text = pdftotext(t, pdf)
	for _, want := range []string{"請求書", "小計", "合計", "支払済", "全額お支払いいただきました", "構成: 2 × SSD 1 TB", "登録番号 T1234567890123"} {
		if !strings.Contains(text, want) {
			t.Errorf("invoice PDF lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "Please pay") {
		t.Errorf("a paid invoice asks for money:\n%s", text)
	}
}
