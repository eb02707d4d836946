package main

import (
	"strings"
	"testing"

	"github.com/quotient-cpq/quotient/server"
	"github.com/quotient-cpq/quotient/store/storetest"
)

// TestWhoReadsWhat: record-level visibility. Rep owns account A, the
// outsider owns account B and Rep2 is on B's account team; the manager
// manages Rep and Rep2. Every list and read endpoint of customers'
// records answers each role as the sharing model says: finance and
// admins everything; a rep their accounts' (owned or on the team of); a
// manager their team's; anything else 404 for a direct read and absent
// from lists. The receivables reports are not for reps; commission
// plans and users are read within the team. Opening quotes to reps lets
// every rep read (not change) every quote.
func TestWhoReadsWhat(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		a := start(t, db, nil)
		tm := a.makeTeam()
		fin := tm.finance
		book := as[server.PriceBookJSON](t, a.must(201, "POST", "/api/v1/price-books", tm.admin, map[string]any{"name": "USD", "currency": "USD", "is_default": true})).ID
		svc := as[server.ProductJSON](t, a.must(201, "POST", "/api/v1/products", tm.admin, map[string]any{"sku": "SETUP", "name": "Setup", "family": "services",
			"kind": "service"})).ID
		a.must(201, "POST", "/api/v1/price-books/"+book+"/entries", tm.admin, map[string]any{"product_id": svc, "unit_price": "100"})
		type records struct{ acc, quote, order, invoice, payment, credit string }
		sell := func(owner, token string) records {
			var r records
			r.acc = as[server.AccountJSON](t, a.must(201, "POST", "/api/v1/accounts", token, map[string]any{"name": "Account of " + owner, "currency": "USD"})).ID
			f := stockFixture{acc: r.acc}
			r.quote = f.approvedQuote(t, a, token, svc, "2")
			r.order = as[server.OrderJSON](t, a.must(201, "POST", "/api/v1/quotes/"+r.quote+"/convert", token, nil)).ID
			inv := page[server.InvoiceJSON](t, a.must(200, "GET", "/api/v1/invoices?order_id="+r.order, fin, nil))[0]
			r.invoice = inv.ID
			r.payment = as[server.PaymentJSON](t, a.must(201, "POST", "/api/v1/payments", fin, map[string]any{"account_id": r.acc, "amount": "50",
				"method": "cash"})).ID
			r.credit = as[server.CreditNoteJSON](t, a.must(201, "POST", "/api/v1/credit-notes", fin, map[string]any{"invoice_id": r.invoice,
				"amount": "10", "reason": "goodwill"})).ID
			return r
		}
		recA, recB := sell("Rep", tm.rep), sell("Outsider", tm.outsider)
		a.must(403, "POST", "/api/v1/accounts/"+recB.acc+"/team", tm.rep2, map[string]any{"user_id": tm.ids["Rep2"]}) // not their account
		a.must(201, "POST", "/api/v1/accounts/"+recB.acc+"/team", tm.outsider, map[string]any{"user_id": tm.ids["Rep2"], "role": "sales engineer"})
		plan := as[server.CommissionPlanJSON](t, a.must(201, "POST", "/api/v1/commission-plans", fin, map[string]any{"name": "Field", "basis": "paid",
			"base_rate_pct": "10", "valid_from": "2025-01-01"})).ID
		a.must(201, "POST", "/api/v1/commission-plans/"+plan+"/assignments", fin, map[string]any{"user_id": tm.ids["Rep"], "quota": "0"})

		roles := []struct {
			name, token string
		}{{"admin", tm.admin}, {"finance", fin}, {"manager", tm.manager}, {"rep", tm.rep}, {"rep2", tm.rep2}, {"outsider", tm.outsider}}
		// Who reads A's records and B's: admin, finance, manager, rep, rep2, outsider.
		readsA := []bool{true, true, true, true, false, false}
		readsB := []bool{true, true, true, false, true, true}
		reads := func(r records) []string {
			return []string{"/quotes/" + r.quote, "/quotes/" + r.quote + "/pdf", "/quotes/" + r.quote + "/history", "/quotes/" + r.quote + "/versions",
				"/quotes/" + r.quote + "/approvals", "/quotes/" + r.quote + "/delivery", "/orders/" + r.order, "/orders/" + r.order + "/fulfillments",
				"/invoices/" + r.invoice, "/invoices/" + r.invoice + "/pdf", "/payments/" + r.payment,
				"/credit-notes/" + r.credit, "/reports/customer-statement?account_id=" + r.acc, "/accounts/" + r.acc + "/summary",
				"/reservations?order_id=" + r.order}
		}
		for i, role := range roles {
			for _, c := range []struct {
				r    records
				want bool
			}{{recA, readsA[i]}, {recB, readsB[i]}} {
				for _, path := range reads(c.r) {
					want := 404
					if c.want {
						want = 200
					}
					if r := a.call("GET", "/api/v1"+path, role.token, nil); r.status != want {
						t.Errorf("%s GET %s: %d, want %d: %.200s", role.name, path, r.status, want, r.body)
					}
				}
			}
		}
		// Lists: what each role finds of A's and B's records.
		lists := map[string]func(r records) string{
			"/quotes": func(r records) string { return r.quote }, "/orders": func(r records) string { return r.order },
			"/invoices": func(r records) string { return r.invoice }, "/payments": func(r records) string { return r.payment },
			"/credit-notes": func(r records) string { return r.credit },
		}
		for path, id := range lists {
			for i, role := range roles {
				body := string(a.must(200, "GET", "/api/v1"+path, role.token, nil).body)
				if got := strings.Contains(body, id(recA)); got != readsA[i] {
					t.Errorf("%s GET %s lists A's record: %v, want %v", role.name, path, got, readsA[i])
				}
				if got := strings.Contains(body, id(recB)); got != readsB[i] {
					t.Errorf("%s GET %s lists B's record: %v, want %v", role.name, path, got, readsB[i])
				}
			}
		}
		// The receivables reports are for finance, admins and managers.
		for i, role := range roles {
			want := map[bool]int{true: 403, false: 200}[i >= 3]
			for _, path := range []string{"/reports/ar-aging", "/reports/ar-reconciliation"} {
				if r := a.call("GET", "/api/v1"+path, role.token, nil); r.status != want {
					t.Errorf("%s GET %s: %d, want %d", role.name, path, r.status, want)
				}
			}
		}
		// Commission plans: finance, admins, the rep on it and their manager.
		// Users: finance and admins all; a salesperson their colleagues.
		for i, role := range roles {
			wantPlan := []int{200, 200, 200, 200, 404, 404}[i]
			if r := a.call("GET", "/api/v1/commission-plans/"+plan, role.token, nil); r.status != wantPlan {
				t.Errorf("%s GET the plan: %d, want %d", role.name, r.status, wantPlan)
			}
			if got := len(page[server.CommissionPlanJSON](t, a.must(200, "GET", "/api/v1/commission-plans", role.token, nil))); got != map[int]int{200: 1, 404: 0}[wantPlan] {
				t.Errorf("%s lists %d plans", role.name, got)
			}
			wantUser := []int{200, 200, 200, 200, 200, 404}[i] // Rep2 is Rep's colleague
			if r := a.call("GET", "/api/v1/users/"+tm.ids["Rep"], role.token, nil); r.status != wantUser {
				t.Errorf("%s GET Rep: %d, want %d", role.name, r.status, wantUser)
			}
			users := page[server.UserJSON](t, a.must(200, "GET", "/api/v1/users?limit=200", role.token, nil))
			wantUsers := []int{6, 6, 3, 3, 3, 1}[i] // the bootstrap admin and the 5 made; a manager's team; a rep's manager and peers; a lone rep
			if len(users) != wantUsers {
				var names []string
				for _, u := range users {
					names = append(names, u.Name)
				}
				t.Errorf("%s lists users %v, want %d", role.name, names, wantUsers)
			}
		}
		// Opened to reps, every quote reads, none changes.
		a.must(200, "PATCH", "/api/v1/settings", tm.admin, map[string]any{"quotes_open_to_reps": true})
		a.must(200, "GET", "/api/v1/quotes/"+recA.quote, tm.outsider, nil)
		if body := string(a.must(200, "GET", "/api/v1/quotes", tm.outsider, nil).body); !strings.Contains(body, recA.quote) {
			t.Error("an opened quote is missing from the outsider's list")
		}
		a.must(403, "POST", "/api/v1/quotes/"+recA.quote+"/revise", tm.outsider, nil)
		a.must(404, "GET", "/api/v1/orders/"+recA.order, tm.outsider, nil) // only quotes open
	})
}
