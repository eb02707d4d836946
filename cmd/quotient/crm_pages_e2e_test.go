package main

import (
	"net/url"
	"strings"
	"testing"

	"github.com/quotient-cpq/quotient/server"
	"github.com/quotient-cpq/quotient/store/storetest"
)

// TestAccountPageAdds: on the account 360 the owner adds a contact and
// an opportunity; a bad one is a 422 with the problem at its field and
// what was typed kept, and nothing is stored; another rep sees no contact
// form and is refused the post.
func TestAccountPageAdds(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		a, links, toks := startDemo(t, db, nil)
		priya := toks["priya.nair@northwind.example"]
		acc := demoAccount(t, a, priya, "acme")
		contacts := func() int {
			return len(page[server.ContactJSON](t, a.must(200, "GET", "/api/v1/accounts/"+acc+"/contacts", priya, nil)))
		}
		opps := func() int {
			return len(page[server.OpportunityJSON](t, a.must(200, "GET", "/api/v1/opportunities?account_id="+acc, priya, nil)))
		}
		nc, no := contacts(), opps()
		rep := signedIn(t, links["priya.nair@northwind.example"])
		_, body, _ := fetch(t, rep, "GET", a.base+"/accounts/"+acc, nil)
		token := csrfRe.FindStringSubmatch(body)[1]
		if !strings.Contains(body, `id="add-contact"`) || !strings.Contains(body, `id="add-opportunity"`) {
			t.Fatal("the owner is not offered to add contacts and opportunities")
		}
		st, b, _ := fetch(t, rep, "POST", a.base+"/accounts/"+acc+"/contacts", url.Values{"csrf": {token}, "name": {"Jo Field"}, "email": {"not an address"}})
		if st != 422 || !strings.Contains(b, `id="contact-email-error"`) || !strings.Contains(b, `value="Jo Field"`) || contacts() != nc {
			t.Fatalf("a bad contact: %d %.300s", st, b)
		}
		st, b, _ = fetch(t, rep, "POST", a.base+"/accounts/"+acc+"/contacts", url.Values{"csrf": {token}, "name": {"Jo Field"}, "email": {"jo@acme.example"},
			"title": {"CFO"}})
		if st != 200 || !strings.Contains(b, "Jo Field is a contact of this account now") || contacts() != nc+1 {
			t.Fatalf("a contact: %d %.300s", st, b)
		}
		st, b, _ = fetch(t, rep, "POST", a.base+"/accounts/"+acc+"/opportunities", url.Values{"csrf": {token}, "name": {"Edge rollout"},
			"amount": {"12000"}, "close_date": {"next week"}, "stage": {"qualification"}})
		if st != 422 || !strings.Contains(b, `id="opportunity-close_date-error"`) || !strings.Contains(b, `value="Edge rollout"`) || opps() != no {
			t.Fatalf("a bad opportunity: %d %.300s", st, b)
		}
		st, b, _ = fetch(t, rep, "POST", a.base+"/accounts/"+acc+"/opportunities", url.Values{"csrf": {token}, "name": {"Edge rollout"},
			"amount": {"12000"}, "close_date": {"2027-03-31"}, "stage": {"qualification"}})
		if st != 200 || !strings.Contains(b, "Edge rollout is open") || opps() != no+1 {
			t.Fatalf("an opportunity: %d %.300s", st, b)
		}
		// Edit the contact: a bad address is refused at its field, nothing
		// changed; a good edit is saved.
		var jo server.ContactJSON
		for _, x := range page[server.ContactJSON](t, a.must(200, "GET", "/api/v1/accounts/"+acc+"/contacts", priya, nil)) {
			if x.Name == "Jo Field" {
				jo = x
			}
		}
		cedit := url.Values{"csrf": {token}, "version": {"1"}, "name": {"Jo Fielding"}, "email": {"jo at acme"}, "title": {"CFO"}}
		st, b, _ = fetch(t, rep, "POST", a.base+"/accounts/"+acc+"/contacts/"+jo.ID, cedit)
		if st != 422 || !strings.Contains(b, `id="con-`+jo.ID+`-email-error"`) || !strings.Contains(b, `value="Jo Fielding"`) {
			t.Fatalf("a bad contact edit: %d %.300s", st, b)
		}
		cedit.Set("email", "jo.fielding@acme.example")
		st, b, _ = fetch(t, rep, "POST", a.base+"/accounts/"+acc+"/contacts/"+jo.ID, cedit)
		if st != 200 || !strings.Contains(b, "Jo Fielding is saved") {
			t.Fatalf("a contact edit: %d %.300s", st, b)
		}
		for _, x := range page[server.ContactJSON](t, a.must(200, "GET", "/api/v1/accounts/"+acc+"/contacts", priya, nil)) {
			if x.ID == jo.ID && (x.Name != "Jo Fielding" || x.Email != "jo.fielding@acme.example") {
				t.Fatalf("the contact after its edit: %+v", x)
			}
		}
		// Edit an opportunity in its row: a bad amount is refused at its
		// field with what was typed kept, and nothing changes; a good edit
		// is saved; an opportunity of another account is not found here.
		var edge server.OpportunityJSON
		for _, o := range page[server.OpportunityJSON](t, a.must(200, "GET", "/api/v1/opportunities?account_id="+acc, priya, nil)) {
			if o.Name == "Edge rollout" {
				edge = o
			}
		}
		_, body, _ = fetch(t, rep, "GET", a.base+"/accounts/"+acc, nil)
		if !strings.Contains(body, `id="edit-`+edge.ID+`"`) || !strings.Contains(body, `value="12000"`) {
			t.Fatal("the owner is not offered to edit the opportunity, with its values")
		}
		edit := url.Values{"csrf": {token}, "version": {"1"}, "name": {"Edge rollout, phase 1"}, "amount": {"lots"}, "close_date": {"2027-04-30"},
			"stage": {"proposal"}}
		st, b, _ = fetch(t, rep, "POST", a.base+"/accounts/"+acc+"/opportunities/"+edge.ID, edit)
		if st != 422 || !strings.Contains(b, `id="opp-`+edge.ID+`-amount-error"`) || !strings.Contains(b, `value="Edge rollout, phase 1"`) {
			t.Fatalf("a bad edit: %d %.300s", st, b)
		}
		if got := as[server.OpportunityJSON](t, a.must(200, "GET", "/api/v1/opportunities/"+edge.ID, priya, nil)); got.Name != "Edge rollout" || got.Version != edge.Version {
			t.Fatalf("a refused edit changed the opportunity: %+v", got)
		}
		edit.Set("amount", "15000")
		st, b, _ = fetch(t, rep, "POST", a.base+"/accounts/"+acc+"/opportunities/"+edge.ID, edit)
		got := as[server.OpportunityJSON](t, a.must(200, "GET", "/api/v1/opportunities/"+edge.ID, priya, nil))
		if st != 200 || !strings.Contains(b, "Edge rollout, phase 1 is saved") || got.Amount != "15000.00" || got.Stage != "proposal" || got.CloseDate != "2027-04-30" {
			t.Fatalf("an edit: %d %+v %.300s", st, got, b)
		}
		if st, _, _ := fetch(t, rep, "POST", a.base+"/accounts/"+acc+"/opportunities/"+edge.ID, edit); st != 422 {
			t.Fatalf("an edit from a stale page: %d", st)
		}
		otherAcc := ""
		for _, x := range page[server.AccountJSON](t, a.must(200, "GET", "/api/v1/accounts?limit=5", priya, nil)) {
			if x.ID != acc {
				otherAcc = x.ID
			}
		}
		if st, _, _ := fetch(t, rep, "POST", a.base+"/accounts/"+otherAcc+"/opportunities/"+edge.ID, edit); st != 404 {
			t.Fatalf("an opportunity through another account's page: %d", st)
		}
		other := signedIn(t, links["kenji.watanabe@northwind.example"])
		_, ob, _ := fetch(t, other, "GET", a.base+"/accounts/"+acc, nil)
		if strings.Contains(ob, `id="add-contact"`) {
			t.Fatal("another rep is offered to add contacts")
		}
		if st, _, _ := fetch(t, other, "POST", a.base+"/accounts/"+acc+"/contacts", url.Values{"csrf": {csrfRe.FindStringSubmatch(ob)[1]},
			"name": {"Intruder"}, "email": {"i@x.example"}}); st != 403 || contacts() != nc+1 {
			t.Fatalf("another rep adding a contact: %d", st)
		}
		cedit.Set("csrf", csrfRe.FindStringSubmatch(ob)[1])
		if st, _, _ := fetch(t, other, "POST", a.base+"/accounts/"+acc+"/contacts/"+jo.ID, cedit); st != 403 && st != 404 {
			t.Fatalf("another rep editing a contact: %d", st)
		}
		if strings.Contains(ob, `id="edit-`+edge.ID+`"`) {
			t.Fatal("another rep is offered to edit the opportunity")
		}
		edit.Set("csrf", csrfRe.FindStringSubmatch(ob)[1])
		edit.Set("version", "0")
		if st, _, _ := fetch(t, other, "POST", a.base+"/accounts/"+acc+"/opportunities/"+edge.ID, edit); st != 403 && st != 404 {
			t.Fatalf("another rep editing the opportunity: %d", st)
		}
	})
}
