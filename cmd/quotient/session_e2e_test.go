package main

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/quotient-cpq/quotient/crm"
	"github.com/quotient-cpq/quotient/server"
	"github.com/quotient-cpq/quotient/store/storetest"
	"github.com/quotient-cpq/quotient/web"
)

// TestWorkspaceSessionExpiry runs the server with short session limits
// (QUOTIENT_SESSION_IDLE=2s, QUOTIENT_SESSION_MAX=8s): a session in use
// outlives the idle limit but not the absolute one; an idle one ends; the
// next page leads to the sign-in page, which says why and leads back
// afterwards (never to another site); an htmx request of an ended session
// is told to go there; in chromium, a rep left idle is signed out,
// signs in with a password and is back on the page they asked for. Every
// loop is bounded.
func TestWorkspaceSessionExpiry(t *testing.T) {
	t.Parallel()
	chromiumPath(t)
	storetest.Each(t, func(t *testing.T, db string) {
		a, links, _ := startDemo(t, db, map[string]string{"QUOTIENT_SESSION_IDLE": "2s", "QUOTIENT_SESSION_MAX": "8s"})
		busy := signedIn(t, links["priya.nair@northwind.example"])
		idle := signedIn(t, links["kenji.watanabe@northwind.example"])
		idle2 := signedIn(t, links["daniel.reyes@northwind.example"])
		start := time.Now()
		_, acct, _ := fetch(t, busy, "GET", a.base+"/account", nil)
		password := "idle sessions end quietly"
		if st, _, _ := fetch(t, busy, "POST", a.base+"/account/password", url.Values{"csrf": {csrfRe.FindStringSubmatch(acct)[1]}, "password": {password}}); st != 200 {
			t.Fatalf("set a password: %d", st)
		}
		_, kh, _ := fetch(t, idle, "GET", a.base+"/", nil)
		kenjiToken := csrfRe.FindStringSubmatch(kh)[1]
		// The busy session asks for a page every 300 ms: alive past the idle
		// limit; meanwhile the others idle out; then the absolute limit
		// ends the busy one too.
		ended := time.Duration(0)
		checkedIdle := false
		for i := 0; i < 40 && ended == 0; i++ {
			time.Sleep(300 * time.Millisecond)
			st, _, h := fetch(t, busy, "GET", a.base+"/quotes", nil)
			switch {
			case st == 200:
			case st == 303 && (h.Get("Location") == "/signin?next=%2Fquotes" || h.Get("Location") == "/signin?ended=1&next=%2Fquotes"):
				// The cookie lasts as long as the session may: the client
				// drops it at the absolute limit, or the server refuses it.
				ended = time.Since(start)
			default:
				t.Fatalf("a busy session's page after %s: %d %v", time.Since(start), st, h)
			}
			if checkedIdle || time.Since(start) < 3*time.Second {
				continue
			}
			checkedIdle = true
			// The idle sessions ended: the next page says so and the cookie
			// goes; an htmx request is told to sign in, and nothing is done.
			if st, _, h := fetch(t, idle2, "GET", a.base+"/orders", nil); st != 303 || h.Get("Location") != "/signin?ended=1&next=%2Forders" ||
				!strings.HasPrefix(h.Get("Set-Cookie"), web.SessionCookie+"=;") {
				t.Fatalf("an idle session's page: %d %v", st, h)
			}
			st, _, h = fetch(t, idle, "POST", a.base+"/opportunities/opp_x/stage", url.Values{"csrf": {kenjiToken}, "stage": {"proposal"}},
				"HX-Request", "true", "HX-Current-URL", a.base+"/?tab=1")
			if st != 401 || h.Get("HX-Redirect") != "/signin?ended=1&next=%2F%3Ftab%3D1" {
				t.Fatalf("an ended session's htmx request: %d %v", st, h)
			}
		}
		if ended < 3*time.Second || !checkedIdle {
			t.Fatalf("a session in use ended after %s, within the idle limit's reach (or never: 0)", ended)
		}
		st, body, _ := fetch(t, browserClient(t), "GET", a.base+"/signin?ended=1&next=%2Forders", nil)
		if st != 200 || !strings.Contains(body, "Your session has ended") || !strings.Contains(body, `name="next" value="/orders"`) {
			t.Fatalf("the sign-in page after an ended session: %d %.500s", st, body)
		}
		for next, want := range map[string]string{"/orders": "/orders", "//evil.example/": "/", "https://evil.example/": "/", "/\\evil.example": "/", "/signout": "/"} {
			c := browserClient(t)
			st, _, h := fetch(t, c, "POST", a.base+"/signin/password", url.Values{"email": {"priya.nair@northwind.example"}, "password": {password}, "next": {next}})
			if st != 303 || h.Get("Location") != want {
				t.Fatalf("signing in with next=%q: %d, to %q (want %q)", next, st, h.Get("Location"), want)
			}
		}

		// In chromium: signed in, left idle, the next click leads to the
		// sign-in page, which says why; a password brings the rep back.
		rep := newWalker(t, "rep", 1100, 800)
		rep.do("sign in with the password", chromedp.Navigate(a.base+"/signin"), chromedp.WaitVisible(chromedp.ID("pw-email")),
			chromedp.SendKeys(chromedp.ID("pw-email"), "priya.nair@northwind.example"), chromedp.SendKeys(chromedp.ID("password"), password),
			chromedp.Click(chromedp.ID("password-signin")), chromedp.WaitVisible(chromedp.ID("signout")),
			chromedp.Navigate(a.base+"/accounts"), chromedp.WaitVisible(chromedp.ID("q")))
		time.Sleep(2500 * time.Millisecond) // past the idle limit
		rep.do("follow a link after the idle limit", chromedp.Click(chromedp.CSS(`nav.side a[href="/orders"]`)), chromedp.WaitVisible(chromedp.ID("password-signin")))
		if msg := rep.text("[role=status]"); !strings.Contains(msg, "Your session has ended") {
			t.Fatalf("the sign-in page after the idle limit: %q", msg)
		}
		checkAccessible(t, rep.ctx, "the sign-in page after the idle limit")
		rep.do("sign in again", chromedp.SendKeys(chromedp.ID("pw-email"), "priya.nair@northwind.example"), chromedp.SendKeys(chromedp.ID("password"), password),
			chromedp.Click(chromedp.ID("password-signin")), chromedp.WaitVisible(chromedp.ID("signout")))
		if loc := get(rep, "where", chromedp.Location()); !strings.HasSuffix(loc, "/orders") {
			t.Fatalf("after signing in again the browser is at %s", loc)
		}
	})
}

// TestSecondFactorInBrowser: in chromium, finance signs in by link and is
// led to the code page, which shows the key as a QR code and as text
// (axe-core, screenshot workspace-second-factor.png); a wrong code is
// refused at the field; the right one opens the page first asked for.
func TestSecondFactorInBrowser(t *testing.T) {
	t.Parallel()
	chromiumPath(t)
	storetest.Each(t, func(t *testing.T, db string) {
		a, links, _ := startDemo(t, db, nil)
		fin := newWalker(t, "finance", 1100, 800)
		fin.do("open the link", chromedp.Navigate(links["sofia.lindqvist@northwind.example"]), chromedp.WaitVisible(chromedp.ID("signin-button")),
			chromedp.Click(chromedp.ID("signin-button")), chromedp.WaitVisible(chromedp.ID("prove-code")))
		fin.do("ask for the orders", chromedp.Navigate(a.base+"/orders"), chromedp.WaitVisible(chromedp.CSS("svg.qr")))
		if loc := get(fin, "where", chromedp.Location()); !strings.Contains(loc, "/signin/code?next=%2Forders") {
			t.Fatalf("before the code the browser is at %s", loc)
		}
		checkAccessible(t, fin.ctx, "the second factor's set-up")
		fin.shot("workspace-second-factor.png")
		secret := fin.text("#totp-secret")
		fin.do("a wrong code", chromedp.SendKeys(chromedp.ID("code"), "000000"), chromedp.Click(chromedp.ID("prove-code")),
			chromedp.WaitVisible(chromedp.CSS("[role=alert]")))
		if msg := fin.text("[role=alert]"); !strings.Contains(msg, "is not the code") {
			t.Fatalf("a wrong code: %q", msg)
		}
		// The code page has a sign-out button too: wait for the page to go
		// (a marker in it disappears) before looking where the browser is.
		fin.do("mark the code page", chromedp.Evaluate[chromedp.Void](`document.body.insertAdjacentHTML('beforeend', '<i id="old-page"></i>')`))
		fin.do("the right code", chromedp.SendKeys(chromedp.ID("code"), crm.TOTPCode(secret, time.Now())), chromedp.Click(chromedp.ID("prove-code")),
			chromedp.WaitNotPresent(chromedp.ID("old-page")), chromedp.WaitVisible(chromedp.ID("signout")))
		if loc := get(fin, "where", chromedp.Location()); !strings.HasSuffix(loc, "/orders") {
			t.Fatalf("after the code the browser is at %s", loc)
		}
	})
}

// TestWorkspaceAtPhoneWidth: at 375 px wide every main page fits the
// screen (wide tables scroll inside their own box, the page does not
// scroll sideways) and passes axe-core; home and the builder are kept as
// screenshots.
func TestWorkspaceAtPhoneWidth(t *testing.T) {
	t.Parallel()
	chromiumPath(t)
	storetest.Each(t, func(t *testing.T, db string) {
		a, links, toks := startDemo(t, db, nil)
		priya := toks["priya.nair@northwind.example"]
		acc := demoAccount(t, a, priya, "acme")
		product := page[server.ProductJSON](t, a.must(200, "GET", "/api/v1/products?q=edge", priya, nil))[0].ID
		q := as[server.QuoteJSON](t, a.must(201, "POST", "/api/v1/quotes", priya, map[string]any{"account_id": acc,
			"lines": []any{map[string]any{"product_id": product, "quantity": "2", "manual_discount_pct": "16"}}}))
		rep := newWalker(t, "rep at phone width", 375, 812)
		// Headless chromium keeps a window at least 500 px wide: the
		// viewport is set as a phone's.
		rep.do("a phone's viewport", chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile))
		rep.signIn(links["priya.nair@northwind.example"])
		if w := get(rep, "width", chromedp.Evaluate[int](`window.innerWidth`)); w != 375 {
			t.Fatalf("the viewport is %d px wide", w)
		}
		for _, path := range []string{"/", "/accounts", "/accounts/" + acc, "/accounts/new", "/accounts/" + acc + "/edit", "/quotes", "/quotes/" + q.ID,
			"/orders", "/approvals", "/users", "/account"} {
			rep.do("open "+path, chromedp.Navigate(a.base+path), chromedp.WaitVisible(chromedp.CSS("h1")))
			over := get(rep, "measure "+path, chromedp.Evaluate[int](`document.documentElement.scrollWidth - window.innerWidth`))
			if over > 0 {
				wide := get(rep, "find what is wide", chromedp.Evaluate[string](`[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.scroll, .board')).slice(0, 5).map(e => e.tagName + '.' + e.className + '#' + e.id).join(', ')`))
				t.Errorf("%s is %d px wider than a 375 px screen: %s", path, over, wide)
			}
			checkAccessible(t, rep.ctx, path+" at phone width")
			switch path {
			case "/":
				rep.shot("workspace-phone-home.png")
			case "/quotes/" + q.ID:
				rep.shot("workspace-phone-builder.png")
			}
		}
	})
}

// tabTo presses Tab until the element sel names has the focus (at most
// 150 times) and checks the focus is drawn: what a keyboard reaches.
func (w *walker) tabTo(sel string) {
	w.t.Helper()
	for range 150 {
		if get(w, "where the focus is", chromedp.Evaluate[bool](`!!document.activeElement && document.activeElement.matches(`+jsString(sel)+`)`)) {
			if o := get(w, "the focus ring", chromedp.Evaluate[string](`getComputedStyle(document.activeElement).outlineStyle`)); o == "none" {
				w.t.Fatalf("%s: the focus on %s is not drawn", w.name, sel)
			}
			return
		}
		w.do("press Tab", chromedp.KeyEvent(kb.Tab))
	}
	w.failed("tab to "+sel, fmt.Errorf("not reachable with Tab"))
}

// press presses keys on whatever has the focus.
func (w *walker) press(keys string) {
	w.t.Helper()
	w.do("press "+keys, chromedp.KeyEvent(keys))
}

// slash presses "/" and checks it put the focus in sel, the page's
// search field, then selects the field's text (which the driver's key
// events may have typed the slash into) so what follows replaces it.
func (w *walker) slash(sel string) {
	w.t.Helper()
	w.press("/")
	if !get(w, "where the focus is", chromedp.Evaluate[bool](`document.activeElement.matches(`+jsString(sel)+`)`)) {
		w.failed("/ to the search", fmt.Errorf("the focus is not in %s", sel))
	}
	w.do("select the field's text", chromedp.KeyEvent("a", chromedp.KeyModifiers(chromedp.ModifierCtrl)))
}

// TestWorkspaceByKeyboard: a rep builds a quote with the keyboard alone
// in chromium: signs in, "g a" for the accounts, "/" for the search,
// Tab and Enter to the account, its opportunity's new quote, a product,
// its quantity and the submit; every stop has a visible focus.
func TestWorkspaceByKeyboard(t *testing.T) {
	t.Parallel()
	chromiumPath(t)
	storetest.Each(t, func(t *testing.T, db string) {
		a, links, toks := startDemo(t, db, nil)
		priya := toks["priya.nair@northwind.example"]
		acc := demoAccount(t, a, priya, "acme")
		opp := openOpportunity(t, a, priya, acc)
		rep := newWalker(t, "rep by keyboard", 1100, 800)
		rep.do("open the link", chromedp.Navigate(links["priya.nair@northwind.example"]), chromedp.WaitVisible(chromedp.ID("signin-button")))
		rep.tabTo("#signin-button")
		rep.press(kb.Enter)
		rep.do("home", chromedp.WaitVisible(chromedp.ID("signout")))
		rep.press("g")
		rep.press("a")
		rep.do("the accounts", chromedp.WaitVisible(chromedp.ID("q")))
		rep.slash("#q")
		rep.press("acme" + kb.Enter)
		rep.do("the search's answer", chromedp.WaitVisible(chromedp.CSS(`main a[href="/accounts/`+acc+`"]`)))
		rep.tabTo(`main a[href="/accounts/` + acc + `"]`)
		rep.press(kb.Enter)
		rep.do("the account 360", chromedp.WaitVisible(chromedp.ID("new-quote-"+opp)))
		rep.tabTo("#new-quote-" + opp)
		rep.press(kb.Enter)
		rep.do("the builder", chromedp.WaitVisible(chromedp.ID("find")))
		rep.slash("#find")
		rep.press("SRV-EDGE-1" + kb.Enter)
		rep.do("the products found", chromedp.WaitVisible(chromedp.ID("add-SRV-EDGE-1")))
		rep.tabTo("#add-SRV-EDGE-1")
		rep.press(kb.Enter)
		rep.do("the line", chromedp.WaitVisible(chromedp.ID("qty-1")))
		before := rep.text("#quote-total")
		rep.tabTo("#qty-1")
		rep.press(kb.End + kb.Backspace + kb.Backspace + kb.Backspace + "4" + kb.Enter)
		rep.until("the total changes", `document.querySelector('#quote-total').textContent !== `+jsString(before))
		if q := get(rep, "the quantity", chromedp.Evaluate[string](`document.querySelector('#qty-1').value`)); q != "4" {
			t.Fatalf("the quantity typed is %q", q)
		}
		rep.tabTo("#submit")
		// The builder may show a notice already: wait for the page the
		// submission loads, not a status on the one it leaves.
		rep.do("mark the builder", chromedp.Evaluate[chromedp.Void](`document.body.insertAdjacentHTML('beforeend', '<i id="old-page"></i>')`))
		rep.press(kb.Enter)
		rep.do("submitted", chromedp.WaitNotPresent(chromedp.ID("old-page")), chromedp.WaitVisible(chromedp.CSS(`#notice [role=status]`)))
		if h1 := rep.text("h1"); !strings.Contains(h1, "Approved") {
			t.Fatalf("after submitting by keyboard: %q", h1)
		}
	})
}
