package main

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/quotient-cpq/quotient/store/storetest"
)

// walker drives one browser through the workspace, failing the test with
// what the page said when a step does not work.
type walker struct {
	t    *testing.T
	ctx  context.Context
	name string
}

func newWalker(t *testing.T, name string, width, height int) *walker {
	w := &walker{t: t, ctx: newBrowserFor(t, width, height, 4*time.Minute), name: name}
	// The tab starts on the browser's own context: a tab started under a
	// step's deadline would close when the step ends.
	if err := chromedp.Do(w.ctx); err != nil {
		t.Fatalf("%s: start the browser: %v", name, err)
	}
	return w
}

// do runs actions; a failure reports the page's text.
func (w *walker) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(w.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		w.failed(what, err)
	}
}

// failed ends the test with what the page showed.
func (w *walker) failed(what string, err error) {
	w.t.Helper()
	loc, _ := chromedp.Run(w.ctx, chromedp.Location())
	body, _ := chromedp.Run(w.ctx, chromedp.Text(chromedp.CSS("body")))
	w.t.Fatalf("%s: %s: %v\nat %s: %.1500s", w.name, what, err, loc, body)
}

// get runs one action that returns a value.
func get[T any](w *walker, what string, a chromedp.Action[T]) T {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(w.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		w.failed(what, err)
	}
	return v
}

// until waits for a JavaScript condition to hold.
func (w *walker) until(what, expr string) {
	w.t.Helper()
	w.do(what, chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingTimeout(20*time.Second)))
}

// text is the text of the first element sel matches.
func (w *walker) text(sel string) string {
	w.t.Helper()
	return get(w, "read "+sel, chromedp.Text(chromedp.CSS(sel)))
}

func (w *walker) shot(name string) {
	w.t.Helper()
	keepScreenshot(w.t, name, get(w, "screenshot "+name, chromedp.FullScreenshot(100)))
}

// signIn uses a one-time sign-in link and waits for the home page.
func (w *walker) signIn(link string) {
	w.t.Helper()
	w.do("sign in", chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS("#signin-button")), chromedp.Click(chromedp.CSS("#signin-button")),
		chromedp.WaitVisible(chromedp.CSS("#signout")))
}

// change sets a form control's value as a person would and fires its
// change event (which is what htmx listens for).
func (w *walker) change(sel, value string) {
	w.t.Helper()
	w.do("change "+sel, chromedp.Evaluate[chromedp.Void](`(() => { const e = document.querySelector(`+jsString(sel)+`); e.value = `+jsString(value)+`;
		e.dispatchEvent(new Event('change', {bubbles: true})) })()`))
	w.settled()
}

// settled waits until htmx has no request, swap or settle under way.
func (w *walker) settled() {
	w.t.Helper()
	w.until("htmx settles", `document.querySelectorAll('.htmx-request, .htmx-swapping, .htmx-settling').length === 0`)
}

func jsString(s string) string { return "'" + strings.ReplaceAll(s, "'", `\'`) + "'" }

// TestQuoteToOrderInBrowser is the sales workspace end to end, in
// chromium: a rep signs in, opens an account 360, starts a quote from its
// opportunity, configures the Atlas R2 server into an invalid and then a
// valid configuration, adds a second line and a discount that needs
// approval (the line and the totals change in place), reads the price
// waterfall and submits; the manager signs in, finds the request in the
// inbox and approves it with a comment; the rep sees the comment and
// sends the quote to a contact; the customer accepts in the portal; the
// rep sees the order and its backorder on the account page. Every page on
// the way passes axe-core, and each main page is kept as a screenshot.
func TestQuoteToOrderInBrowser(t *testing.T) {
	t.Parallel()
	chromiumPath(t)
	storetest.Each(t, func(t *testing.T, db string) {
		a, links, toks := startDemo(t, db, nil)
		priya := toks["priya.nair@northwind.example"]
		acc := demoAccount(t, a, priya, "acme")
		opp := openOpportunity(t, a, priya, acc)

		rep := newWalker(t, "rep", 1280, 900)
		rep.signIn(links["priya.nair@northwind.example"])
		// Home: another opportunity moves to negotiation in place.
		rep.do("mark the home page", chromedp.WaitVisible(chromedp.CSS("#pipeline")), chromedp.Evaluate[chromedp.Void](`window.sameDocument = true`))
		rep.do("move a card", chromedp.Evaluate[chromedp.Void](`(() => { const s = [...document.querySelectorAll('#pipeline select')].find(s => !s.id.endsWith('`+opp+`'));
			s.value = 'negotiation'; s.form.querySelector('button').click() })()`))
		rep.until("the card moved", `window.sameDocument === true && document.querySelector('#notice').textContent.includes('moved to Negotiation')`)
		checkAccessible(t, rep.ctx, "home after a move")
		rep.do("open the account 360", chromedp.Navigate(a.base+"/accounts/"+acc), chromedp.WaitVisible(chromedp.CSS("#new-quote-"+opp)))
		checkAccessible(t, rep.ctx, "the account 360")
		rep.do("start a quote from the opportunity", chromedp.Click(chromedp.CSS("#new-quote-"+opp)), chromedp.WaitVisible(chromedp.CSS("#find")))
		if h1 := rep.text("h1"); !strings.Contains(h1, "Draft") {
			t.Fatalf("a new quote: %q", h1)
		}
		checkAccessible(t, rep.ctx, "an empty draft")

		// Find the Atlas server as one types, add 20 of them: its
		// configuration opens.
		rep.do("type a search", chromedp.SendKeys(chromedp.CSS("#find"), "atlas"), chromedp.WaitVisible(chromedp.CSS("#add-SRV-ATLAS-R2")))
		rep.do("add 20 servers", chromedp.SetValue(chromedp.CSS(`#found input[name=quantity]`), "20"), chromedp.Click(chromedp.CSS("#add-SRV-ATLAS-R2")),
			chromedp.WaitVisible(chromedp.CSS("#cfg-storage_tb")))
		checkAccessible(t, rep.ctx, "the configuration page")
		// 60 TB without the redundant power supply breaks a rule, shown at
		// once without saving.
		rep.change("#cfg-redundant_psu", "false")
		rep.change("#cfg-storage_tb", "60")
		rep.until("the rule's error", `document.querySelector('#cfg-errors') !== null`)
		if e := rep.text("#cfg-errors"); !strings.Contains(e, "more than 48 TB of storage needs the redundant power supply") {
			t.Fatalf("the invalid configuration says %q", e)
		}
		checkAccessible(t, rep.ctx, "an invalid configuration")
		rep.shot("workspace-configure.png")
		// Applying it anyway is refused; with the power supply it is valid.
		rep.do("apply the invalid one", chromedp.Click(chromedp.CSS("#apply")), chromedp.WaitVisible(chromedp.CSS("[role=alert]")))
		rep.change("#cfg-redundant_psu", "true")
		rep.until("the configuration becomes valid", `document.querySelector('#cfg-errors') === null && document.querySelector('#cfg-state').textContent.includes('valid')`)
		rep.do("apply it", chromedp.Click(chromedp.CSS("#apply")), chromedp.WaitVisible(chromedp.CSS("#line-1")))
		if cfg := rep.text("#line-1 .cfg"); !strings.Contains(cfg, "Storage: 60 TB") || !strings.Contains(cfg, "Redundant power supply: yes") {
			t.Fatalf("line 1's configuration: %q", cfg)
		}

		// A second line, then 20 % off the servers: the line and the
		// totals change in place (htmx), nothing else is reloaded.
		rep.do("find the installation", chromedp.SendKeys(chromedp.CSS("#find"), "PS-INSTALL"), chromedp.WaitVisible(chromedp.CSS("#add-PS-INSTALL")),
			chromedp.Click(chromedp.CSS("#add-PS-INSTALL")), chromedp.WaitVisible(chromedp.CSS("#line-2")))
		before := rep.text("#quote-total")
		rep.do("mark the page", chromedp.Evaluate[chromedp.Void](`window.sameDocument = true`))
		rep.do("20 % off line 1", chromedp.SetValue(chromedp.CSS("#disc-1"), "20"), chromedp.Click(chromedp.CSS("#save-1")))
		rep.until("the total changes", `document.querySelector('#quote-total').textContent !== `+jsString(before))
		rep.until("in the same page", `window.sameDocument === true && document.querySelector('#line-1').classList.contains('changed')`)
		if st := rep.text("#notice"); !strings.Contains(st, "Line 1 changed") {
			t.Fatalf("after the edit the page says %q", st)
		}
		if tot := rep.text("#totals-total"); tot != rep.text("#quote-total") {
			t.Fatalf("the totals say %q, the header %q", tot, rep.text("#quote-total"))
		}
		// The waterfall explains the price.
		rep.do("open line 1's waterfall", chromedp.Click(chromedp.CSS("#trace-1 summary")), chromedp.WaitVisible(chromedp.CSS("#trace-1 ol")))
		trace := rep.text("#trace-1 ol")
		for _, want := range []string{"List price", "Option", "Enterprise hardware 3%", "Your discount", "Tax"} {
			if !strings.Contains(trace, want) {
				t.Fatalf("line 1's waterfall lacks %q: %s", want, trace)
			}
		}
		checkAccessible(t, rep.ctx, "the builder")
		rep.shot("workspace-builder.png")
		rep.do("submit", chromedp.Click(chromedp.CSS("#submit")), chromedp.WaitVisible(chromedp.CSS("#appr-h")))
		if st := rep.text("#notice"); !strings.Contains(st, "waits for approval") || !strings.Contains(st, "Discount over 15%") {
			t.Fatalf("after submitting: %q", st)
		}
		quoteURL := get(rep, "where", chromedp.Location())
		number := strings.Fields(rep.text("h1"))[1]

		// The manager approves from the inbox with a comment.
		mgr := newWalker(t, "manager", 1100, 900)
		mgr.signIn(links["daniel.reyes@northwind.example"])
		mgr.do("open the inbox", chromedp.Navigate(a.base+"/approvals"), chromedp.WaitVisible(chromedp.CSS("main section.card")))
		if inbox := mgr.text("main"); !strings.Contains(inbox, number) || !strings.Contains(inbox, "Discount over 15%") {
			t.Fatalf("the inbox: %.500s", inbox)
		}
		qid := strings.SplitN(strings.SplitN(quoteURL, "/quotes/", 2)[1], "/", 2)[0] // the page is the submit's answer, /quotes/{id}/submit
		mgr.do("approve", chromedp.SendKeys(chromedp.CSS("#comment-"+qid), "fine for Acme's refresh"), chromedp.Click(chromedp.CSS("#approve-"+qid)),
			chromedp.WaitVisible(chromedp.CSS("[role=status]")))

		// The rep sees the comment and sends the quote to the contact.
		rep.do("open the quote again", chromedp.Navigate(a.base+"/quotes/"+qid), chromedp.WaitVisible(chromedp.CSS("#send")))
		if appr := rep.text("#appr-h + .scroll table"); !strings.Contains(appr, "fine for Acme's refresh") || !strings.Contains(appr, "Daniel Reyes") {
			t.Fatalf("the approvals on the quote: %q", appr)
		}
		rep.do("send", chromedp.Click(chromedp.CSS("#send")), chromedp.WaitVisible(chromedp.CSS("#portal-link")))
		if st := rep.text("#notice"); !strings.Contains(st, "sent to") {
			t.Fatalf("after sending: %q", st)
		}
		link := get(rep, "read the customer's link", chromedp.Value(chromedp.CSS("#portal-link")))
		if !strings.Contains(link, "/portal/quotes/") {
			t.Fatalf("the customer's link: %q", link)
		}
		checkAccessible(t, rep.ctx, "a sent quote")
		rep.shot("workspace-sent.png")

		// The customer accepts in the portal.
		cust := newWalker(t, "customer", 420, 900)
		cust.do("open the portal", chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS("#signer_name")),
			chromedp.SendKeys(chromedp.CSS("#signer_name"), "Alex Garcia"), chromedp.SendKeys(chromedp.CSS("#signer_email"), "alex@acme.example"),
			chromedp.Click(chromedp.CSS("#accept")), chromedp.Click(chromedp.CSS("#accept-button")), chromedp.WaitVisible(chromedp.CSS("#message")))

		// The rep sees the acceptance, the order and what it waits for.
		rep.do("the quote after acceptance", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("#decision")))
		rep.do("the account page", chromedp.Navigate(a.base+"/accounts/"+acc), chromedp.WaitVisible(chromedp.CSS("h1")))
		orders := rep.text("main")
		if !regexp.MustCompile(`SO-\d+\s+Open\s+\d+ × SRV-ATLAS-R2`).MatchString(orders) {
			t.Fatalf("the account page shows no order with a backorder of the servers: %.2000s", orders)
		}
		checkAccessible(t, rep.ctx, "the account 360 with the order")
		rep.shot("workspace-account-order.png")
	})
}
