package main

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient/server"
	"github.com/quotient-cpq/quotient/store/storetest"
)

// TestAmendContractInBrowser: a contract of 50 seats from today; the rep
// opens it, starts an amendment in the builder, takes it to 60 seats
// (the builder shows the change to the monthly revenue), submits and
// sends it; the customer accepts in the portal; the contract page shows
// the added seats and their invoice. The rep then makes the contract's
// terms credit reductions and amends it to 55 seats; once the customer
// accepts, the contract is at 55 and the added seats' invoice shows its
// credit note. The manager reads the subscription metrics. Every page passes axe-core, and each is kept as a screenshot.
func TestAmendContractInBrowser(t *testing.T) {
	t.Parallel()
	chromiumPath(t)
	storetest.Each(t, func(t *testing.T, db string) {
		a, links, toks := startDemo(t, db, nil)
		admin, priya := toks["mira.okafor@northwind.example"], toks["priya.nair@northwind.example"]
		acc := demoAccount(t, a, priya, "acme")
		cur := as[server.AccountJSON](t, a.must(200, "GET", "/api/v1/accounts/"+acc, priya, nil)).Currency
		seat := a.must(201, "POST", "/api/v1/products", admin, map[string]any{"sku": "CLOUD-SEAT", "name": "Cloud seat", "family": "software", "kind": "service",
			"uom": "user", "billing_type": "recurring", "billing_period": "month", "default_term_months": 12}).str(t, "id")
		for _, b := range page[server.PriceBookJSON](t, a.must(200, "GET", "/api/v1/price-books?limit=100", admin, nil)) {
			if b.Currency == cur {
				a.must(201, "POST", "/api/v1/price-books/"+b.ID+"/entries", admin, map[string]any{"product_id": seat, "unit_price": "40"})
			}
		}
		q := a.must(201, "POST", "/api/v1/quotes", priya, map[string]any{"account_id": acc,
			"lines": []any{map[string]any{"product_id": seat, "quantity": "50", "start_date": time.Now().UTC().Format(time.DateOnly)}}}).str(t, "id")
		a.must(200, "POST", "/api/v1/quotes/"+q+"/submit", priya, nil)
		a.must(201, "POST", "/api/v1/quotes/"+q+"/convert", priya, map[string]any{"signer_name": "Alex Garcia"})
		con := page[server.ContractJSON](t, a.must(200, "GET", "/api/v1/contracts?account_id="+acc, priya, nil))[0]

		rep := newWalker(t, "rep", 1280, 900)
		rep.signIn(links["priya.nair@northwind.example"])
		rep.do("open the contracts", chromedp.Navigate(a.base+"/contracts"), chromedp.WaitVisible(chromedp.CSS("#contracts")))
		checkAccessible(t, rep.ctx, "the contracts")
		rep.do("open the contract", chromedp.Click(chromedp.CSS(`#contracts a[href="/contracts/`+con.ID+`"]`)), chromedp.WaitVisible(chromedp.CSS("#subscriptions")))
		if subs := rep.text("#subscriptions"); !strings.Contains(subs, "CLOUD-SEAT") || !strings.Contains(subs, "50") {
			t.Fatalf("the contract's subscriptions: %q", subs)
		}
		if mrr := rep.text("#contract-mrr"); !strings.Contains(mrr, "2,000.00") {
			t.Fatalf("the contract's MRR: %q", mrr)
		}
		if invs := rep.text("#contract-invoices"); !strings.Contains(invs, "INV-") {
			t.Fatalf("the contract's first invoice: %q", invs)
		}
		checkAccessible(t, rep.ctx, "a contract")
		rep.shot("workspace-contract.png")

		// The amendment opens in the builder at the contract's quantity.
		rep.do("amend", chromedp.Click(chromedp.CSS("#amend")), chromedp.WaitVisible(chromedp.CSS("#quote-kind")))
		if msg := rep.text("#notice"); !strings.Contains(msg, "amendment quote") {
			t.Fatalf("the builder after amending says %q", msg)
		}
		if terms := rep.text("#line-1 .terms"); !strings.Contains(terms, "billed monthly") || !strings.Contains(terms, "the contract has 50") {
			t.Fatalf("the amendment line's terms: %q", terms)
		}
		rep.do("60 seats", chromedp.SetValue(chromedp.CSS("#qty-1"), "60"), chromedp.Click(chromedp.CSS("#save-1")))
		rep.until("the change to MRR", `(document.querySelector('#totals-mrr-change') || {textContent: ''}).textContent.includes('400.00')`)
		checkAccessible(t, rep.ctx, "an amendment in the builder")
		rep.shot("workspace-amendment.png")
		rep.do("submit", chromedp.Click(chromedp.CSS("#submit")), chromedp.WaitVisible(chromedp.CSS("#send")))
		rep.do("send", chromedp.Click(chromedp.CSS("#send")), chromedp.WaitVisible(chromedp.CSS("#portal-link")))
		link := get(rep, "read the customer's link", chromedp.Value(chromedp.CSS("#portal-link")))

		// The customer accepts the amendment in the portal.
		cust := newWalker(t, "customer", 420, 900)
		accept := func(what, link string) {
			t.Helper()
			cust.do(what, chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS("#signer_name")),
				chromedp.SendKeys(chromedp.CSS("#signer_name"), "Alex Garcia"), chromedp.SendKeys(chromedp.CSS("#signer_email"), "alex@acme.example"),
				chromedp.Click(chromedp.CSS("#accept")), chromedp.Click(chromedp.CSS("#accept-button")), chromedp.WaitVisible(chromedp.CSS("#message")))
		}
		cust.do("open the portal", chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS("#signer_name")))
		if change, terms := cust.text("#mrr-change"), cust.text(".line-terms"); !strings.Contains(change, "400.00") ||
			!strings.Contains(terms, "the contract has 50") || !strings.Contains(terms, "invoiced monthly") {
			t.Fatalf("the portal's amendment: change %q, terms %q", change, terms)
		}
		if label := cust.text(`label[for="accept"]`); !strings.Contains(label, "changing the contract's monthly fee by $400.00") {
			t.Fatalf("the portal's acceptance says %q", label)
		}
		checkAccessible(t, cust.ctx, "an amendment in the portal")
		cust.shot("portal-amendment.png")
		accept("accept in the portal", link)

		// The contract has the 10 seats more, invoiced from today.
		rep.do("the contract again", chromedp.Navigate(a.base+"/contracts/"+con.ID), chromedp.WaitVisible(chromedp.CSS("#subscriptions")))
		if mrr := rep.text("#contract-mrr"); !strings.Contains(mrr, "2,400.00") {
			t.Fatalf("the contract's MRR after the amendment: %q", mrr)
		}
		if rows := get(rep, "count the subscriptions", chromedp.Evaluate[int](`document.querySelectorAll('#subscriptions tbody tr').length`)); rows != 2 {
			t.Fatalf("subscriptions after the amendment: %d rows, want 2", rows)
		}
		if n := get(rep, "count the invoices", chromedp.Evaluate[int](`document.querySelectorAll('#contract-invoices tbody tr').length`)); n != 2 {
			t.Fatalf("invoices after the amendment: %d, want 2", n)
		}

		// The contract's terms credit reductions: 5 seats fewer from
		// today end at once, and the days of them invoiced are credited.
		rep.do("credit reductions", chromedp.Evaluate[chromedp.Void](`document.body.insertAdjacentHTML('beforeend', '<i id="old-page"></i>')`),
			chromedp.Click(chromedp.CSS("#credit_reductions")), chromedp.Click(chromedp.CSS("#save-contract-terms")),
			chromedp.WaitNotPresent(chromedp.ID("old-page")), chromedp.WaitVisible(chromedp.CSS("#subscriptions")))
		if on := get(rep, "read the box", chromedp.Evaluate[bool](`document.querySelector('#credit_reductions').checked`)); !on {
			t.Fatal("credit reductions not saved")
		}
		if c := as[server.ContractJSON](t, a.must(200, "GET", "/api/v1/contracts/"+con.ID, priya, nil)); !c.CreditReductions {
			t.Fatal("the API does not show credit_reductions after the page saved it")
		}
		rep.do("amend again", chromedp.Click(chromedp.CSS("#amend")), chromedp.WaitVisible(chromedp.CSS("#quote-kind")))
		if kind := rep.text("#quote-kind"); !strings.Contains(kind, "already invoiced are credited") {
			t.Fatalf("the amendment of a contract that credits reductions says %q", kind)
		}
		rep.do("55 seats", chromedp.SetValue(chromedp.CSS("#qty-1"), "55"), chromedp.Click(chromedp.CSS("#save-1")))
		rep.until("the change to MRR", `(document.querySelector('#totals-mrr-change') || {textContent: ''}).textContent.includes('200.00')`)
		rep.do("submit the reduction", chromedp.Click(chromedp.CSS("#submit")), chromedp.WaitVisible(chromedp.CSS("#send")))
		rep.do("send the reduction", chromedp.Click(chromedp.CSS("#send")), chromedp.WaitVisible(chromedp.CSS("#portal-link")))
		link = get(rep, "read the customer's second link", chromedp.Value(chromedp.CSS("#portal-link")))
		accept("accept the reduction", link)
		rep.do("the contract after the reduction", chromedp.Navigate(a.base+"/contracts/"+con.ID), chromedp.WaitVisible(chromedp.CSS("#subscriptions")))
		if mrr := rep.text("#contract-mrr"); !strings.Contains(mrr, "2,200.00") {
			t.Fatalf("the contract's MRR after the reduction: %q", mrr)
		}
		// The added seats' invoice owes half of what it charged: 5 of its
		// 10 seats credited for all its days, net and tax each rounded
		// once to the cent.
		second := as[server.ContractJSON](t, a.must(200, "GET", "/api/v1/contracts/"+con.ID, priya, nil)).Invoices[1]
		if off := dec(t, second.AmountDue).Mul(decimal.NewFromInt(2)).Sub(dec(t, second.Total)).Abs(); off.GreaterThan(decimal.RequireFromString("0.02")) {
			t.Fatalf("the added seats' invoice after the credit: due %s of %s", second.AmountDue, second.Total)
		}
		rep.do("the credited invoice", chromedp.Navigate(a.base+"/invoices/"+second.ID), chromedp.WaitVisible(chromedp.CSS("#cn-h")))
		if cns := rep.text("main"); !strings.Contains(cns, "CN-") || !strings.Contains(cns, "fewer seats") {
			t.Fatalf("the invoice's credit notes: %q", cns)
		}
		if forms := get(rep, "look for finance's forms", chromedp.Evaluate[int](`document.querySelectorAll('#issue-credit, #email-statement, a[href^="/payments/new"]').length`)); forms != 0 {
			t.Fatalf("a rep sees %d of finance's actions on an invoice", forms)
		}
		if lines := rep.text("main table"); !strings.Contains(lines, " – ") {
			t.Fatalf("the subscription invoice's line shows no service period: %q", lines)
		}
		checkAccessible(t, rep.ctx, "an invoice credited for fewer seats")
		rep.shot("workspace-invoice-credited-reduction.png")

		// The manager reads the subscription metrics.
		mgr := newWalker(t, "manager", 1100, 900)
		mgr.signIn(links["daniel.reyes@northwind.example"])
		mgr.do("open the metrics", chromedp.Navigate(a.base+"/subscriptions"), chromedp.WaitVisible(chromedp.CSS("#mrr-table")))
		if mrr := mgr.text("#metrics-mrr"); !strings.Contains(mrr, "2,200.00") {
			t.Fatalf("MRR today on the metrics page: %q", mrr)
		}
		checkAccessible(t, mgr.ctx, "the subscription metrics")
		mgr.shot("workspace-subscription-metrics.png")
	})
}
