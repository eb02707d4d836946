package main

import (
	"regexp"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient/server"
	"github.com/quotient-cpq/quotient/store/storetest"
)

// yen reads "¥1,234" as a decimal.
func yen(t testing.TB, s string) decimal.Decimal {
	t.Helper()
	return dec(t, strings.ReplaceAll(strings.TrimPrefix(strings.TrimPrefix(s, "-"), "¥"), ",", ""))
}

// TestDocumentsACustomerCanCheck: a Japanese quote of goods and services
// both at 10 % and a reduced-rate item has one tax line per rate; its
// configuration's alert travels with the line into the quote and its PDF;
// the PDF speaks Japanese, names the rep and the company's registration
// number, marks the reduced item ※; every invoice line adds up with a
// calculator despite a header discount; a paid invoice says paid.
func TestDocumentsACustomerCanCheck(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		a := start(t, db, nil)
		tm := a.makeTeam()
		a.must(403, "PATCH", "/api/v1/settings", tm.rep, map[string]any{"company_registration_number": "T1234567890123"})
		if r := a.call("PATCH", "/api/v1/settings", tm.admin, map[string]any{"company_registration_number": "1234"}); r.status != 422 || r.field(t) != "company_registration_number" {
			t.Fatalf("a bad registration number: %d %s", r.status, r.body)
		}
		st := as[server.SettingsJSON](t, a.must(200, "PATCH", "/api/v1/settings", tm.admin, map[string]any{"company_name": "Northwind Systems",
			"company_registration_number": "T1234567890123"}))
		if st.CompanyRegistrationNumber != "T1234567890123" || as[server.SettingsJSON](t, a.must(200, "GET", "/api/v1/settings", tm.rep, nil)) != st {
			t.Fatalf("settings: %+v", st)
		}
		for _, r := range []map[string]any{{"region": "JP", "tax_category": "standard", "rate_pct": "10", "name": "消費税 10%"},
			{"region": "JP", "tax_category": "services", "rate_pct": "10", "name": "消費税 10%"},
			{"region": "JP", "tax_category": "food", "rate_pct": "8", "name": "消費税 8%", "reduced": true}} {
			a.must(201, "POST", "/api/v1/tax-rates", tm.finance, r)
		}
		book := as[server.PriceBookJSON](t, a.must(201, "POST", "/api/v1/price-books", tm.admin, map[string]any{"name": "JPY", "currency": "JPY", "is_default": true})).ID
		product := func(body map[string]any, price string) string {
			id := as[server.ProductJSON](t, a.must(201, "POST", "/api/v1/products", tm.admin, body)).ID
			a.must(201, "POST", "/api/v1/price-books/"+book+"/entries", tm.admin, map[string]any{"product_id": id, "unit_price": price})
			return id
		}
		srv := product(serverProduct(), "1446755")
		a.must(201, "POST", "/api/v1/products/"+srv+"/rules", tm.admin, map[string]any{"name": "Big disks", "kind": "alert",
			"condition": "config.disk_tb >= 32", "message": "large disk configurations ship in about six weeks"})
		product(map[string]any{"sku": "INSTALL", "name": "Installation", "family": "services", "kind": "service", "tax_category": "services"}, "50000")
		product(map[string]any{"sku": "TEA", "name": "Green tea", "family": "hardware", "tax_category": "food", "track_inventory": false}, "1200")
		acc := as[server.AccountJSON](t, a.must(201, "POST", "/api/v1/accounts", tm.admin, map[string]any{"name": "株式会社さくらテック", "currency": "JPY",
			"owner_id": tm.ids["Rep"], "tax_region": "JP-13", "invoicing_policy": "on_order",
			"billing_address": map[string]any{"line1": "丸の内1-1-1", "city": "千代田区", "region": "東京都", "postal_code": "100-0005", "country": "JP"}})).ID
		a.must(201, "POST", "/api/v1/accounts/"+acc+"/contacts", tm.rep, map[string]any{"name": "佐藤 花子", "email": "hanako@sakura.example"})

		q := as[server.QuoteJSON](t, a.must(201, "POST", "/api/v1/quotes", tm.rep, map[string]any{"account_id": acc, "header_discount_pct": "12",
			"lines": []any{map[string]any{"sku": "SRV-T1", "quantity": "4", "configuration": map[string]any{"cpu": "c8", "disk_tb": 32}},
				map[string]any{"sku": "INSTALL", "quantity": "1"}, map[string]any{"sku": "TEA", "quantity": "2"}}}))
		if len(q.Taxes) != 2 || q.Taxes[0].RatePct != "10" || q.Taxes[1].RatePct != "8" || !q.Taxes[1].Reduced || !q.Lines[2].TaxReduced {
			t.Fatalf("one tax line per rate: %+v", q.Taxes)
		}
		if len(q.Lines[0].Warnings) != 1 || q.Lines[0].Warnings[0] != "large disk configurations ship in about six weeks" {
			t.Fatalf("the configuration's alert on the line: %+v", q.Lines[0].Warnings)
		}
		preview := a.must(200, "POST", "/api/v1/pricing/preview", tm.rep, map[string]any{"account_id": acc,
			"lines": []any{map[string]any{"product_id": srv, "quantity": "1", "configuration": map[string]any{"cpu": "c8", "disk_tb": "48"}}}})
		if !strings.Contains(string(preview.body), "ship in about six weeks") {
			t.Fatalf("the preview lost the alert: %s", preview.body)
		}
		text, ok := pdfText(t, a.must(200, "GET", "/api/v1/quotes/"+q.ID+"/pdf", tm.rep, nil).body)
		if ok {
			for _, want := range []string{"御見積書", "小計", "合計", "消費税 10%", "※ 消費税 8%", "登録番号 T1234567890123", "〒100-0005", "東京都千代田区丸の内1-1-1",
				"Green tea ※", "※は軽減税率対象品目です", "担当", "Rep <rep@example.com>", "large disk configurations"} {
				if !strings.Contains(text, want) {
					t.Errorf("the quote PDF lacks %q", want)
				}
			}
			if strings.Count(text, "消費税 10%（") != 1 {
				t.Errorf("the quote PDF has more than one 10%% tax line:\n%s", text)
			}
		}

		sub := as[server.SubmissionJSON](t, a.must(200, "POST", "/api/v1/quotes/"+q.ID+"/submit", tm.rep, nil))
		if sub.Quote.Status != "approved" {
			t.Fatalf("submit: %s", sub.Quote.Status)
		}
		seedRates(t, a, tm.finance, "2000-01-01", "JPY", "0.0067")
		o := as[server.OrderJSON](t, a.must(201, "POST", "/api/v1/quotes/"+q.ID+"/convert", tm.rep, nil))
		inv := page[server.InvoiceJSON](t, a.must(200, "GET", "/api/v1/invoices?order_id="+o.ID, tm.finance, nil))[0]
		pdf := a.must(200, "GET", "/api/v1/invoices/"+inv.ID+"/pdf", tm.finance, nil).body
		if text, ok := pdfText(t, pdf); ok {
			// Every line: quantity × unit price − discount = net, as printed.
			row := regexp.MustCompile(`(?m)^\s*(SRV-T1|INSTALL|TEA)\s.*?\s(\d+)\s+(¥[\d,]+)\s+(-¥[\d,]+\s+)?(¥[\d,]+)\s*$`)
			rows := row.FindAllStringSubmatch(text, -1)
			if len(rows) != 3 {
				t.Fatalf("invoice rows: %q\n%s", rows, text)
			}
			for _, r := range rows {
				qty, unit, net := dec(t, r[2]), yen(t, r[3]), yen(t, r[5])
				disc := decimal.Zero
				if r[4] != "" {
					disc = yen(t, strings.TrimSpace(r[4]))
				}
				if !qty.Mul(unit).Sub(disc).Equal(net) {
					t.Errorf("%s: %s × %s − %s ≠ %s", r[1], qty, unit, disc, net)
				}
			}
			for _, want := range []string{"請求書", "小計", "合計", "登録番号 T1234567890123", "Disk: 32 TB", "請求日より30日以内"} {
				if !strings.Contains(text, want) {
					t.Errorf("the invoice PDF lacks %q", want)
				}
			}
		}
		a.must(201, "POST", "/api/v1/payments", tm.finance, map[string]any{"account_id": acc, "amount": inv.Total, "method": "bank_transfer",
			"allocations": []any{map[string]any{"invoice_id": inv.ID, "amount": inv.Total}}})
		if text, ok := pdfText(t, a.must(200, "GET", "/api/v1/invoices/"+inv.ID+"/pdf", tm.finance, nil).body); ok {
			if !strings.Contains(text, "支払済") || !strings.Contains(text, "全額お支払いいただきました") || strings.Contains(text, "お支払いください") {
				t.Errorf("a paid invoice:\n%s", text)
			}
		}
	})
}
