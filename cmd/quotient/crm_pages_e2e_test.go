package main

import (
	"net/url"
	"regexp"
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

// TestAccountForm: a rep creates an account from the accounts list (a
// problem shows at its field with what was typed kept, nothing created;
// credit terms are not theirs to set, even by a crafted post), edits it
// at the version the form showed and sees the change in its history; a
// stale form is refused and shows the account as it is now; another rep
// may not edit it; a manager assigns a new account to their team; finance
// changes only the credit terms, and may not create accounts.
func TestAccountForm(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		a, links, toks := startDemo(t, db, nil)
		priya := toks["priya.nair@northwind.example"]
		count := func() int {
			return len(page[server.AccountJSON](t, a.must(200, "GET", "/api/v1/accounts?limit=200", priya, nil)))
		}
		n := count()
		rep := signedIn(t, links["priya.nair@northwind.example"])
		_, list, _ := fetch(t, rep, "GET", a.base+"/accounts", nil)
		if !strings.Contains(list, `href="/accounts/new"`) {
			t.Fatal("the accounts list offers no new account")
		}
		st, form, _ := fetch(t, rep, "GET", a.base+"/accounts/new", nil)
		if st != 200 || !strings.Contains(form, `name="billing_address.city"`) || strings.Contains(form, `name="credit_limit"`) || strings.Contains(form, `name="owner_id"`) {
			t.Fatalf("the rep's new-account form: %d %.500s", st, form)
		}
		token := csrfRe.FindStringSubmatch(form)[1]
		in := url.Values{"csrf": {token}, "name": {""}, "currency": {"NOK"}, "segment": {"mid_market"}, "industry": {"Analytics <b>&</b> data"},
			"billing_address.line1": {"Storgata 1"}, "billing_address.city": {"Oslo"}, "billing_address.country": {"NO"}, "price_book_id": {""}}
		st, b, _ := fetch(t, rep, "POST", a.base+"/accounts", in)
		if st != 422 || !strings.Contains(b, `id="account-name-error"`) || !strings.Contains(b, `value="Analytics &lt;b&gt;&amp;&lt;/b&gt; data"`) || count() != n {
			t.Fatalf("a nameless account: %d %.400s", st, b)
		}
		in.Set("name", `Fjord <script>alert(1)</script> Analytics`)
		in.Set("billing_address.country", "Norway")
		st, b, _ = fetch(t, rep, "POST", a.base+"/accounts", in)
		if st != 422 || !strings.Contains(b, `id="account-billing_address.country-error"`) || count() != n {
			t.Fatalf("a bad country: %d %.400s", st, b)
		}
		in.Set("billing_address.country", "no")
		in.Set("credit_limit", "90000")
		if st, _, _ := fetch(t, rep, "POST", a.base+"/accounts", in); st != 403 || count() != n {
			t.Fatalf("a rep setting a credit limit: %d", st)
		}
		in.Del("credit_limit")
		st, b, h := fetch(t, rep, "POST", a.base+"/accounts", in)
		loc := h.Get("Location")
		if st != 303 || !strings.HasPrefix(loc, "/accounts/") || count() != n+1 {
			t.Fatalf("a new account: %d %s %.300s", st, loc, b)
		}
		id := strings.TrimSuffix(strings.TrimPrefix(loc, "/accounts/"), "?said=created")
		_, b, _ = fetch(t, rep, "GET", a.base+loc, nil)
		if !strings.Contains(b, "is created") || strings.Contains(b, "<script>alert") || !strings.Contains(b, "&lt;script&gt;") ||
			!strings.Contains(b, "Storgata 1, Oslo, NO") || !strings.Contains(b, `id="edit-account"`) {
			t.Fatalf("the new account's page: %.800s", b)
		}
		acc := as[server.AccountJSON](t, a.must(200, "GET", "/api/v1/accounts/"+id, priya, nil))
		me := as[server.UserJSON](t, a.must(200, "GET", "/api/v1/me", priya, nil))
		if acc.OwnerID != me.ID || acc.Currency != "NOK" || acc.Segment != "mid_market" || acc.BillingAddress.Country != "NO" ||
			acc.PaymentTerms != "net_30" || acc.CreditLimit != "0.00" {
			t.Fatalf("the account as the API has it: %+v", acc)
		}

		// Edit it: the form starts from what it holds; a change is saved
		// and listed in the history; the same form again is stale.
		st, b, _ = fetch(t, rep, "GET", a.base+"/accounts/"+id+"/edit", nil)
		if st != 200 || !strings.Contains(b, `value="Storgata 1"`) || !strings.Contains(b, `<option value="NOK" selected>`) || strings.Contains(b, `name="credit_limit"`) {
			t.Fatalf("the edit form: %d %.500s", st, b)
		}
		edit := url.Values{"csrf": {token}, "version": {"1"}, "name": {"Fjord Analytics"}, "currency": {"NOK"}, "segment": {"enterprise"},
			"website": {"https://fjord.example"}, "phone": {"+47 22 00 00 00"}, "billing_address.line1": {"Storgata 2"}, "billing_address.city": {"Oslo"},
			"billing_address.country": {"NO"}, "price_book_id": {""}}
		edit.Set("tax_region", "norway")
		st, b, _ = fetch(t, rep, "POST", a.base+"/accounts/"+id, edit)
		if st != 422 || !strings.Contains(b, `id="account-tax_region-error"`) || !strings.Contains(b, `value="https://fjord.example"`) ||
			as[server.AccountJSON](t, a.must(200, "GET", "/api/v1/accounts/"+id, priya, nil)).Version != 1 {
			t.Fatalf("a bad tax region: %d %.400s", st, b)
		}
		edit.Set("tax_region", "NO")
		if st, _, h := fetch(t, rep, "POST", a.base+"/accounts/"+id, edit); st != 303 || h.Get("Location") != "/accounts/"+id+"?said=saved" {
			t.Fatalf("an edit: %d %v", st, h)
		}
		acc = as[server.AccountJSON](t, a.must(200, "GET", "/api/v1/accounts/"+id, priya, nil))
		if acc.Name != "Fjord Analytics" || acc.Segment != "enterprise" || acc.Website != "https://fjord.example" || acc.BillingAddress.Line1 != "Storgata 2" ||
			acc.TaxRegion != "NO" || acc.Version != 2 || acc.OwnerID != me.ID {
			t.Fatalf("the account after its edit: %+v", acc)
		}
		_, b, _ = fetch(t, rep, "GET", a.base+"/accounts/"+id+"/edit", nil)
		if !strings.Contains(b, "<td>Priya Nair</td><td>website</td><td></td><td>https://fjord.example</td>") {
			t.Fatalf("the history: %.2000s", b[strings.Index(b, "<h2>"):])
		}
		edit.Set("name", "Fjord Analytics AS")
		st, b, _ = fetch(t, rep, "POST", a.base+"/accounts/"+id, edit)
		if st != 422 || !strings.Contains(b, "Someone changed this") || !strings.Contains(b, `value="Fjord Analytics"`) || !strings.Contains(b, `name="version" value="2"`) {
			t.Fatalf("a stale edit: %d %.400s", st, b)
		}

		// Another rep may not edit it, by page or by post.
		kenji := signedIn(t, links["kenji.watanabe@northwind.example"])
		_, kb, _ := fetch(t, kenji, "GET", a.base+"/accounts/"+id, nil)
		if strings.Contains(kb, `id="edit-account"`) {
			t.Fatal("another rep is offered to edit the account")
		}
		if st, _, _ := fetch(t, kenji, "GET", a.base+"/accounts/"+id+"/edit", nil); st != 403 {
			t.Fatalf("another rep's edit form: %d", st)
		}
		edit.Set("csrf", csrfRe.FindStringSubmatch(kb)[1])
		edit.Set("version", "2")
		if st, _, _ := fetch(t, kenji, "POST", a.base+"/accounts/"+id, edit); st != 403 ||
			as[server.AccountJSON](t, a.must(200, "GET", "/api/v1/accounts/"+id, priya, nil)).Version != 2 {
			t.Fatalf("another rep's edit: %d", st)
		}

		// A manager names the owner from their team.
		mgr := signedIn(t, links["daniel.reyes@northwind.example"])
		_, mb, _ := fetch(t, mgr, "GET", a.base+"/accounts/new", nil)
		kid := regexp.MustCompile(`<option value="([^"]+)"[^>]*>Kenji Watanabe</option>`).FindStringSubmatch(mb)
		if kid == nil || strings.Contains(mb, `name="credit_limit"`) {
			t.Fatalf("the manager's form: %.1500s", mb)
		}
		st, _, h = fetch(t, mgr, "POST", a.base+"/accounts", url.Values{"csrf": {csrfRe.FindStringSubmatch(mb)[1]}, "name": {"Kestrel Freight"},
			"currency": {"USD"}, "segment": {"smb"}, "owner_id": {kid[1]}, "price_book_id": {""}})
		if st != 303 {
			t.Fatalf("the manager's account: %d", st)
		}
		kes := strings.TrimSuffix(strings.TrimPrefix(h.Get("Location"), "/accounts/"), "?said=created")
		if got := as[server.AccountJSON](t, a.must(200, "GET", "/api/v1/accounts/"+kes, priya, nil)); got.OwnerID != kid[1] {
			t.Fatalf("the manager's account's owner: %+v", got)
		}

		// Finance sets the credit terms and nothing else.
		fin := signedInPastCode(t, a.base, links["sofia.lindqvist@northwind.example"])
		_, fl, _ := fetch(t, fin, "GET", a.base+"/accounts", nil)
		if strings.Contains(fl, `href="/accounts/new"`) {
			t.Fatal("finance is offered a new account")
		}
		if st, _, _ := fetch(t, fin, "GET", a.base+"/accounts/new", nil); st != 403 {
			t.Fatalf("finance's new-account form: %d", st)
		}
		st, fb, _ := fetch(t, fin, "GET", a.base+"/accounts/"+id+"/edit", nil)
		if st != 200 || !strings.Contains(fb, `name="credit_limit"`) || strings.Contains(fb, `name="name"`) {
			t.Fatalf("finance's edit form: %d %.600s", st, fb)
		}
		credit := url.Values{"csrf": {csrfRe.FindStringSubmatch(fb)[1]}, "version": {"2"}, "credit_limit": {"250000"}, "payment_terms": {"net 45"},
			"invoicing_policy": {"on_order"}}
		if st, b, _ := fetch(t, fin, "POST", a.base+"/accounts/"+id, credit); st != 422 || !strings.Contains(b, `id="account-payment_terms-error"`) {
			t.Fatalf("bad payment terms: %d %.400s", st, b)
		}
		credit.Set("payment_terms", "net_45")
		credit.Set("name", "Renamed by finance")
		if st, _, _ := fetch(t, fin, "POST", a.base+"/accounts/"+id, credit); st != 403 {
			t.Fatalf("finance renaming: %d", st)
		}
		credit.Del("name")
		if st, _, _ := fetch(t, fin, "POST", a.base+"/accounts/"+id, credit); st != 303 {
			t.Fatalf("finance's credit terms: %d", st)
		}
		acc = as[server.AccountJSON](t, a.must(200, "GET", "/api/v1/accounts/"+id, priya, nil))
		if acc.CreditLimit != "250000.00" || acc.PaymentTerms != "net_45" || acc.InvoicingPolicy != "on_order" || acc.Name != "Fjord Analytics" || acc.Version != 3 {
			t.Fatalf("the account after finance's change: %+v", acc)
		}
		_, b, _ = fetch(t, rep, "GET", a.base+"/accounts/"+id+"/edit", nil)
		if !strings.Contains(b, "net_45") || !strings.Contains(b, "Finance sets the credit terms") {
			t.Fatalf("the rep's form after finance's change: %.600s", b)
		}
	})
}
