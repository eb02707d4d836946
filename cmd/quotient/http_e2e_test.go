package main

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/quotient-cpq/quotient/store/storetest"
)

func TestRoleMatrix(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		a := start(t, db, nil)
		tm := a.makeTeam()
		acc := func(tok string) string {
			return a.must(201, "POST", "/api/v1/accounts", tok, map[string]any{"name": "Acct", "currency": "USD"}).str(t, "id")
		}
		accRep, accRep2, accOut := acc(tm.rep), acc(tm.rep2), acc(tm.outsider)
		opp := a.must(201, "POST", "/api/v1/opportunities", tm.rep, map[string]any{"account_id": accRep, "name": "Deal", "close_date": "2027-01-31"}).str(t, "id")
		book := a.must(201, "POST", "/api/v1/price-books", tm.admin, map[string]any{"name": "B", "currency": "USD"}).str(t, "id")
		prod := map[string]any{"sku": "P-1", "name": "P", "family": "hardware"}
		cases := []struct {
			who          string
			token        string
			method, path string
			body         any
			want         int
		}{
			{"nobody", "", "GET", "/api/v1/accounts", nil, 401},
			{"bad token", "qtk_nope", "GET", "/api/v1/accounts", nil, 401},
			{"rep", tm.rep, "GET", "/api/v1/accounts/" + accOut, nil, 200},
			{"rep", tm.rep, "GET", "/api/v1/products", nil, 200},
			{"finance", tm.finance, "GET", "/api/v1/opportunities/" + opp, nil, 200},
			{"rep own account", tm.rep, "PATCH", "/api/v1/accounts/" + accRep, map[string]any{"industry": "x"}, 200},
			{"rep teammate's account", tm.rep, "PATCH", "/api/v1/accounts/" + accRep2, map[string]any{"industry": "x"}, 403},
			{"rep other's account", tm.rep, "PATCH", "/api/v1/accounts/" + accOut, map[string]any{"industry": "x"}, 403},
			{"rep deletes teammate's", tm.rep, "DELETE", "/api/v1/accounts/" + accRep2, nil, 403},
			{"rep assigns to another", tm.rep, "POST", "/api/v1/accounts", map[string]any{"name": "A", "currency": "USD", "owner_id": tm.ids["Rep2"]}, 403},
			{"manager team account", tm.manager, "PATCH", "/api/v1/accounts/" + accRep2, map[string]any{"industry": "y"}, 200},
			{"manager outside team", tm.manager, "PATCH", "/api/v1/accounts/" + accOut, map[string]any{"industry": "y"}, 403},
			{"manager assigns to team", tm.manager, "POST", "/api/v1/accounts", map[string]any{"name": "A", "currency": "USD", "owner_id": tm.ids["Rep"]}, 201},
			{"manager assigns outside", tm.manager, "POST", "/api/v1/accounts", map[string]any{"name": "A", "currency": "USD", "owner_id": tm.ids["Outsider"]}, 403},
			{"finance credit limit", tm.finance, "PATCH", "/api/v1/accounts/" + accOut, map[string]any{"credit_limit": "9000", "payment_terms": "net_60"}, 200},
			{"finance renames", tm.finance, "PATCH", "/api/v1/accounts/" + accOut, map[string]any{"name": "Z"}, 403},
			{"finance creates account", tm.finance, "POST", "/api/v1/accounts", map[string]any{"name": "A", "currency": "USD"}, 403},
			{"finance creates opportunity", tm.finance, "POST", "/api/v1/opportunities", map[string]any{"account_id": accOut, "name": "D", "close_date": "2027-01-01"}, 403},
			{"rep own opportunity", tm.rep, "PATCH", "/api/v1/opportunities/" + opp, map[string]any{"stage": "qualification"}, 200},
			{"outsider opportunity", tm.outsider, "PATCH", "/api/v1/opportunities/" + opp, map[string]any{"stage": "proposal"}, 403},
			{"teammate deletes opportunity", tm.rep2, "DELETE", "/api/v1/opportunities/" + opp, nil, 403},
			{"rep contact on own account", tm.rep, "POST", "/api/v1/accounts/" + accRep + "/contacts", map[string]any{"name": "C"}, 201},
			{"finance contact", tm.finance, "POST", "/api/v1/accounts/" + accRep + "/contacts", map[string]any{"name": "C"}, 403},
			{"rep creates product", tm.rep, "POST", "/api/v1/products", prod, 403},
			{"manager creates product", tm.manager, "POST", "/api/v1/products", prod, 403},
			{"finance creates product", tm.finance, "POST", "/api/v1/products", prod, 403},
			{"admin creates product", tm.admin, "POST", "/api/v1/products", prod, 201},
			{"rep creates price book", tm.rep, "POST", "/api/v1/price-books", map[string]any{"name": "X", "currency": "EUR"}, 403},
			{"manager changes price book", tm.manager, "PATCH", "/api/v1/price-books/" + book, map[string]any{"name": "Y"}, 403},
			{"rep creates user", tm.rep, "POST", "/api/v1/users", map[string]any{"name": "U", "email": "u@example.com", "role": "admin"}, 403},
			{"manager creates user", tm.manager, "POST", "/api/v1/users", map[string]any{"name": "U", "email": "u@example.com", "role": "sales_rep"}, 403},
			{"finance creates token", tm.finance, "POST", "/api/v1/tokens", map[string]any{"user_id": tm.ids["Finance"]}, 403},
			{"admin changes any account", tm.admin, "PATCH", "/api/v1/accounts/" + accOut, map[string]any{"name": "Renamed"}, 200},
		}
		for _, c := range cases {
			r := a.call(c.method, c.path, c.token, c.body)
			if r.status != c.want {
				t.Errorf("%s: %s %s: got %d, want %d (%s)", c.who, c.method, c.path, r.status, c.want, r.body)
			}
			if r.status >= 400 && r.header.Get("Content-Type") != "application/problem+json" {
				t.Errorf("%s: error content type %q", c.who, r.header.Get("Content-Type"))
			}
		}
	})
}

func TestIdempotencyKey(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		a := start(t, db, nil)
		tm := a.makeTeam()
		body := map[string]any{"name": "Once Only Ltd", "currency": "USD"}
		first := a.must(201, "POST", "/api/v1/accounts", tm.rep, body, "Idempotency-Key", "k-1")
		again := a.must(201, "POST", "/api/v1/accounts", tm.rep, body, "Idempotency-Key", "k-1")
		if !bytes.Equal(first.body, again.body) || again.header.Get("Idempotent-Replayed") != "true" || first.header.Get("Idempotent-Replayed") != "" {
			t.Fatalf("replay: first %s, again %s (replayed=%q)", first.body, again.body, again.header.Get("Idempotent-Replayed"))
		}
		for _, h := range []string{"Location", "ETag"} {
			if again.header.Get(h) == "" || again.header.Get(h) != first.header.Get(h) {
				t.Fatalf("replayed %s: got %q, want %q", h, again.header.Get(h), first.header.Get(h))
			}
		}
		// A token's secret is shown once, even to a retry.
		tok := map[string]any{"user_id": tm.ids["Rep"], "name": "ci"}
		if a.must(201, "POST", "/api/v1/tokens", tm.admin, tok, "Idempotency-Key", "k-token").str(t, "token") == "" {
			t.Fatal("no token secret")
		}
		if r := a.must(409, "POST", "/api/v1/tokens", tm.admin, tok, "Idempotency-Key", "k-token"); strings.Contains(string(r.body), "qtk_") {
			t.Fatalf("token secret replayed: %s", r.body)
		}
		mismatch := a.must(422, "POST", "/api/v1/accounts", tm.rep, map[string]any{"name": "Other", "currency": "USD"}, "Idempotency-Key", "k-1")
		if mismatch.field(t) != "Idempotency-Key" {
			t.Fatalf("mismatch: %s", mismatch.body)
		}
		// Keys belong to a user: another user's same key is a new request.
		a.must(201, "POST", "/api/v1/accounts", tm.rep2, body, "Idempotency-Key", "k-1")
		// A validation failure is remembered too, and replayed.
		bad := map[string]any{"name": "", "currency": "USD"}
		a.must(422, "POST", "/api/v1/accounts", tm.rep, bad, "Idempotency-Key", "k-bad")
		if r := a.must(422, "POST", "/api/v1/accounts", tm.rep, bad, "Idempotency-Key", "k-bad"); r.header.Get("Idempotent-Replayed") != "true" {
			t.Fatal("422 not replayed")
		}

		// Concurrent duplicates produce one account.
		const n = 12
		var wg sync.WaitGroup
		ids := make([]string, n)
		statuses := make([]int, n)
		conc := map[string]any{"name": "Concurrent Co", "currency": "EUR"}
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := a.call("POST", "/api/v1/accounts", tm.rep, conc, "Idempotency-Key", "k-concurrent")
				statuses[i] = r.status
				if r.status == 201 {
					ids[i] = r.str(t, "id")
				}
			}()
		}
		wg.Wait()
		for i := range n {
			if statuses[i] != 201 || ids[i] != ids[0] {
				t.Fatalf("concurrent request %d: status %d id %q, want 201 %q", i, statuses[i], ids[i], ids[0])
			}
		}
		if got := len(a.must(200, "GET", "/api/v1/accounts?q=concurrent", tm.rep, nil).list(t)); got != 1 {
			t.Fatalf("concurrent duplicates made %d accounts, want 1", got)
		}
		if got := len(a.must(200, "GET", "/api/v1/accounts?q=once", tm.rep, nil).list(t)); got != 2 {
			t.Fatalf("got %d 'Once Only' accounts, want 2 (one per user)", got)
		}
	})
}

func TestStaleIfMatchAndLargeBody(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		a := start(t, db, nil)
		tm := a.makeTeam()
		acc := a.must(201, "POST", "/api/v1/accounts", tm.rep, map[string]any{"name": "Shared", "currency": "USD"})
		id, v1 := acc.str(t, "id"), acc.header.Get("ETag")
		// The manager edits first; the rep's edit based on v1 is refused.
		a.must(200, "PATCH", "/api/v1/accounts/"+id, tm.manager, map[string]any{"industry": "retail"}, "If-Match", v1)
		r := a.must(412, "PATCH", "/api/v1/accounts/"+id, tm.rep, map[string]any{"industry": "banking"}, "If-Match", v1)
		if r.header.Get("Content-Type") != "application/problem+json" {
			t.Fatalf("412 content type %q", r.header.Get("Content-Type"))
		}
		a.must(412, "PATCH", "/api/v1/accounts/"+id, tm.rep, map[string]any{"industry": "banking"}, "If-Match", `"garbage"`)
		if got := a.must(200, "GET", "/api/v1/accounts/"+id, tm.rep, nil).str(t, "industry"); got != "retail" {
			t.Fatalf("after stale write: industry %q, want retail", got)
		}
		a.must(412, "PATCH", "/api/v1/products/nope", tm.admin, map[string]any{"name": "x"}, "If-Match", `"x1"`)

		big := `{"name": "` + strings.Repeat("x", 1<<20) + `", "currency": "USD"}`
		r = a.must(413, "POST", "/api/v1/accounts", tm.rep, big)
		if r.json(t)["status"] != float64(413) {
			t.Fatalf("413 body: %.200s", r.body)
		}
		a.must(200, "GET", "/api/v1/accounts/"+id, tm.rep, nil) // the server is fine afterwards
	})
}

// TestMalformedRequests sends bad input of every kind; each gets the right
// 4xx naming the field, and nothing in the database changes.
func TestMalformedRequests(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		a := start(t, db, nil)
		tm := a.makeTeam()
		acc := a.must(201, "POST", "/api/v1/accounts", tm.rep, map[string]any{"name": "Stable", "currency": "USD"}).str(t, "id")
		book := a.must(201, "POST", "/api/v1/price-books", tm.admin, map[string]any{"name": "Book", "currency": "USD"}).str(t, "id")
		snapshot := func() string {
			var b strings.Builder
			for _, p := range []string{"/api/v1/accounts", "/api/v1/products", "/api/v1/opportunities", "/api/v1/users", "/api/v1/price-books", "/api/v1/price-books/" + book + "/entries"} {
				b.Write(a.must(200, "GET", p+"?limit=200", tm.admin, nil).body)
			}
			return b.String()
		}
		before := snapshot()
		long := strings.Repeat("a", 201)
		cases := []struct {
			name, method, path, token, body string
			headers                         []string
			want                            int
			field                           string
		}{
			{"truncated JSON", "POST", "/api/v1/accounts", tm.rep, `{"name": "x"`, nil, 400, ""},
			{"array body", "POST", "/api/v1/accounts", tm.rep, `[]`, nil, 400, ""},
			{"two values", "POST", "/api/v1/accounts", tm.rep, `{"name":"a","currency":"USD"}{}`, nil, 400, ""},
			{"empty body", "POST", "/api/v1/accounts", tm.rep, ``, nil, 400, ""},
			{"text/plain", "POST", "/api/v1/accounts", tm.rep, `{"name":"a","currency":"USD"}`, []string{"Content-Type", "text/plain"}, 400, ""},
			{"unknown field", "POST", "/api/v1/accounts", tm.rep, `{"name":"a","currency":"USD","colour":"red"}`, nil, 400, "colour"},
			{"wrong type", "POST", "/api/v1/accounts", tm.rep, `{"name":5,"currency":"USD"}`, nil, 400, "name"},
			{"nested wrong type", "POST", "/api/v1/accounts", tm.rep, `{"name":"a","currency":"USD","billing_address":{"city":1}}`, nil, 400, "billing_address.city"},
			{"missing name", "POST", "/api/v1/accounts", tm.rep, `{"currency":"USD"}`, nil, 422, "name"},
			{"null body", "POST", "/api/v1/accounts", tm.rep, `null`, nil, 422, "name"},
			{"unknown currency", "POST", "/api/v1/accounts", tm.rep, `{"name":"a","currency":"XYZ"}`, nil, 422, "currency"},
			{"lowercase currency", "POST", "/api/v1/accounts", tm.rep, `{"name":"a","currency":"usd"}`, nil, 422, "currency"},
			{"negative limit", "POST", "/api/v1/accounts", tm.rep, `{"name":"a","currency":"USD","credit_limit":"-5"}`, nil, 422, "credit_limit"},
			{"decimal not a number", "POST", "/api/v1/accounts", tm.rep, `{"name":"a","currency":"USD","credit_limit":"12,5"}`, nil, 422, "credit_limit"},
			{"exponent float", "POST", "/api/v1/accounts", tm.rep, `{"name":"a","currency":"USD","credit_limit":1e3}`, nil, 422, "credit_limit"},
			{"boolean amount", "POST", "/api/v1/accounts", tm.rep, `{"name":"a","currency":"USD","credit_limit":true}`, nil, 422, "credit_limit"},
			{"too many cents", "POST", "/api/v1/accounts", tm.rep, `{"name":"a","currency":"USD","credit_limit":"1.234"}`, nil, 422, "credit_limit"},
			{"yen with cents", "POST", "/api/v1/accounts", tm.rep, `{"name":"a","currency":"JPY","credit_limit":"100.5"}`, nil, 422, "credit_limit"},
			{"name too long", "POST", "/api/v1/accounts", tm.rep, `{"name":"` + long + `","currency":"USD"}`, nil, 422, "name"},
			{"control character", "POST", "/api/v1/accounts", tm.rep, `{"name":"a\u0001b","currency":"USD"}`, nil, 422, "name"},
			{"bad terms", "POST", "/api/v1/accounts", tm.rep, `{"name":"a","currency":"USD","payment_terms":"whenever"}`, nil, 422, "payment_terms"},
			{"bad country", "POST", "/api/v1/accounts", tm.rep, `{"name":"a","currency":"USD","billing_address":{"country":"USA"}}`, nil, 422, "billing_address.country"},
			{"blank patch name", "PATCH", "/api/v1/accounts/" + acc, tm.rep, `{"name":"  "}`, nil, 422, "name"},
			{"negative list limit", "GET", "/api/v1/accounts?limit=-1", tm.rep, ``, nil, 400, "limit"},
			{"text list limit", "GET", "/api/v1/accounts?limit=ten", tm.rep, ``, nil, 400, "limit"},
			{"huge list limit", "GET", "/api/v1/accounts?limit=100000", tm.rep, ``, nil, 400, "limit"},
			{"forged cursor", "GET", "/api/v1/accounts?cursor=!!!", tm.rep, ``, nil, 400, "cursor"},
			{"unknown filter", "GET", "/api/v1/accounts?colour=red", tm.rep, ``, nil, 400, "colour"},
			{"unknown stage", "POST", "/api/v1/opportunities", tm.rep, `{"account_id":"` + acc + `","name":"d","close_date":"2027-01-01","stage":"won"}`, nil, 422, "stage"},
			{"impossible date", "POST", "/api/v1/opportunities", tm.rep, `{"account_id":"` + acc + `","name":"d","close_date":"2026-13-01"}`, nil, 422, "close_date"},
			{"impossible date in a patch", "PATCH", "/api/v1/opportunities/opp_nope", tm.rep, `{"close_date":"2026-02-29"}`, nil, 422, "close_date"},
			{"date with a time", "POST", "/api/v1/price-books", tm.admin, `{"name":"b","currency":"USD","valid_from":"2026-01-01T00:00:00Z"}`, nil, 422, "valid_from"},
			{"payment dated 31 April", "POST", "/api/v1/payments", tm.finance, `{"account_id":"` + acc + `","amount":"1","method":"wire","received_on":"2026-04-31"}`, nil, 422, "received_on"},
			{"entry dated in words", "POST", "/api/v1/ledger/entries", tm.finance, `{"date":"March 2","currency":"USD","lines":[]}`, nil, 422, "date"},
			{"pricing on day 0", "POST", "/api/v1/pricing/preview", tm.rep, `{"account_id":"` + acc + `","pricing_date":"2026-03-00","lines":[]}`, nil, 422, "pricing_date"},
			{"aging as of a month", "GET", "/api/v1/reports/ar-aging?as_of=2026-03", tm.finance, ``, nil, 400, "as_of"},
			{"ledger filter to day 32", "GET", "/api/v1/ledger/entries?to=2026-01-32", tm.finance, ``, nil, 400, "to"},
			{"probability over 100", "POST", "/api/v1/opportunities", tm.rep, `{"account_id":"` + acc + `","name":"d","close_date":"2027-01-01","probability":"150"}`, nil, 422, "probability"},
			{"missing account", "POST", "/api/v1/opportunities", tm.rep, `{"account_id":"acc_nope","name":"d","close_date":"2027-01-01"}`, nil, 422, "account_id"},
			{"sku with spaces", "POST", "/api/v1/products", tm.admin, `{"sku":"A B","name":"n","family":"hardware"}`, nil, 422, "sku"},
			{"unknown kind", "POST", "/api/v1/products", tm.admin, `{"sku":"AB","name":"n","family":"hardware","kind":"gizmo"}`, nil, 422, "kind"},
			{"attribute min over max", "POST", "/api/v1/products", tm.admin, `{"sku":"AB","name":"n","family":"hardware","attributes":[{"code":"ram","name":"RAM","type":"number","min":"8","max":"4"}]}`, nil, 422, "attributes[0].max"},
			{"unknown role", "POST", "/api/v1/users", tm.admin, `{"name":"n","email":"n@example.com","role":"king"}`, nil, 422, "role"},
			{"bad email", "POST", "/api/v1/users", tm.admin, `{"name":"n","email":"not-an-email","role":"finance"}`, nil, 422, "email"},
			{"entry without price", "POST", "/api/v1/price-books/" + book + "/entries", tm.admin, `{"product_id":"prd_nope"}`, nil, 422, "unit_price"},
			{"entry for missing product", "POST", "/api/v1/price-books/" + book + "/entries", tm.admin, `{"product_id":"prd_nope","unit_price":"1"}`, nil, 422, "product_id"},
			{"long idempotency key", "POST", "/api/v1/accounts", tm.rep, `{"name":"a","currency":"USD"}`, []string{"Idempotency-Key", strings.Repeat("k", 300)}, 400, "Idempotency-Key"},
			{"unknown path", "GET", "/api/v1/nothing-here", tm.rep, ``, nil, 404, ""},
			{"missing record", "GET", "/api/v1/accounts/acc_missing", tm.rep, ``, nil, 404, ""},
		}
		for _, c := range cases {
			var body any
			if c.body != "" {
				body = c.body
			}
			r := a.call(c.method, c.path, c.token, body, c.headers...)
			if r.status != c.want {
				t.Errorf("%s: got %d, want %d: %s", c.name, r.status, c.want, r.body)
				continue
			}
			if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("%s: content type %q, want application/problem+json", c.name, ct)
			}
			if c.field != "" && r.field(t) != c.field {
				t.Errorf("%s: field %q, want %q (%s)", c.name, r.field(t), c.field, r.body)
			}
		}
		if after := snapshot(); after != before {
			t.Errorf("malformed requests changed the data:\nbefore %s\nafter  %s", before, after)
		}
		if len(cases) < 20 {
			t.Fatalf("only %d malformed cases", len(cases))
		}
		_ = fmt.Sprint
	})
}
