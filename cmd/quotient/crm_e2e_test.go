package main

import (
	"net/url"
	"strings"
	"testing"

	"github.com/quotient-cpq/quotient/store/storetest"
)

func TestUsersAndTokens(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		a := start(t, db, nil)
		tm := a.makeTeam()
		me := a.must(200, "GET", "/api/v1/me", tm.rep, nil)
		if me.str(t, "role") != "sales_rep" || me.json(t)["manager_id"] != tm.ids["Manager"] {
			t.Fatalf("me: got %s", me.body)
		}
		// Reps may read users; only admins change them.
		a.must(200, "GET", "/api/v1/users/"+tm.ids["Manager"], tm.rep, nil)
		a.must(403, "PATCH", "/api/v1/users/"+tm.ids["Rep"], tm.manager, map[string]any{"quota": "1"})
		u := a.must(200, "PATCH", "/api/v1/users/"+tm.ids["Rep"], tm.admin, map[string]any{"quota": "250000.50", "quota_period": "year"})
		if u.str(t, "quota") != "250000.50" || u.str(t, "quota_period") != "year" || u.header.Get("ETag") != `"v2"` {
			t.Fatalf("patch user: got %s, etag %s", u.body, u.header.Get("ETag"))
		}
		// A reporting loop is refused with the field named.
		loop := a.must(422, "PATCH", "/api/v1/users/"+tm.ids["Manager"], tm.admin, map[string]any{"manager_id": tm.ids["Rep"]})
		if loop.field(t) != "manager_id" {
			t.Fatalf("loop: got %s", loop.body)
		}
		// Duplicate e-mail is a conflict.
		a.must(409, "POST", "/api/v1/users", tm.admin, map[string]any{"name": "X", "email": "rep@example.com", "role": "sales_rep"})
		// Filters and search.
		reps := a.must(200, "GET", "/api/v1/users?role=sales_rep", tm.admin, nil).list(t)
		if len(reps) != 3 {
			t.Fatalf("role filter: got %d reps, want 3", len(reps))
		}
		team := a.must(200, "GET", "/api/v1/users?manager_id="+tm.ids["Manager"], tm.admin, nil).list(t)
		if len(team) != 2 {
			t.Fatalf("manager filter: got %d, want 2", len(team))
		}
		// Tokens are listed without secrets; a revoked token stops working.
		toks := a.must(200, "GET", "/api/v1/users/"+tm.ids["Rep2"]+"/tokens", tm.admin, nil).list(t)
		if len(toks) != 1 || toks[0]["token"] != nil || toks[0]["last_used_at"] != nil {
			t.Fatalf("tokens of an unused token: got %v", toks)
		}
		a.must(200, "GET", "/api/v1/me", tm.rep2, nil)
		toks = a.must(200, "GET", "/api/v1/users/"+tm.ids["Rep2"]+"/tokens", tm.admin, nil).list(t)
		if toks[0]["last_used_at"] == nil {
			t.Fatalf("last_used_at not recorded: %v", toks)
		}
		a.must(403, "GET", "/api/v1/users/"+tm.ids["Rep2"]+"/tokens", tm.rep, nil)
		a.must(201, "POST", "/api/v1/tokens", tm.admin, map[string]any{"user_id": tm.ids["Rep"], "name": "second"})
		p1 := a.must(200, "GET", "/api/v1/users/"+tm.ids["Rep"]+"/tokens?limit=1", tm.rep, nil)
		p2 := a.must(200, "GET", "/api/v1/users/"+tm.ids["Rep"]+"/tokens?limit=1&cursor="+p1.str(t, "next_cursor"), tm.rep, nil)
		if len(p1.list(t)) != 1 || len(p2.list(t)) != 1 || p2.str(t, "next_cursor") != "" || p1.list(t)[0]["id"] == p2.list(t)[0]["id"] {
			t.Fatalf("token pages: %s then %s", p1.body, p2.body)
		}
		a.must(204, "DELETE", "/api/v1/tokens/"+toks[0]["id"].(string), tm.admin, nil)
		a.must(401, "GET", "/api/v1/me", tm.rep2, nil)
		// Deactivating a user revokes their tokens.
		off := a.must(200, "DELETE", "/api/v1/users/"+tm.ids["Outsider"], tm.admin, nil)
		if off.json(t)["active"] != false {
			t.Fatalf("deactivate: got %s", off.body)
		}
		a.must(401, "GET", "/api/v1/me", tm.outsider, nil)
		// Anyone sets their own locale; a locale the workspace does not
		// offer is refused at its field, and nothing changes.
		mine := a.must(200, "PATCH", "/api/v1/me", tm.rep, map[string]any{"locale": "ja-JP"})
		if mine.json(t)["locale"] != "ja-JP" {
			t.Fatalf("PATCH /me: %s", mine.body)
		}
		bad := a.must(422, "PATCH", "/api/v1/me", tm.rep, map[string]any{"locale": "xx-YY"})
		if !strings.Contains(string(bad.body), `"field":"locale"`) {
			t.Fatalf("a bad locale: %s", bad.body)
		}
		if got := a.must(200, "GET", "/api/v1/me", tm.rep, nil).json(t)["locale"]; got != "ja-JP" {
			t.Fatalf("after a refused change the locale is %v", got)
		}
		a.must(200, "PATCH", "/api/v1/me", tm.rep, map[string]any{"locale": ""})
	})
}

func TestAccountsContactsOpportunitiesCRUD(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		a := start(t, db, nil)
		tm := a.makeTeam()
		acc := a.must(201, "POST", "/api/v1/accounts", tm.admin, map[string]any{"owner_id": tm.ids["Rep"],
			"name": "Globex Corporation", "currency": "USD", "segment": "enterprise", "credit_limit": "50000",
			"payment_terms": "net_45", "tax_region": "US-CA",
			"billing_address": map[string]any{"line1": "1 Main St", "city": "Springfield", "country": "US"}})
		id := acc.str(t, "id")
		if acc.header.Get("Location") != "/api/v1/accounts/"+id || acc.header.Get("ETag") != `"v1"` ||
			acc.str(t, "credit_limit") != "50000.00" || acc.json(t)["owner_id"] != tm.ids["Rep"] {
			t.Fatalf("create account: got %s headers %v", acc.body, acc.header)
		}
		got := a.must(200, "GET", "/api/v1/accounts/"+id, tm.outsider, nil)
		if got.str(t, "name") != "Globex Corporation" {
			t.Fatalf("get: %s", got.body)
		}
		a.must(304, "GET", "/api/v1/accounts/"+id, tm.rep, nil, "If-None-Match", `"v1"`)
		p := a.must(200, "PATCH", "/api/v1/accounts/"+id, tm.rep, map[string]any{"segment": "mid_market"}, "If-Match", `"v1"`)
		if p.str(t, "segment") != "mid_market" || p.json(t)["version"] != float64(2) {
			t.Fatalf("patch: %s", p.body)
		}
		// Second account for list tests; search and filters.
		a.must(201, "POST", "/api/v1/accounts", tm.rep2, map[string]any{"name": "Initech", "currency": "EUR"})
		if n := len(a.must(200, "GET", "/api/v1/accounts?q=GLOBEX", tm.rep, nil).list(t)); n != 1 {
			t.Fatalf("q search: got %d", n)
		}
		if n := len(a.must(200, "GET", "/api/v1/accounts?owner_id="+tm.ids["Rep2"], tm.rep, nil).list(t)); n != 1 {
			t.Fatalf("owner filter: got %d", n)
		}
		page1 := a.must(200, "GET", "/api/v1/accounts?limit=1", tm.rep, nil)
		cur := page1.str(t, "next_cursor")
		page2 := a.must(200, "GET", "/api/v1/accounts?limit=1&cursor="+url.QueryEscape(cur), tm.rep, nil)
		if cur == "" || page2.str(t, "next_cursor") != "" || page2.list(t)[0]["id"] == page1.list(t)[0]["id"] {
			t.Fatalf("pagination: %s then %s", page1.body, page2.body)
		}

		// Contacts.
		c := a.must(201, "POST", "/api/v1/accounts/"+id+"/contacts", tm.rep, map[string]any{"name": "Hank Scorpio", "email": "Hank@Globex.example", "title": "CEO"})
		cid := c.str(t, "id")
		if c.str(t, "email") != "hank@globex.example" {
			t.Fatalf("contact: %s", c.body)
		}
		a.must(403, "POST", "/api/v1/accounts/"+id+"/contacts", tm.outsider, map[string]any{"name": "X"})
		a.must(200, "PATCH", "/api/v1/accounts/"+id+"/contacts/"+cid, tm.manager, map[string]any{"phone": "+1 555 0100"})
		if n := len(a.must(200, "GET", "/api/v1/accounts/"+id+"/contacts", tm.finance, nil).list(t)); n != 1 {
			t.Fatalf("contacts: got %d", n)
		}
		a.must(404, "GET", "/api/v1/accounts/"+page2.list(t)[0]["id"].(string)+"/contacts/"+cid, tm.rep, nil)
		a.must(204, "DELETE", "/api/v1/accounts/"+id+"/contacts/"+cid, tm.rep, nil)
		a.must(404, "GET", "/api/v1/accounts/"+id+"/contacts/"+cid, tm.rep, nil)

		// Opportunities: currency from the account, probability from the stage.
		o := a.must(201, "POST", "/api/v1/opportunities", tm.rep, map[string]any{"account_id": id, "name": "Globex expansion",
			"amount": "125000.5", "close_date": "2027-03-31", "stage": "proposal"})
		oid := o.str(t, "id")
		if o.str(t, "currency") != "USD" || o.str(t, "probability") != "50" || o.str(t, "amount") != "125000.50" {
			t.Fatalf("opportunity: %s", o.body)
		}
		if n := len(a.must(200, "GET", "/api/v1/opportunities?stage=proposal&account_id="+id, tm.rep, nil).list(t)); n != 1 {
			t.Fatalf("stage filter: got %d", n)
		}
		a.must(400, "GET", "/api/v1/opportunities?stage=won", tm.rep, nil)
		won := a.must(200, "PATCH", "/api/v1/opportunities/"+oid, tm.rep, map[string]any{"stage": "closed_won"})
		if won.str(t, "probability") != "100" {
			t.Fatalf("won: %s", won.body)
		}
		// Only an admin may reopen a closed opportunity.
		r := a.must(409, "PATCH", "/api/v1/opportunities/"+oid, tm.manager, map[string]any{"stage": "negotiation"})
		if r.field(t) != "stage" {
			t.Fatalf("reopen: %s", r.body)
		}
		a.must(200, "PATCH", "/api/v1/opportunities/"+oid, tm.admin, map[string]any{"stage": "negotiation"})
		// An account with opportunities cannot be deleted or change currency.
		a.must(409, "DELETE", "/api/v1/accounts/"+id, tm.rep, nil)
		a.must(409, "PATCH", "/api/v1/accounts/"+id, tm.rep, map[string]any{"currency": "EUR"})
		a.must(204, "DELETE", "/api/v1/opportunities/"+oid, tm.rep, nil)
		a.must(204, "DELETE", "/api/v1/accounts/"+id, tm.rep, nil)
		a.must(404, "GET", "/api/v1/accounts/"+id, tm.rep, nil)
	})
}
