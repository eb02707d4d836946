package main

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/quotient-cpq/quotient/server"
	"github.com/quotient-cpq/quotient/store/storetest"
)

// TestBuilderGuards: the quote builder enforces what the API enforces and
// shows what people type as text. Another rep's quote is the API's 404 as
// a page and its changes are refused; a change without the CSRF token is
// 403 and changes nothing; a line that holds another product since the
// page was shown is stale; bad input is a 422 with the problem at the
// field, what was typed kept; script typed into notes, a line's quantity
// or an approver's comment is shown as text; margins show to the manager
// and not to the rep; revise and compare work through the same use cases.
func TestBuilderGuards(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		a, links, toks := startDemo(t, db, nil)
		priya := toks["priya.nair@northwind.example"]
		acc := demoAccount(t, a, priya, "acme")
		edge := page[server.ProductJSON](t, a.must(200, "GET", "/api/v1/products?q=edge", priya, nil))[0].ID
		q := as[server.QuoteJSON](t, a.must(201, "POST", "/api/v1/quotes", priya, map[string]any{"account_id": acc,
			"lines": []any{map[string]any{"product_id": edge, "quantity": "2"}}}))
		base := a.base + "/quotes/" + q.ID
		rep := signedIn(t, links["priya.nair@northwind.example"])
		_, body, _ := fetch(t, rep, "GET", base, nil)
		token := csrfRe.FindStringSubmatch(body)[1]
		if strings.Contains(body, ">Margin<") {
			t.Fatal("the rep's builder shows the margin")
		}
		total := func() string { return a.must(200, "GET", "/api/v1/quotes/"+q.ID, priya, nil).str(t, "total") }
		was := total()

		other := signedIn(t, links["kenji.watanabe@northwind.example"])
		_, kpage, _ := fetch(t, other, "GET", a.base+"/", nil)
		ktoken := csrfRe.FindStringSubmatch(kpage)[1]
		for _, path := range []string{"", "/lines/1/configure", "/diff", "/pdf"} {
			if st, _, _ := fetch(t, other, "GET", base+path, nil); st != 404 {
				t.Fatalf("another rep opening %s: %d", path, st)
			}
		}
		if st, _, _ := fetch(t, other, "POST", base+"/lines/1", url.Values{"csrf": {ktoken}, "product_id": {edge}, "quantity": {"9"}}); st != 403 && st != 404 {
			t.Fatalf("another rep changing a line: %d", st)
		}
		if st, _, _ := fetch(t, rep, "POST", base+"/lines/1", url.Values{"product_id": {edge}, "quantity": {"9"}}, "HX-Request", "true"); st != 403 {
			t.Fatalf("a change without the CSRF token: %d", st)
		}
		if st, _, _ := fetch(t, rep, "POST", base+"/lines/1", url.Values{"csrf": {"wrong"}, "product_id": {edge}, "quantity": {"9"}}); st != 403 {
			t.Fatalf("a change with a wrong CSRF token: %d", st)
		}
		if got := total(); got != was {
			t.Fatalf("refused changes changed the total: %s → %s", was, got)
		}

		// Stale and bad input, with htmx and without.
		if st, b, _ := fetch(t, rep, "POST", base+"/lines/1", url.Values{"csrf": {token}, "version": {"1"}, "product_id": {"prd_other"}, "quantity": {"3"}}); st != 422 ||
			!strings.Contains(b, "holds another product") {
			t.Fatalf("a stale line: %d %.300s", st, b)
		}
		xss := `"><script>alert(1)</script>`
		st, b, _ := fetch(t, rep, "POST", base+"/lines/1", url.Values{"csrf": {token}, "version": {"1"}, "product_id": {edge}, "quantity": {xss}}, "HX-Request", "true")
		if st != 422 || !strings.Contains(b, `id="line-1-error"`) || !strings.Contains(b, "&#34;&gt;&lt;script&gt;") || strings.Contains(b, "<script>alert") {
			t.Fatalf("a bad quantity: %d %.600s", st, b)
		}
		st, b, _ = fetch(t, rep, "POST", base+"/lines/1", url.Values{"csrf": {token}, "version": {"1"}, "product_id": {edge}, "quantity": {"-1"}})
		if st != 422 || !strings.Contains(b, "Line 1 was not changed") || !strings.Contains(b, `value="-1"`) {
			t.Fatalf("a negative quantity: %d %.300s", st, b)
		}
		if got := total(); got != was {
			t.Fatalf("refused changes changed the total: %s → %s", was, got)
		}
		st, b, _ = fetch(t, rep, "POST", base+"/header", url.Values{"csrf": {token}, "version": {"1"}, "header_discount_pct": {"abc"}, "valid_until": {"2026-12-31"},
			"notes": {"keep me"}})
		if st != 422 || !strings.Contains(b, "keep me") || !strings.Contains(b, `aria-invalid="true"`) {
			t.Fatalf("a bad header discount: %d %.300s", st, b)
		}
		st, b, _ = fetch(t, rep, "POST", base+"/header", url.Values{"csrf": {token}, "version": {"1"}, "header_discount_pct": {"20"},
			"valid_until": {q.ValidUntil}, "notes": {xss}})
		if st != 200 || strings.Contains(b, "<script>alert") || !strings.Contains(b, "&lt;script&gt;alert(1)&lt;/script&gt;") {
			t.Fatalf("notes with script: %d %.300s", st, b)
		}
		// Submit; the manager rejects with script in the comment; the
		// rep reads it as text, revises and compares.
		if st, b, _ = fetch(t, rep, "POST", base+"/submit", url.Values{"csrf": {token}}); st != 200 || !strings.Contains(b, "waits for approval") {
			t.Fatalf("submit: %d %.300s", st, b)
		}
		mgr := signedIn(t, links["daniel.reyes@northwind.example"])
		_, mb, _ := fetch(t, mgr, "GET", base, nil)
		if !strings.Contains(mb, "<span>Margin</span>") {
			t.Fatal("the manager does not see the margin")
		}
		mtoken := csrfRe.FindStringSubmatch(mb)[1]
		if st, _, _ := fetch(t, mgr, "POST", a.base+"/approvals/"+q.ID, url.Values{"csrf": {mtoken}, "ruling": {"rejected"}, "comment": {xss}}); st != 200 {
			t.Fatalf("reject: %d", st)
		}
		_, b, _ = fetch(t, rep, "GET", base, nil)
		if strings.Contains(b, "<script>alert") || !strings.Contains(b, "&lt;script&gt;alert(1)&lt;/script&gt;") || !strings.Contains(b, "Rejected") {
			t.Fatalf("the rejected quote: %.500s", b)
		}
		// Submitted again it waits, locked; revising makes version 2.
		if st, b, _ = fetch(t, rep, "POST", base+"/submit", url.Values{"csrf": {token}}); st != 200 || !strings.Contains(b, `id="why-locked"`) {
			t.Fatalf("submit again: %d %.300s", st, b)
		}
		if st, b, _ = fetch(t, rep, "POST", base+"/revise", url.Values{"csrf": {token}}); st != 200 || !strings.Contains(b, "Version 2") {
			t.Fatalf("revise: %d %.300s", st, b)
		}
		if st, b, _ = fetch(t, rep, "POST", base+"/lines/1", url.Values{"csrf": {token}, "version": {"2"}, "product_id": {edge}, "quantity": {"5"}}); st != 200 {
			t.Fatalf("change version 2: %d %.300s", st, b)
		}
		if st, b, _ = fetch(t, rep, "GET", base+"/diff?from=1&to=2", nil); st != 200 || !strings.Contains(b, "version 1 against version 2") || !strings.Contains(b, "Quantity") {
			t.Fatalf("compare: %d %.1500s", st, b)
		}
		if st, _, _ = fetch(t, rep, "POST", base+"/lines/1", url.Values{"csrf": {token}, "version": {"1"}, "product_id": {edge}, "quantity": {"7"}}); st != 422 {
			t.Fatalf("a change to version 1 after revising: %d", st)
		}

		// Script in every other free text a builder page shows: a
		// contact's name and title, an opportunity's name, the search.
		a.must(201, "POST", "/api/v1/accounts/"+acc+"/contacts", priya, map[string]any{"name": xss, "email": "x@acme.example", "title": xss})
		opp := as[server.OpportunityJSON](t, a.must(201, "POST", "/api/v1/opportunities", priya, map[string]any{"account_id": acc, "name": xss,
			"stage": "proposal", "amount": "1000", "close_date": "2027-01-31"}))
		st, b, h := fetch(t, rep, "POST", a.base+"/opportunities/"+opp.ID+"/quotes", url.Values{"csrf": {token}})
		if st != 303 {
			t.Fatalf("a quote from the new opportunity: %d %.300s", st, b)
		}
		// And the account's own free text, which its list, its 360 and its
		// edit form show.
		cur := as[server.AccountJSON](t, a.must(200, "GET", "/api/v1/accounts/"+acc, priya, nil))
		addr := map[string]any{"line1": xss, "line2": xss, "city": xss, "region": xss, "postal_code": "<b>1</b>", "country": "US"}
		a.must(200, "PATCH", "/api/v1/accounts/"+acc, priya, map[string]any{"name": "Acme " + xss, "industry": xss, "phone": xss, "website": xss,
			"billing_address": addr, "shipping_address": addr}, "If-Match", fmt.Sprintf(`"v%d"`, cur.Version))
		for _, path := range []string{h.Get("Location"), "/accounts/" + acc, "/accounts/" + acc + "/edit", "/accounts?q=acme",
			"/quotes/" + q.ID + "?find=" + url.QueryEscape(xss), "/quotes/" + q.ID + "/products?find=" + url.QueryEscape(xss), "/"} {
			st, b, _ := fetch(t, rep, "GET", a.base+path, nil)
			if st != 200 || strings.Contains(b, "<script>alert") {
				t.Fatalf("%s shows script as markup: %d %.300s", path, st, b)
			}
		}
	})
}
