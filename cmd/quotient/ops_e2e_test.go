package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/quotient-cpq/quotient/server"
	"github.com/quotient-cpq/quotient/store/storetest"
)

var tokenLine = regexp.MustCompile(`(?m)^\s+(admin|sales_manager|sales_rep|finance)\s+(\S+)\s+(qtk_\S+)$`)

func demoTokens(t testing.TB, out string) map[string]string {
	t.Helper()
	m := map[string]string{}
	for _, g := range tokenLine.FindAllStringSubmatch(out, -1) {
		m[g[2]] = g[3]
	}
	if len(m) != 5 {
		t.Fatalf("want 5 demo tokens in the output, got %d:\n%s", len(m), out)
	}
	return m
}

func TestDemoCompany(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		a := start(t, db, map[string]string{"QUOTIENT_BOOTSTRAP_TOKEN": ""}, "serve", "--demo")
		out := a.out.String()
		if !strings.Contains(out, "listening on "+a.base) {
			t.Fatalf("no URL in output:\n%s", out)
		}
		toks := demoTokens(t, out)
		roles := map[string]bool{}
		for _, tok := range toks {
			roles[a.must(200, "GET", "/api/v1/me", tok, nil).str(t, "role")] = true
		}
		if len(roles) != 4 {
			t.Fatalf("demo roles: %v", roles)
		}
		admin := toks["mira.okafor@northwind.example"]
		// Two warehouses with opening stock, every movement accounted for.
		if whs := a.must(200, "GET", "/api/v1/warehouses", admin, nil).list(t); len(whs) != 2 {
			t.Fatalf("demo warehouses: %v", whs)
		}
		if lv := a.must(200, "GET", "/api/v1/inventory?limit=200", admin, nil).list(t); len(lv) < 4 {
			t.Fatalf("demo stock: %v", lv)
		}
		checkStockInvariants(t, db)

		products := a.must(200, "GET", "/api/v1/products?limit=200", admin, nil).list(t)
		families := map[string]bool{}
		var configurable, bundle bool
		for _, p := range products {
			families[p["family"].(string)] = true
			if p["sku"] == "SRV-ATLAS-R2" {
				codes := ""
				for _, at := range p["attributes"].([]any) {
					codes += at.(map[string]any)["code"].(string) + ","
				}
				configurable = codes == "cpu,memory,storage_tb,support_tier,redundant_psu,"
			}
			bundle = bundle || p["is_bundle"] == true
		}
		if len(products) < 30 || len(families) < 4 || !configurable || !bundle {
			t.Fatalf("demo catalog: %d products, families %v, configurable server %v, bundle %v", len(products), families, configurable, bundle)
		}
		books := a.must(200, "GET", "/api/v1/price-books", admin, nil).list(t)
		currencies := map[string]bool{}
		for _, b := range books {
			if b["is_default"] == true {
				currencies[b["currency"].(string)] = true
			}
			n := len(a.must(200, "GET", "/api/v1/price-books/"+b["id"].(string)+"/entries?limit=200", admin, nil).list(t))
			if n != len(products) {
				t.Errorf("book %s prices %d of %d products", b["name"], n, len(products))
			}
		}
		if !currencies["USD"] || !currencies["EUR"] || !currencies["JPY"] {
			t.Fatalf("default books: %v", currencies)
		}
		accounts := a.must(200, "GET", "/api/v1/accounts?limit=200", admin, nil).list(t)
		segments, japanese := map[string]bool{}, 0
		for _, acc := range accounts {
			segments[acc["segment"].(string)] = true
			if acc["currency"] == "JPY" && strings.Contains(acc["billing_address"].(map[string]any)["city"].(string), "市") ||
				strings.Contains(acc["name"].(string), "株式会社") {
				japanese++
			}
		}
		if len(accounts) != 20 || len(segments) < 3 || japanese < 3 {
			t.Fatalf("demo accounts: %d, segments %v, japanese %d", len(accounts), segments, japanese)
		}
		if n := len(a.must(200, "GET", "/api/v1/opportunities?limit=200", admin, nil).list(t)); n < 10 {
			t.Fatalf("demo opportunities: %d", n)
		}

		// The demo rulebook prices a quote for a Japanese customer, and the
		// Atlas server's configuration rules apply.
		var atlasID, saasID, jpAccount, entAccount string
		for _, p := range products {
			switch p["sku"] {
			case "SRV-ATLAS-R2":
				atlasID = p["id"].(string)
			case "SAAS-PLAT":
				saasID = p["id"].(string)
			}
		}
		for _, acc := range accounts {
			if acc["currency"] == "JPY" && jpAccount == "" {
				jpAccount = acc["id"].(string)
			}
			if acc["segment"] == "enterprise" && acc["currency"] == "USD" && entAccount == "" {
				entAccount = acc["id"].(string)
			}
		}
		rep := toks["kenji.watanabe@northwind.example"]
		pv := a.must(200, "POST", "/api/v1/pricing/preview", rep, map[string]any{"account_id": jpAccount, "lines": []any{
			map[string]any{"product_id": atlasID, "quantity": "12", "configuration": map[string]any{"memory": "m256", "storage_tb": "16"}},
			map[string]any{"product_id": saasID, "quantity": "150"}}}).json(t)
		if pv["currency"] != "JPY" || len(pv["taxes"].([]any)) == 0 || strings.Contains(pv["total"].(string), ".") || pv["margin_pct"] == nil {
			t.Fatalf("demo preview: %v", pv)
		}
		cf := a.must(200, "POST", "/api/v1/products/"+atlasID+"/configure", rep, map[string]any{"account_id": entAccount,
			"configuration": map[string]any{"memory": "m512"}}).json(t)
		if cf["configuration"].(map[string]any)["cpu"] != "c64" || cf["valid"] != true {
			t.Fatalf("demo configure: %v", cf)
		}

		// A demo rep quotes a demo opportunity and submits it: the demo
		// approval rules decide.
		opps := a.must(200, "GET", "/api/v1/opportunities?account_id="+jpAccount, rep, nil).list(t)
		if len(opps) > 0 && opps[0]["stage"] != "closed_won" && opps[0]["stage"] != "closed_lost" {
			qt := a.must(201, "POST", "/api/v1/quotes", rep, map[string]any{"opportunity_id": opps[0]["id"], "lines": []any{
				map[string]any{"product_id": atlasID, "quantity": "4", "manual_discount_pct": "20"}}}).json(t)
			sub := a.must(200, "POST", "/api/v1/quotes/"+qt["id"].(string)+"/submit", rep, nil).json(t)
			if sub["quote"].(map[string]any)["status"] != "pending_approval" {
				t.Fatalf("demo quote with 20%% off: %v", sub["quote"].(map[string]any)["status"])
			}
			pdf := a.must(200, "GET", "/api/v1/quotes/"+qt["id"].(string)+"/pdf", rep, nil).body
			if text, ok := pdfText(t, pdf); ok {
				acc := a.must(200, "GET", "/api/v1/accounts/"+jpAccount, rep, nil).str(t, "name")
				for _, want := range []string{acc, "Northwind Systems", "SRV-ATLAS-R2", "¥", "Memory:", "64 GB", qt["number"].(string)} {
					if !strings.Contains(text, want) {
						t.Errorf("demo quote PDF lacks %q\n%s", want, text)
					}
				}
			}
		}

		// The demo company has a history: receivables current and overdue,
		// invoices paid in full and in part, credit notes, orders shipped in
		// full and in part and held for credit, reminders and commission
		// paid; and the books check out.
		fin := toks["sofia.lindqvist@northwind.example"]
		aging := as[server.AgingReportJSON](t, a.must(200, "GET", "/api/v1/reports/ar-aging?basis=document", fin, nil))
		if base := as[server.AgingJSON](t, a.must(200, "GET", "/api/v1/reports/ar-aging", fin, nil)); !base.InBase || base.Currency != "USD" ||
			!dec(t, base.Total.Total).IsPositive() {
			t.Fatalf("the demo's aging in base: %+v", base)
		}
		overdue := false
		for _, s := range aging.Sections {
			overdue = overdue || dec(t, s.Total.Total).GreaterThan(dec(t, s.Total.Current))
		}
		if len(aging.Sections) != 3 || !overdue {
			t.Fatalf("the demo's receivables: %+v", aging)
		}
		statuses := map[string]int{}
		for _, inv := range page[server.InvoiceJSON](t, a.must(200, "GET", "/api/v1/invoices?limit=200", fin, nil)) {
			statuses[inv.Status]++
		}
		orders := map[string]int{}
		for _, o := range page[server.OrderJSON](t, a.must(200, "GET", "/api/v1/orders?limit=200", admin, nil)) {
			orders[o.Status]++
		}
		if statuses["paid"] < 10 || statuses["partially_paid"] == 0 || statuses["posted"] == 0 || orders["fulfilled"] < 10 ||
			orders["partially_fulfilled"] == 0 || orders["on_hold"] == 0 {
			t.Fatalf("the demo's invoices %v and orders %v", statuses, orders)
		}
		if cns := page[server.CreditNoteJSON](t, a.must(200, "GET", "/api/v1/credit-notes", fin, nil)); len(cns) == 0 {
			t.Fatal("the demo has no credit notes")
		}
		if code, out, errs := runCmd(t, db, "check"); code != 0 {
			t.Fatalf("quotient check on a fresh demo: %d\n%s%s", code, out, errs)
		}
		// A Japanese customer's invoice reads as one: labels, the issuer's
		// registration number, the address in Japanese order.
		jpInvoices := page[server.InvoiceJSON](t, a.must(200, "GET", "/api/v1/invoices?limit=200&account_id="+jpAccount, fin, nil))
		if len(jpInvoices) == 0 {
			t.Fatal("no invoice for the Japanese demo customer")
		}
		if text, ok := pdfText(t, a.must(200, "GET", "/api/v1/invoices/"+jpInvoices[0].ID+"/pdf", fin, nil).body); ok {
			for _, want := range []string{"請求書", "小計", "消費税 10%", "合計", "登録番号 T4010001234567", "〒100-0005", "東京都千代田区丸の内1-9-2"} {
				if !strings.Contains(text, want) {
					t.Errorf("the Japanese demo invoice lacks %q:\n%s", want, text)
				}
			}
		}

		// A second start with --demo keeps the data and prints new tokens
		// that work; the old ones stop working.
		if code := a.stop(); code != 0 {
			t.Fatalf("stop: exit %d", code)
		}
		b := start(t, db, map[string]string{"QUOTIENT_BOOTSTRAP_TOKEN": ""}, "serve", "--demo")
		toks2 := demoTokens(t, b.out.String())
		b.must(200, "GET", "/api/v1/me", toks2["priya.nair@northwind.example"], nil)
		b.must(401, "GET", "/api/v1/me", toks["priya.nair@northwind.example"], nil)
		if n := len(b.must(200, "GET", "/api/v1/accounts?limit=200", toks2["mira.okafor@northwind.example"], nil).list(t)); n != 20 {
			t.Fatalf("after restart: %d accounts", n)
		}
	})
}

func TestBootstrapTokenOnlyOnEmptyDatabase(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		a := start(t, db, nil)
		if a.must(200, "GET", "/api/v1/me", testBootstrap, nil).str(t, "role") != "admin" {
			t.Fatal("bootstrap user is not admin")
		}
		a.stop()
		other := "another-bootstrap-token-0123456789"
		b := start(t, db, map[string]string{"QUOTIENT_BOOTSTRAP_TOKEN": other})
		b.must(401, "GET", "/api/v1/me", other, nil)
		b.must(200, "GET", "/api/v1/me", testBootstrap, nil)
	})
}

func TestHealthReadinessMetrics(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		a := start(t, db, nil)
		a.must(200, "GET", "/healthz", "", nil)
		if a.must(200, "GET", "/readyz", "", nil).str(t, "status") != "ok" {
			t.Fatal("not ready")
		}
		a.must(200, "GET", "/api/v1/accounts", testBootstrap, nil)
		a.must(404, "GET", "/api/v1/accounts/acc_x", testBootstrap, nil)
		m := string(a.must(200, "GET", "/metrics", "", nil).body)
		for _, want := range []string{
			`quotient_http_requests_total{method="GET",route="/api/v1/accounts",status="200"} 1`,
			`quotient_http_requests_total{method="GET",route="/api/v1/accounts/{id}",status="404"} 1`,
			`quotient_http_request_duration_seconds_bucket{method="GET",route="/api/v1/accounts",status="200",le="+Inf"} 1`,
			`go_sql_open_connections{db_name=`,
		} {
			if !strings.Contains(m, want) {
				t.Errorf("metrics lack %q", want)
			}
		}
		spec := a.must(200, "GET", "/api/v1/openapi.json", "", nil).json(t)
		if spec["openapi"] != "3.1.0" {
			t.Fatalf("openapi: %v", spec["openapi"])
		}
	})
}

func runCmd(t *testing.T, db string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := map[string]string{"QUOTIENT_DATABASE_URL": db}
	code := Main(context.Background(), args, Env{Getenv: func(k string) string { return env[k] }, Stdout: &out, Stderr: &errb, Stdin: strings.NewReader("")})
	return code, out.String(), errb.String()
}

func writeFile(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestMigrateAndImportCommands(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		code, out, errs := runCmd(t, db, "migrate")
		if m := regexp.MustCompile(`at migration (\d+) of (\d+)`).FindStringSubmatch(out); code != 0 || m == nil || m[1] != m[2] || m[1] == "0" {
			t.Fatalf("migrate: exit %d, %s %s", code, out, errs)
		}
		products := writeFile(t, "products.csv", "\ufeffsku,name,family,kind,uom,unit_cost,tax_category,description,active,track_inventory\n"+
			"SRV-1,Server,hardware,good,each,1000.50,standard,\"A server, 1U\",true,true\n"+
			"PS-1,Install,services,service,hour,80,services,,yes,no\n"+
			"LIC-1,Licence,software,service,seat,0,digital,,,\n")
		code, out, errs = runCmd(t, db, "import", "products", products)
		if code != 0 || !strings.Contains(out, "imported 3 products (3 created, 0 updated)") {
			t.Fatalf("import products: exit %d, %s %s", code, out, errs)
		}
		// A file with problems writes nothing and reports every row.
		bad := writeFile(t, "bad.csv", "sku,name,family,unit_cost\n"+
			"SRV-1,Server renamed,hardware,1100\n"+
			"NEW-1,,hardware,10\n"+
			"NEW-2,Thing,hardware,ten\n"+
			"NEW-3,Thing,Hardware Family,1\n")
		code, _, errs = runCmd(t, db, "import", "products", bad)
		for _, want := range []string{"row 3, column name", "row 4, column unit_cost", "row 5, column family", "nothing was imported"} {
			if !strings.Contains(errs, want) {
				t.Errorf("bad import report lacks %q:\n%s", want, errs)
			}
		}
		if code != 1 {
			t.Fatalf("bad import: exit %d", code)
		}
		unknown := writeFile(t, "unknown.csv", "sku,name,family,colour\nX,Y,z,red\n")
		if code, _, errs = runCmd(t, db, "import", "products", unknown); code != 1 || !strings.Contains(errs, "row 1, column colour: unknown column") {
			t.Fatalf("unknown column: exit %d %s", code, errs)
		}

		a := start(t, db, nil)
		admin := testBootstrap
		list := a.must(200, "GET", "/api/v1/products", admin, nil).list(t)
		if len(list) != 3 {
			t.Fatalf("after the rejected import: %d products, want 3", len(list))
		}
		for _, p := range list {
			if p["sku"] == "SRV-1" && (p["name"] != "Server" || p["description"] != "A server, 1U" || p["unit_cost"] != "1000.50") {
				t.Fatalf("SRV-1 changed by a rejected import or misread: %v", p)
			}
			if p["sku"] == "PS-1" && p["track_inventory"] != false {
				t.Fatalf("PS-1: %v", p)
			}
		}
		a.must(201, "POST", "/api/v1/price-books", admin, map[string]any{"name": "List EUR", "currency": "EUR", "is_default": true})
		a.stop()

		entries := writeFile(t, "entries.csv", "price_book,sku,unit_price,active\nList EUR,SRV-1,920.00,true\nList EUR,PS-1,75,\n")
		if code, out, errs = runCmd(t, db, "import", "price-book-entries", entries); code != 0 || !strings.Contains(out, "2 created") {
			t.Fatalf("import entries: exit %d %s %s", code, out, errs)
		}
		again := writeFile(t, "again.csv", "price_book,sku,unit_price\nList EUR,SRV-1,930\n")
		if code, out, errs = runCmd(t, db, "import", "price-book-entries", again); code != 0 || !strings.Contains(out, "0 created, 1 updated") {
			t.Fatalf("re-import entries: exit %d %s %s", code, out, errs)
		}
		badEntries := writeFile(t, "bad-entries.csv", "price_book,sku,unit_price\nNo Such Book,SRV-1,1\nList EUR,NOPE,1\nList EUR,PS-1,-3\n")
		code, _, errs = runCmd(t, db, "import", "price-book-entries", badEntries)
		for _, want := range []string{"row 2, column price_book", "row 3, column sku", "row 4, column unit_price"} {
			if !strings.Contains(errs, want) {
				t.Errorf("bad entries report lacks %q:\n%s", want, errs)
			}
		}
		if code != 1 {
			t.Fatalf("bad entries: exit %d", code)
		}
		if code, _, _ := runCmd(t, db, "import", "widgets", entries); code != 2 {
			t.Fatalf("unknown kind: exit %d, want 2", code)
		}
	})
}

func TestUsageAndVersion(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	env := Env{Getenv: func(string) string { return "" }, Stdout: &out, Stderr: io.Discard}
	if code := Main(context.Background(), []string{"version"}, env); code != 0 || !strings.HasPrefix(out.String(), "quotient ") {
		t.Fatalf("version: %d %q", code, out.String())
	}
	if code := Main(context.Background(), []string{"frobnicate"}, env); code != 2 {
		t.Fatalf("unknown command: exit %d, want 2", code)
	}
	if code := Main(context.Background(), nil, env); code != 2 {
		t.Fatalf("no command: exit %d, want 2", code)
	}
	bad := Env{Getenv: func(k string) string {
		if k == "QUOTIENT_DATABASE_URL" {
			return "mysql://nope"
		}
		return ""
	}, Stdout: io.Discard, Stderr: io.Discard}
	if code := Main(context.Background(), []string{"migrate"}, bad); code != 1 {
		t.Fatalf("bad database URL: exit %d, want 1", code)
	}
	// Session lengths that are not lengths, out of range, or an idle limit
	// past the absolute one: a usage error naming the variable, before
	// anything opens.
	for _, c := range []map[string]string{{"QUOTIENT_SESSION_IDLE": "banana"}, {"QUOTIENT_SESSION_IDLE": "500ms"}, {"QUOTIENT_SESSION_MAX": "10000h"},
		{"QUOTIENT_SESSION_IDLE": "2h", "QUOTIENT_SESSION_MAX": "1h"}} {
		var msg bytes.Buffer
		env := Env{Getenv: func(k string) string { return c[k] }, Stdout: io.Discard, Stderr: &msg}
		if code := Main(context.Background(), []string{"serve"}, env); code != 2 || !strings.Contains(msg.String(), "QUOTIENT_SESSION_") {
			t.Fatalf("serve with %v: exit %d %q, want 2 naming the variable", c, code, msg.String())
		}
	}
}

// TestShutdownClosesIdleConnections: a connection that never sends a
// request and an idle keep-alive must not hold up a graceful shutdown
// (fasthttp alone waits for the first until its read timeout).
func TestShutdownClosesIdleConnections(t *testing.T) {
	t.Parallel()
	a := start(t, storetest.SQLiteURL(t), nil)
	silent, err := net.Dial("tcp", strings.TrimPrefix(a.base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	a.must(200, "GET", "/api/v1/me", testBootstrap, nil) // leaves a keep-alive connection idle
	began := time.Now()
	if code := a.stop(); code != 0 {
		t.Fatalf("exit code %d, want 0", code)
	}
	if took := time.Since(began); took > 10*time.Second {
		t.Fatalf("shutdown waited %v for idle connections", took)
	}
}

func TestLoadTool(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		a := start(t, db, nil)
		a.must(201, "POST", "/api/v1/products", testBootstrap, serverProduct())
		var out bytes.Buffer
		env := Env{Getenv: func(string) string { return "" }, Stdout: &out, Stderr: &out}
		code := Main(context.Background(), []string{"load", "--url", a.base, "--token", testBootstrap,
			"--duration", "20s", "--requests", "300", "--concurrency", "6", "--writes", "30"}, env)
		if code != 0 || !strings.Contains(out.String(), "invariants: ok") || !strings.Contains(out.String(), "create account") {
			t.Fatalf("load: exit %d\n%s", code, out.String())
		}
	})
}

func TestLoadToolPreviewScenario(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		a := start(t, db, map[string]string{"QUOTIENT_BOOTSTRAP_TOKEN": ""}, "serve", "--demo")
		admin := demoTokens(t, a.out.String())["mira.okafor@northwind.example"]
		var out bytes.Buffer
		env := Env{Getenv: func(string) string { return "" }, Stdout: &out, Stderr: &out}
		code := Main(context.Background(), []string{"load", "--url", a.base, "--token", admin, "--scenario", "preview",
			"--lines", "200", "--duration", "20s", "--requests", "12", "--concurrency", "3"}, env)
		if code != 0 || !strings.Contains(out.String(), "invariants: ok") || !strings.Contains(out.String(), "preview") {
			t.Fatalf("load preview: exit %d\n%s", code, out.String())
		}
	})
}

func TestLoadToolRefusesOtherHosts(t *testing.T) {
	t.Parallel()
	for _, u := range []string{"http://10.0.0.1:8080", "http://example.com", "ftp://127.0.0.1"} {
		var out bytes.Buffer
		env := Env{Getenv: func(string) string { return "" }, Stdout: &out, Stderr: &out}
		if code := Main(context.Background(), []string{"load", "--url", u, "--token", "x", "--duration", "1s"}, env); code != 2 {
			t.Errorf("load --url %s: exit %d, want 2 (%s)", u, code, out.String())
		}
	}
}

// pdfText extracts a PDF's text with pdftotext, when it is installed
// (poppler-utils; .ci/run installs it).
func pdfText(t *testing.T, pdf []byte) (string, bool) {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Log("pdftotext not installed; PDF text not checked (apt-get install poppler-utils)")
		return "", false
	}
	p := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(p, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-layout", p, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out), true
}
