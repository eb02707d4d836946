package main

import (
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	qrcode "github.com/skip2/go-qrcode"

	"github.com/quotient-cpq/quotient/crm"
	"github.com/quotient-cpq/quotient/server"
	"github.com/quotient-cpq/quotient/store/storetest"
)

var demoLinkRe = regexp.MustCompile(`(?m)^\s+(\S+@\S+)\s+(http://\S+/signin/qsl_\S+)$`)

// demoLinks are the sign-in links serve --demo printed, by e-mail.
func demoLinks(t testing.TB, out string) map[string]string {
	t.Helper()
	links := map[string]string{}
	for _, m := range demoLinkRe.FindAllStringSubmatch(out, -1) {
		links[m[1]] = m[2]
	}
	if len(links) != 5 {
		t.Fatalf("demo sign-in links: %v\n%s", links, out)
	}
	return links
}

// startDemo starts serve --demo and returns it with the sign-in links
// and API tokens it printed, by e-mail.
func startDemo(t *testing.T, db string, env map[string]string) (*instance, map[string]string, map[string]string) {
	t.Helper()
	vars := map[string]string{"QUOTIENT_BOOTSTRAP_TOKEN": ""}
	for k, v := range env {
		vars[k] = v
	}
	a := start(t, db, vars, "serve", "--demo")
	return a, demoLinks(t, a.out.String()), demoTokens(t, a.out.String())
}

// demoAccount is the id of the first demo account whose name matches q,
// as token reads the accounts.
func demoAccount(t testing.TB, a *instance, token, q string) string {
	t.Helper()
	return page[server.AccountJSON](t, a.must(200, "GET", "/api/v1/accounts?q="+url.QueryEscape(q), token, nil))[0].ID
}

// openOpportunity is the last open opportunity of an account, as token
// reads them; the test ends when there is none.
func openOpportunity(t *testing.T, a *instance, token, acc string) string {
	t.Helper()
	opp := ""
	for _, o := range page[server.OpportunityJSON](t, a.must(200, "GET", "/api/v1/opportunities?account_id="+acc, token, nil)) {
		if o.Stage != "closed_won" && o.Stage != "closed_lost" {
			opp = o.ID
		}
	}
	if opp == "" {
		t.Fatalf("account %s has no open opportunity in the demo", acc)
	}
	return opp
}

// signedIn is a client signed in to the workspace with a sign-in link.
func signedIn(t *testing.T, link string) *http.Client {
	t.Helper()
	c := browserClient(t)
	if st, _, _ := fetch(t, c, "POST", link, url.Values{}); st != 303 {
		t.Fatalf("sign in with %s: %d", link, st)
	}
	return c
}

// browserClient is an HTTP client that keeps cookies and does not follow
// redirects, as a browser's first request would see them.
func browserClient(t *testing.T) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// page fetches a workspace page with c; form, when not nil, is posted.
func fetch(t *testing.T, c *http.Client, method, u string, form url.Values, headers ...string) (int, string, http.Header) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b), res.Header
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// TestWorkspaceSignIn: serve --demo prints a one-time sign-in link per
// demo user; a link signs in once (after a click, so a mail scanner
// cannot use it up) and sets an HttpOnly, SameSite=Lax session cookie;
// pages show what the API shows that user (another rep's quote is the
// same 404); every post needs the session's CSRF token (403 and nothing
// done without it) and comes from this site; signing out ends the
// session; asking for a link answers alike for known and unknown
// addresses, e-mails it through the outbox, and slows down an address
// that asks too often; the links never reach the log.
func TestWorkspaceSignIn(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		a, links, toks := startDemo(t, db, nil)
		priya, kenji := toks["priya.nair@northwind.example"], toks["kenji.watanabe@northwind.example"]
		var acc string
		for _, x := range page[server.AccountJSON](t, a.must(200, "GET", "/api/v1/accounts?limit=200", priya, nil)) {
			if x.Name == "Acme Logistics Inc." {
				acc = x.ID
			}
		}
		product := page[server.ProductJSON](t, a.must(200, "GET", "/api/v1/products?q=edge", priya, nil))[0].ID
		q := as[server.QuoteJSON](t, a.must(201, "POST", "/api/v1/quotes", priya, map[string]any{"account_id": acc, "notes": `<script>alert("x")</script>`,
			"lines": []any{map[string]any{"product_id": product, "quantity": "3", "manual_discount_pct": "20"}}}))
		a.must(200, "POST", "/api/v1/quotes/"+q.ID+"/submit", priya, nil) // 20 % off waits for Daniel

		c := browserClient(t)
		// The Japanese web font is served for pages (and the portal) to use.
		if st, font, h := fetch(t, c, "GET", a.base+"/assets/ipaexg.ttf", nil); st != 200 || h.Get("Content-Type") != "font/ttf" || len(font) < 1<<20 {
			t.Fatalf("the web font: %d %v (%d bytes)", st, h, len(font))
		}
		if st, _, h := fetch(t, c, "GET", a.base+"/", nil); st != 303 || !strings.HasPrefix(h.Get("Location"), "/signin") {
			t.Fatalf("home before signing in: %d %v", st, h)
		}
		link := links["priya.nair@northwind.example"]
		if st, body, _ := fetch(t, c, "GET", link, nil); st != 200 || !strings.Contains(body, `id="signin-button"`) {
			t.Fatalf("a link asks for a click: %d %.300s", st, body)
		}
		if st, _, _ := fetch(t, c, "POST", link, url.Values{}, "Origin", "http://evil.example"); st != 403 {
			t.Fatalf("a sign-in posted from another site: %d", st)
		}
		st, _, h := fetch(t, c, "POST", link, url.Values{})
		cookie := h.Get("Set-Cookie")
		if st != 303 || !strings.Contains(cookie, "quotient_session=qss_") || !strings.Contains(cookie, "HttpOnly") || !strings.Contains(cookie, "SameSite=Lax") {
			t.Fatalf("sign in: %d %q", st, cookie)
		}
		st, home, _ := fetch(t, c, "GET", a.base+"/", nil)
		if st != 200 || !strings.Contains(home, "Priya Nair") || !strings.Contains(home, q.Number) || strings.Contains(home, "<script>") {
			t.Fatalf("home: %d %.500s", st, home)
		}
		if st, body, _ := fetch(t, c, "GET", a.base+"/quotes/"+q.ID, nil); st != 200 || !strings.Contains(body, q.Number) {
			t.Fatalf("quote page: %d %.300s", st, body)
		}
		if st, body, h := fetch(t, c, "GET", a.base+"/quotes/"+q.ID+"/pdf", nil); st != 200 || h.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(body, "%PDF") {
			t.Fatalf("quote PDF: %d %v", st, h)
		}
		if st, _, _ := fetch(t, browserClient(t), "POST", link, url.Values{}); st != 401 {
			t.Fatalf("a used link: %d", st)
		}

		// Kenji, Priya's peer, gets the API's 404 for her quote, as a page.
		ck := signedIn(t, links["kenji.watanabe@northwind.example"])
		if st, body, _ := fetch(t, ck, "GET", a.base+"/quotes/"+q.ID, nil); st != 404 || !strings.Contains(body, "Not found") {
			t.Fatalf("another rep's quote: %d %.300s", st, body)
		}
		a.must(404, "GET", "/api/v1/quotes/"+q.ID, kenji, nil)
		// Daniel, her manager, finds it waiting for him.
		cd := signedIn(t, links["daniel.reyes@northwind.example"])
		if _, body, _ := fetch(t, cd, "GET", a.base+"/", nil); !strings.Contains(body, "Waiting for your approval") || !strings.Contains(body, q.Number) {
			t.Fatalf("the manager's home: %.500s", body)
		}

		// Posts need the session's CSRF token: without it, 403 and still
		// signed in; with it, signed out for good.
		if st, _, _ := fetch(t, c, "POST", a.base+"/signout", url.Values{"csrf": {"forged"}}); st != 403 {
			t.Fatalf("sign out with a forged token: %d", st)
		}
		if st, _, _ := fetch(t, c, "GET", a.base+"/", nil); st != 200 {
			t.Fatalf("the forged post ended the session: %d", st)
		}
		token := csrfRe.FindStringSubmatch(home)[1]
		if st, body, _ := fetch(t, c, "POST", a.base+"/signout", url.Values{"csrf": {token}}); st != 200 || !strings.Contains(body, "You are signed out") {
			t.Fatalf("sign out: %d %.300s", st, body)
		}
		if st, _, _ := fetch(t, c, "GET", a.base+"/", nil); st != 303 {
			t.Fatalf("home after signing out: %d", st)
		}

		// Asking for a link: the same answer for a stranger, an e-mail in
		// the outbox for a user, and a wait for an address that asks too often.
		known, unknown := url.Values{"email": {"priya.nair@northwind.example"}}, url.Values{"email": {"nobody@example.com"}}
		_, b1, _ := fetch(t, browserClient(t), "POST", a.base+"/signin", known)
		_, b2, _ := fetch(t, browserClient(t), "POST", a.base+"/signin", unknown)
		if !strings.Contains(b1, "a sign-in link is on its way") || strings.ReplaceAll(b1, "priya.nair@northwind.example", "X") != strings.ReplaceAll(b2, "nobody@example.com", "X") {
			t.Fatalf("the answers to a known and an unknown address differ:\n%s\n%s", b1, b2)
		}
		last := 0
		for range 10 {
			last, _, _ = fetch(t, browserClient(t), "POST", a.base+"/signin", unknown)
		}
		if last != 429 {
			t.Fatalf("the 12th request from one address: %d", last)
		}
		for _, l := range links {
			if strings.Contains(a.log.String(), strings.TrimPrefix(l, a.base+"/signin/")) {
				t.Fatal("a sign-in link reached the log")
			}
		}
	})
}

// TestWorkspaceInBrowser: a rep signs in with their link in headless
// Chromium, sees their home page and a quote, and signs out; the pages
// are kept as screenshots.
func TestWorkspaceInBrowser(t *testing.T) {
	t.Parallel()
	chromiumPath(t)
	storetest.Each(t, func(t *testing.T, db string) {
		a, links, toks := startDemo(t, db, nil)
		priya := toks["priya.nair@northwind.example"]
		acc := page[server.AccountJSON](t, a.must(200, "GET", "/api/v1/accounts?q=acme", priya, nil))[0].ID
		product := page[server.ProductJSON](t, a.must(200, "GET", "/api/v1/products?q=edge", priya, nil))[0].ID
		q := as[server.QuoteJSON](t, a.must(201, "POST", "/api/v1/quotes", priya, map[string]any{"account_id": acc,
			"lines": []any{map[string]any{"product_id": product, "quantity": "2", "manual_discount_pct": "16"}}}))
		a.must(200, "POST", "/api/v1/quotes/"+q.ID+"/submit", priya, nil) // over 15 %: the manager decides
		browser := newBrowser(t, 1100, 800)
		step := func(what string, err error) {
			t.Helper()
			if err != nil {
				t.Fatalf("browser: %s: %v", what, err)
			}
		}
		step("open the link", chromedp.Do(browser, chromedp.Navigate(links["priya.nair@northwind.example"]), chromedp.WaitVisible(chromedp.ID("signin-button"))))
		checkAccessible(t, browser, "the sign-in link's page")
		step("sign in", chromedp.Do(browser, chromedp.Click(chromedp.ID("signin-button"))))
		deadline := time.Now().Add(20 * time.Second)
		for {
			loc, err := chromedp.Run(browser, chromedp.Location())
			step("where", err)
			if strings.HasSuffix(loc, "/") {
				break
			}
			if time.Now().After(deadline) {
				txt, _ := chromedp.Run(browser, chromedp.Text(chromedp.CSS("body")))
				t.Fatalf("after signing in the browser is at %s: %.300s", loc, txt)
			}
			time.Sleep(100 * time.Millisecond)
		}
		step("the home page", chromedp.Do(browser, chromedp.WaitVisible(chromedp.ID("signout"))))
		h1, err := chromedp.Run(browser, chromedp.Text(chromedp.CSS("h1")))
		step("read the title", err)
		body, err := chromedp.Run(browser, chromedp.Text(chromedp.CSS("main")))
		step("read the page", err)
		if !strings.Contains(h1, "Priya Nair") || !strings.Contains(body, q.Number) {
			t.Fatalf("home: %q / %q", h1, body)
		}
		checkAccessible(t, browser, "home")
		shot, err := chromedp.Run(browser, chromedp.FullScreenshot(100))
		step("screenshot the home page", err)
		keepScreenshot(t, "workspace-home.png", shot)
		step("open the quote", chromedp.Do(browser, chromedp.Click(chromedp.CSS(`main a[href="/quotes/`+q.ID+`"]`)), chromedp.WaitVisible(chromedp.CSS("table"))))
		h1, err = chromedp.Run(browser, chromedp.Text(chromedp.CSS("h1")))
		step("read the quote's title", err)
		if !strings.Contains(h1, q.Number) {
			t.Fatalf("quote page: %q", h1)
		}
		checkAccessible(t, browser, "the quote page")
		shot, err = chromedp.Run(browser, chromedp.FullScreenshot(100))
		step("screenshot the quote page", err)
		keepScreenshot(t, "workspace-quote.png", shot)
		step("open the account 360", chromedp.Do(browser, chromedp.Navigate(a.base+"/accounts/"+acc), chromedp.WaitVisible(chromedp.CSS("h1"))))
		h1, err = chromedp.Run(browser, chromedp.Text(chromedp.CSS("h1")))
		step("read the account's title", err)
		if !strings.Contains(h1, "Acme Logistics") {
			t.Fatalf("account page: %q", h1)
		}
		checkAccessible(t, browser, "the account 360")
		for _, path := range []string{"/accounts", "/orders", "/account", "/quotes", "/quotes?status=draft&owner=me", "/users", "/quotes/" + q.ID + "/diff"} {
			step("open "+path, chromedp.Do(browser, chromedp.Navigate(a.base+path), chromedp.WaitVisible(chromedp.CSS("h1"))))
			checkAccessible(t, browser, path)
		}
		// A new account from the accounts list: a problem at its field,
		// then the account, its page and its edit form.
		step("open the new-account form", chromedp.Do(browser, chromedp.Navigate(a.base+"/accounts"), chromedp.Click(chromedp.ID("new-account")),
			chromedp.WaitVisible(chromedp.ID("account-name"))))
		checkAccessible(t, browser, "the new-account form")
		step("fill it in without a name", chromedp.Do(browser, chromedp.SendKeys(chromedp.ID("account-industry"), "Robotics"),
			chromedp.SendKeys(chromedp.CSS(`input[name="billing_address.city"]`), "Lyon"), chromedp.SetValue(chromedp.ID("account-currency"), "EUR"),
			chromedp.Click(chromedp.ID("save-account")), chromedp.WaitVisible(chromedp.ID("account-name-error"))))
		checkAccessible(t, browser, "the new-account form with a problem")
		shot, err = chromedp.Run(browser, chromedp.FullScreenshot(100))
		step("screenshot the form", err)
		keepScreenshot(t, "workspace-account-form.png", shot)
		step("name it", chromedp.Do(browser, chromedp.SendKeys(chromedp.ID("account-name"), "Rhône Robotique"), chromedp.Click(chromedp.ID("save-account")),
			chromedp.WaitVisible(chromedp.ID("edit-account"))))
		h1, err = chromedp.Run(browser, chromedp.Text(chromedp.CSS("h1")))
		step("read the new account's title", err)
		msg, err := chromedp.Run(browser, chromedp.Text(chromedp.CSS("[role=status]")))
		step("read the message", err)
		if h1 != "Rhône Robotique" || !strings.Contains(msg, "is created") {
			t.Fatalf("the new account: %q / %q", h1, msg)
		}
		step("edit it", chromedp.Do(browser, chromedp.Click(chromedp.ID("edit-account")), chromedp.WaitVisible(chromedp.ID("save-account")),
			chromedp.SendKeys(chromedp.ID("account-website"), "https://rhone.example"), chromedp.Click(chromedp.ID("save-account")),
			chromedp.WaitVisible(chromedp.ID("edit-account"))))
		body, err = chromedp.Run(browser, chromedp.Text(chromedp.CSS("main")))
		step("read the account", err)
		if !strings.Contains(body, "The account is saved") || !strings.Contains(body, "https://rhone.example") || !strings.Contains(body, "EUR") {
			t.Fatalf("the account after its edit: %.500s", body)
		}
		step("open its history", chromedp.Do(browser, chromedp.Click(chromedp.ID("edit-account")), chromedp.WaitVisible(chromedp.ID("save-account"))))
		checkAccessible(t, browser, "the edit-account form")
		step("back to the account", chromedp.Do(browser, chromedp.Navigate(a.base+"/accounts/"+acc), chromedp.WaitVisible(chromedp.CSS("h1"))))
		shot, err = chromedp.Run(browser, chromedp.FullScreenshot(100))
		step("screenshot the account", err)
		keepScreenshot(t, "workspace-account.png", shot)
		step("sign out", chromedp.Do(browser, chromedp.Click(chromedp.ID("signout")), chromedp.WaitVisible(chromedp.ID("email"))))
		checkAccessible(t, browser, "the sign-in page")
		msg, err = chromedp.Run(browser, chromedp.Text(chromedp.CSS("[role=status]")))
		step("read the message", err)
		if !strings.Contains(msg, "signed out") {
			t.Fatalf("after signing out: %q", msg)
		}

		// The manager signs in, finds the quote in the inbox and approves it.
		step("the manager signs in", chromedp.Do(browser, chromedp.Navigate(links["daniel.reyes@northwind.example"]),
			chromedp.WaitVisible(chromedp.ID("signin-button")), chromedp.Click(chromedp.ID("signin-button")), chromedp.WaitVisible(chromedp.ID("signout")),
			chromedp.Navigate(a.base+"/approvals"), chromedp.WaitVisible(chromedp.ID("approve-"+q.ID))))
		checkAccessible(t, browser, "the approvals inbox")
		shot, err = chromedp.Run(browser, chromedp.FullScreenshot(100))
		step("screenshot the inbox", err)
		keepScreenshot(t, "workspace-approvals.png", shot)
		step("approve", chromedp.Do(browser, chromedp.SendKeys(chromedp.ID("comment-"+q.ID), "fine for Acme"), chromedp.Click(chromedp.ID("approve-"+q.ID)),
			chromedp.WaitVisible(chromedp.CSS("[role=status]"))))
		msg, err = chromedp.Run(browser, chromedp.Text(chromedp.CSS("[role=status]")))
		step("read the message", err)
		if !strings.Contains(msg, q.Number) {
			t.Fatalf("after approving: %q", msg)
		}
	})
}

// TestWorkspacePasswords: a signed-in person sets a password (too short
// is refused at the field); it signs them in with a new session; a wrong
// password says so without saying which was wrong, as an unknown address
// does; five failures lock the account's password for 15 minutes while a
// link still works; "sign out everywhere" ends every session.
func TestWorkspacePasswords(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		a, links, _ := startDemo(t, db, nil)
		email := "kenji.watanabe@northwind.example"
		c := signedIn(t, links[email])
		_, acct, _ := fetch(t, c, "GET", a.base+"/account", nil)
		token := csrfRe.FindStringSubmatch(acct)[1]
		if st, body, _ := fetch(t, c, "POST", a.base+"/account/password", url.Values{"csrf": {token}, "password": {"short"}}); st != 422 ||
			!strings.Contains(body, "at least 12 characters") {
			t.Fatalf("a short password: %d %.300s", st, body)
		}
		if st, _, _ := fetch(t, c, "POST", a.base+"/account/password", url.Values{"password": {"correct horse battery staple"}}); st != 403 {
			t.Fatalf("setting a password without the CSRF token: %d", st)
		}
		if st, body, _ := fetch(t, c, "POST", a.base+"/account/password", url.Values{"csrf": {token}, "password": {"correct horse battery staple"}}); st != 200 ||
			!strings.Contains(body, "Your password is set") {
			t.Fatalf("set a password: %d %.300s", st, body)
		}

		signIn := func(email, password string) (int, string, http.Header) {
			return fetch(t, browserClient(t), "POST", a.base+"/signin/password", url.Values{"email": {email}, "password": {password}})
		}
		st, _, h := signIn(email, "correct horse battery staple")
		if st != 303 || !strings.Contains(h.Get("Set-Cookie"), "quotient_session=qss_") {
			t.Fatalf("sign in with the password: %d %v", st, h)
		}
		_, wrong, _ := signIn(email, "wrong horse battery staple")
		_, stranger, _ := signIn("nobody@example.com", "wrong horse battery staple")
		if !strings.Contains(wrong, "The e-mail address or the password is wrong") ||
			strings.ReplaceAll(wrong, email, "X") != strings.ReplaceAll(stranger, "nobody@example.com", "X") {
			t.Fatalf("a wrong password and an unknown address answer differently")
		}
		for range 4 {
			signIn(email, "wrong horse battery staple")
		}
		if st, body, _ := signIn(email, "correct horse battery staple"); st != 429 || !strings.Contains(body, "Too many failed sign-ins for this account") {
			t.Fatalf("after five failures: %d %.300s", st, body)
		}

		// Sign out everywhere: this session and the password's both end.
		other := signedIn(t, links["daniel.reyes@northwind.example"])
		if st, body, _ := fetch(t, c, "POST", a.base+"/account/sessions/revoke", url.Values{"csrf": {token}}); st != 200 || !strings.Contains(body, "Every session of yours has ended") {
			t.Fatalf("sign out everywhere: %d %.200s", st, body)
		}
		if st, _, _ := fetch(t, c, "GET", a.base+"/", nil); st != 303 {
			t.Fatalf("a revoked session still works: %d", st)
		}
		if st, _, _ := fetch(t, other, "GET", a.base+"/", nil); st != 200 {
			t.Fatalf("another user's session ended too: %d", st)
		}
	})
}

// TestWorkspaceInvitation: an admin invites a user through the API; the
// e-mail (through the outbox and SMTP) carries a link that signs them in
// once; a rep may not invite; the link is never in the API's answer.
func TestWorkspaceInvitation(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		smtp := startSMTP(t)
		a := start(t, db, map[string]string{"QUOTIENT_SMTP_URL": "smtp://" + smtp.addr + "?tls=none", "QUOTIENT_WORKER_INTERVAL": "50ms"})
		tm := a.makeTeam()
		a.must(403, "POST", "/api/v1/users/"+tm.ids["Rep2"]+"/invitation", tm.rep, nil)
		inv := a.must(200, "POST", "/api/v1/users/"+tm.ids["Rep2"]+"/invitation", tm.admin, nil)
		if strings.Contains(string(inv.body), "qsl_") || as[server.InvitationJSON](t, inv).UserID != tm.ids["Rep2"] {
			t.Fatalf("the invitation's answer: %s", inv.body)
		}
		text, _ := parseMail(t, smtp.waitFor(t, "To: rep2@example.com"))
		link := regexp.MustCompile(`http://\S+/signin/qsl_\S+`).FindString(text)
		if link == "" || !strings.Contains(text, "set a password") {
			t.Fatalf("the invitation e-mail: %q", text)
		}
		c := browserClient(t)
		if st, _, _ := fetch(t, c, "POST", link, url.Values{}); st != 303 {
			t.Fatalf("the invitation's link: %d", st)
		}
		if _, body, _ := fetch(t, c, "GET", a.base+"/", nil); !strings.Contains(body, "Rep2") {
			t.Fatalf("home after the invitation: %.300s", body)
		}
	})
}

// TestWorkspaceSecondFactor: finance (like admins) must prove a
// time-based one-time code: the first sign-in sets up an authenticator
// app from the key the page shows; until a code is proven, every page
// leads to the code page; a wrong code is refused at the field; a code
// works once, so the next sign-in needs the next one. API tokens work as
// before.
func TestWorkspaceSecondFactor(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		a, links, toks := startDemo(t, db, nil)
		email := "sofia.lindqvist@northwind.example"
		c := signedIn(t, links[email])
		for _, path := range []string{"/", "/account", "/quotes/anything"} {
			if st, _, h := fetch(t, c, "GET", a.base+path, nil); st != 303 || h.Get("Location") != "/signin/code?next="+url.QueryEscape(path) {
				t.Fatalf("GET %s before the code: %d %v", path, st, h)
			}
		}
		st, body, _ := fetch(t, c, "GET", a.base+"/signin/code", nil)
		m := regexp.MustCompile(`id="totp-secret">([A-Z2-7]+)<`).FindStringSubmatch(body)
		if st != 200 || m == nil || !strings.Contains(body, "otpauth://totp/") {
			t.Fatalf("the set-up page: %d %.500s", st, body)
		}
		secret, token := m[1], csrfRe.FindStringSubmatch(body)[1]
		// The page draws the otpauth address it shows as a QR code to scan.
		uri := html.UnescapeString(regexp.MustCompile(`<code class="uri">(otpauth://[^<]+)</code>`).FindStringSubmatch(body)[1])
		qr, err := qrcode.New(uri, qrcode.Medium)
		if err != nil {
			t.Fatal(err)
		}
		dark := 0
		for _, row := range qr.Bitmap() {
			for _, on := range row {
				if on {
					dark++
				}
			}
		}
		if !strings.Contains(uri, "secret="+secret) || !strings.Contains(body, `<svg class="qr" role="img" aria-label="QR code of the key`) ||
			strings.Count(body, "h1v1h-1z") != dark {
			t.Fatalf("the QR code of %s: %d squares, want %d", uri, strings.Count(body, "h1v1h-1z"), dark)
		}
		if st, body, _ := fetch(t, c, "POST", a.base+"/signin/code", url.Values{"csrf": {token}, "code": {"000000"}}); st != 422 || !strings.Contains(body, "is not the code") {
			t.Fatalf("a wrong code: %d %.300s", st, body)
		}
		now := time.Now()
		if st, _, _ := fetch(t, c, "POST", a.base+"/signin/code", url.Values{"csrf": {token}, "code": {crm.TOTPCode(secret, now)}}); st != 303 {
			t.Fatalf("the right code: %d", st)
		}
		if st, _, _ := fetch(t, c, "GET", a.base+"/", nil); st != 200 {
			t.Fatalf("home after the code: %d", st)
		}
		a.must(200, "GET", "/api/v1/me", toks[email], nil)

		// The next sign-in (a password this time) asks for a code again;
		// the one just used does not work twice.
		_, acct, _ := fetch(t, c, "GET", a.base+"/account", nil)
		fetch(t, c, "POST", a.base+"/account/password", url.Values{"csrf": {csrfRe.FindStringSubmatch(acct)[1]}, "password": {"ledger lines balance daily"}})
		c2 := browserClient(t)
		if st, _, _ := fetch(t, c2, "POST", a.base+"/signin/password", url.Values{"email": {email}, "password": {"ledger lines balance daily"}}); st != 303 {
			t.Fatalf("password sign-in: %d", st)
		}
		_, body, _ = fetch(t, c2, "GET", a.base+"/signin/code", nil)
		if !strings.Contains(body, "Enter the six-digit code") || strings.Contains(body, "totp-secret") {
			t.Fatalf("the code page of a set-up user: %.400s", body)
		}
		token = csrfRe.FindStringSubmatch(body)[1]
		if st, _, _ := fetch(t, c2, "POST", a.base+"/signin/code", url.Values{"csrf": {token}, "code": {crm.TOTPCode(secret, now)}}); st != 422 {
			t.Fatalf("a code used twice: %d", st)
		}
		if st, _, _ := fetch(t, c2, "POST", a.base+"/signin/code", url.Values{"csrf": {token}, "code": {crm.TOTPCode(secret, now.Add(30*time.Second))}}); st != 303 {
			t.Fatalf("the next code: %d", st)
		}
	})
}

// TestWorkspaceApprovals: the approver's e-mail links to the inbox, which
// shows each quote waiting for them with the rule that fired, its figures
// and its lines; rejecting needs a comment (said on the page, nothing
// done); approving records the decision, says so, and empties the inbox;
// a rep's inbox is empty and their post changes nothing.
func TestWorkspaceApprovals(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		smtp := startSMTP(t)
		a, links, toks := startDemo(t, db, map[string]string{"QUOTIENT_SMTP_URL": "smtp://" + smtp.addr + "?tls=none", "QUOTIENT_WORKER_INTERVAL": "50ms"})
		priya := toks["priya.nair@northwind.example"]
		acc := page[server.AccountJSON](t, a.must(200, "GET", "/api/v1/accounts?q=acme", priya, nil))[0].ID
		product := page[server.ProductJSON](t, a.must(200, "GET", "/api/v1/products?q=edge", priya, nil))[0].ID
		q := as[server.QuoteJSON](t, a.must(201, "POST", "/api/v1/quotes", priya, map[string]any{"account_id": acc,
			"lines": []any{map[string]any{"product_id": product, "quantity": "3", "manual_discount_pct": "20"}}}))
		a.must(200, "POST", "/api/v1/quotes/"+q.ID+"/submit", priya, nil)
		// The demo's history e-mailed Daniel before; find the e-mail of this quote.
		text := mailTo(t, smtp, "daniel.reyes@northwind.example", q.Number)
		if !strings.Contains(text, a.base+"/approvals") {
			t.Fatalf("the approver's e-mail does not link to the inbox: %q", text)
		}

		rep := signedIn(t, links["priya.nair@northwind.example"])
		_, body, _ := fetch(t, rep, "GET", a.base+"/approvals", nil)
		if !strings.Contains(body, "Nothing waits for your approval") {
			t.Fatalf("the rep's inbox: %.300s", body)
		}
		if st, _, _ := fetch(t, rep, "POST", a.base+"/approvals/"+q.ID, url.Values{"csrf": {csrfRe.FindStringSubmatch(body)[1]}, "ruling": {"approved"}}); st != 422 {
			t.Fatalf("the rep approving their own quote: %d", st)
		}

		mgr := signedIn(t, links["daniel.reyes@northwind.example"])
		_, body, _ = fetch(t, mgr, "GET", a.base+"/approvals", nil)
		for _, want := range []string{q.Number, "Discount over 15%", "Priya Nair", "Edge 1U server"} {
			if !strings.Contains(body, want) {
				t.Fatalf("the manager's inbox lacks %q: %.800s", want, body)
			}
		}
		token := csrfRe.FindStringSubmatch(body)[1]
		if st, body, _ := fetch(t, mgr, "POST", a.base+"/approvals/"+q.ID, url.Values{"csrf": {token}, "ruling": {"rejected"}}); st != 422 || !strings.Contains(body, "comment") {
			t.Fatalf("a rejection without a comment: %d %.300s", st, body)
		}
		// 20 % off an edge server also thins the margin: finance decides
		// that rule, so the manager's approval leaves the quote waiting.
		if st, body, _ := fetch(t, mgr, "POST", a.base+"/approvals/"+q.ID, url.Values{"csrf": {token}, "ruling": {"approved"}, "comment": {"ok for Acme"}}); st != 200 ||
			!strings.Contains(body, "Quote "+q.Number+": your approval is recorded; it still waits for others") || !strings.Contains(body, "Nothing waits for your approval") {
			t.Fatalf("approve: %d %.700s", st, body[strings.Index(body, "<main"):])
		}
		decided := false
		for _, r := range page[server.ApprovalRequestJSON](t, a.must(200, "GET", "/api/v1/quotes/"+q.ID+"/approvals", priya, nil)) {
			decided = decided || (r.RuleName == "Discount over 15%" && r.Status == "approved" && r.Comment == "ok for Acme")
		}
		if !decided {
			t.Fatal("the manager's approval is not on the quote")
		}
	})
}

// TestWorkspaceAccounts: the accounts list filters by name, owner and
// segment (in the URL); the account 360 shows its owner everything about
// the customer (receivables, credit, open cases first, quotes, orders with
// their backorders, invoices) and a rep outside the account its contacts
// and opportunities only, as the API's reach has it.
func TestWorkspaceAccounts(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		a, links, toks := startDemo(t, db, nil)
		priya := toks["priya.nair@northwind.example"]
		acc := page[server.AccountJSON](t, a.must(200, "GET", "/api/v1/accounts?q=lumi", priya, nil))[0]
		a.must(201, "POST", "/api/v1/cases", priya, map[string]any{"account_id": acc.ID, "subject": "Switch rebooting nightly", "priority": "high"})
		c := signedIn(t, links["priya.nair@northwind.example"])
		_, list, _ := fetch(t, c, "GET", a.base+"/accounts?owner=me&segment=mid_market", nil)
		if !strings.Contains(list, "Lumière Retail SA") || strings.Contains(list, "株式会社さくらテック") || strings.Contains(list, "Acme Logistics") {
			t.Fatalf("Priya's mid-market accounts: %.600s", list[strings.Index(list, "<main"):])
		}
		st, body, _ := fetch(t, c, "GET", a.base+"/accounts/"+acc.ID, nil)
		for _, want := range []string{"Lumière Retail SA", "Receivable", "Credit available", "Switch rebooting nightly", "Opportunities", "SO-", "INV-", "Q-"} {
			if st != 200 || !strings.Contains(body, want) {
				t.Fatalf("the owner's account 360 lacks %q: %d %.900s", want, st, body[strings.Index(body, "<main"):])
			}
		}
		k := signedIn(t, links["kenji.watanabe@northwind.example"])
		st, body, _ = fetch(t, k, "GET", a.base+"/accounts/"+acc.ID, nil)
		if st != 200 || !strings.Contains(body, "Opportunities") || strings.Contains(body, "INV-") || strings.Contains(body, "Receivable") ||
			!strings.Contains(body, "are for the people who work it") {
			t.Fatalf("another rep's view of the account: %d %.900s", st, body[strings.Index(body, "<main"):])
		}
	})
}

// TestWorkspaceOrders: a rep follows their accepted quotes into orders:
// the list holds their accounts' orders only, an order's page says per
// line what is ordered, reserved, shipped and backordered, and another
// rep's order is the API's 404.
func TestWorkspaceOrders(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		a, links, toks := startDemo(t, db, nil)
		mine := page[server.OrderJSON](t, a.must(200, "GET", "/api/v1/orders?limit=200", toks["priya.nair@northwind.example"], nil))
		theirs := page[server.OrderJSON](t, a.must(200, "GET", "/api/v1/orders?limit=200", toks["kenji.watanabe@northwind.example"], nil))
		if len(mine) == 0 || len(theirs) == 0 {
			t.Fatalf("the demo's orders: %d and %d", len(mine), len(theirs))
		}
		c := signedIn(t, links["priya.nair@northwind.example"])
		_, list, _ := fetch(t, c, "GET", a.base+"/orders", nil)
		if !strings.Contains(list, mine[0].Number) || strings.Contains(list, theirs[0].Number) {
			t.Fatalf("Priya's orders page: %.600s", list[strings.Index(list, "<main"):])
		}
		full := as[server.OrderJSON](t, a.must(200, "GET", "/api/v1/orders/"+mine[0].ID, toks["priya.nair@northwind.example"], nil))
		st, body, _ := fetch(t, c, "GET", a.base+"/orders/"+mine[0].ID, nil)
		for _, want := range []string{mine[0].Number, "Reserved", "Shipped", "Backordered", full.Lines[0].SKU} {
			if st != 200 || !strings.Contains(body, want) {
				t.Fatalf("an order's page lacks %q: %d %.600s", want, st, body[strings.Index(body, "<main"):])
			}
		}
		if st, _, _ := fetch(t, c, "GET", a.base+"/orders/"+theirs[0].ID, nil); st != 404 {
			t.Fatalf("another rep's order: %d", st)
		}
	})
}

// TestWorkspacePipeline: a rep's home shows their month (quota, bookings,
// attainment, commission) and their open opportunities by stage with
// probability-weighted totals; moving one to another stage is a form (with
// the CSRF token and the version read) that the API's rules decide: a
// stale version is refused and said so, another rep's is refused.
func TestWorkspacePipeline(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		a, links, toks := startDemo(t, db, nil)
		priya := toks["priya.nair@northwind.example"]
		me := as[server.UserJSON](t, a.must(200, "GET", "/api/v1/me", priya, nil)).ID
		var opp server.OpportunityJSON
		for _, o := range page[server.OpportunityJSON](t, a.must(200, "GET", "/api/v1/opportunities?limit=200&owner_id="+me, priya, nil)) {
			if o.Stage == "prospecting" || o.Stage == "qualification" {
				opp = o
			}
		}
		if opp.ID == "" {
			t.Fatal("Priya has no early opportunity in the demo")
		}
		c := signedIn(t, links["priya.nair@northwind.example"])
		_, home, _ := fetch(t, c, "GET", a.base+"/", nil)
		for _, want := range []string{"My month", "Quota", "Attainment", "Commission payable", "My pipeline", opp.Name, "weighted by probability"} {
			if !strings.Contains(home, want) {
				t.Fatalf("the home page lacks %q", want)
			}
		}
		token := csrfRe.FindStringSubmatch(home)[1]
		move := func(cl *http.Client, tok string, version int) (int, string) {
			st, body, _ := fetch(t, cl, "POST", a.base+"/opportunities/"+opp.ID+"/stage", url.Values{"csrf": {tok}, "stage": {"negotiation"},
				"version": {fmt.Sprint(version)}})
			return st, body
		}
		if st, body := move(c, token, opp.Version); st != 200 || !strings.Contains(body, opp.Name+" moved to Negotiation") {
			t.Fatalf("move: %d %.400s", st, body[strings.Index(body, "<main"):])
		}
		if got := as[server.OpportunityJSON](t, a.must(200, "GET", "/api/v1/opportunities/"+opp.ID, priya, nil)); got.Stage != "negotiation" {
			t.Fatalf("the opportunity after the move: %s", got.Stage)
		}
		if st, body := move(c, token, opp.Version); st != 422 || !strings.Contains(body, "Someone changed that opportunity") {
			t.Fatalf("a stale move: %d", st)
		}
		k := signedIn(t, links["kenji.watanabe@northwind.example"])
		_, kh, _ := fetch(t, k, "GET", a.base+"/", nil)
		if st, _ := move(k, csrfRe.FindStringSubmatch(kh)[1], 0); st != 422 {
			t.Fatalf("another rep moving Priya's opportunity: %d", st)
		}
		if got := as[server.OpportunityJSON](t, a.must(200, "GET", "/api/v1/opportunities/"+opp.ID, priya, nil)); got.Stage != "negotiation" {
			t.Fatalf("the opportunity after another rep tried: %s", got.Stage)
		}
	})
}

// TestPipelineBoardInBrowser: home shows the rep's open opportunities as
// a board, a column per stage with its count and totals; a card dragged
// to another column moves there (through its own form, as the keyboard
// moves it), in place, and the API sees the new stage. The board passes
// axe-core before and after, and is kept as a screenshot.
func TestPipelineBoardInBrowser(t *testing.T) {
	t.Parallel()
	chromiumPath(t)
	storetest.Each(t, func(t *testing.T, db string) {
		a, links, toks := startDemo(t, db, nil)
		priya := toks["priya.nair@northwind.example"]
		me := as[server.UserJSON](t, a.must(200, "GET", "/api/v1/me", priya, nil)).ID
		var opp server.OpportunityJSON
		for _, o := range page[server.OpportunityJSON](t, a.must(200, "GET", "/api/v1/opportunities?limit=200&owner_id="+me, priya, nil)) {
			if o.Stage == "prospecting" || o.Stage == "qualification" || o.Stage == "proposal" {
				opp = o
			}
		}
		if opp.ID == "" {
			t.Fatal("Priya has no opportunity before negotiation in the demo")
		}
		rep := newWalker(t, "rep", 1280, 900)
		rep.signIn(links["priya.nair@northwind.example"])
		card := "#card-" + opp.ID
		rep.do("the board", chromedp.WaitVisible(chromedp.CSS(`[data-board] [data-stage="`+opp.Stage+`"] `+card)),
			chromedp.Evaluate[chromedp.Void](`window.sameDocument = true`))
		count := func(stage string) string {
			return rep.text(`[data-stage="` + stage + `"] .count`)
		}
		before := count("negotiation")
		if got := rep.text(`[data-stage="` + opp.Stage + `"] .column-total`); !strings.Contains(got, "weighted") {
			t.Fatalf("the column's totals: %q", got)
		}
		checkAccessible(t, rep.ctx, "the pipeline board")
		rep.shot("workspace-pipeline.png")
		rep.do("drag the card to negotiation", chromedp.Evaluate[chromedp.Void](`(() => {
			const card = document.querySelector('`+card+`'), col = document.querySelector('[data-board] [data-stage="negotiation"]'), dt = new DataTransfer();
			card.dispatchEvent(new DragEvent('dragstart', {bubbles: true, dataTransfer: dt}));
			col.dispatchEvent(new DragEvent('dragover', {bubbles: true, cancelable: true, dataTransfer: dt}));
			col.dispatchEvent(new DragEvent('drop', {bubbles: true, cancelable: true, dataTransfer: dt}));
			card.dispatchEvent(new DragEvent('dragend', {bubbles: true, dataTransfer: dt}));
		})()`))
		rep.until("the card is in negotiation", `window.sameDocument === true && document.querySelector('[data-stage="negotiation"] `+card+`') !== null &&
			document.querySelector('#notice').textContent.includes('moved to Negotiation')`)
		if got := as[server.OpportunityJSON](t, a.must(200, "GET", "/api/v1/opportunities/"+opp.ID, priya, nil)); got.Stage != "negotiation" {
			t.Fatalf("the opportunity after the drag: %s", got.Stage)
		}
		var n, m int
		fmt.Sscan(before, &n)
		fmt.Sscan(count("negotiation"), &m)
		if m != n+1 {
			t.Fatalf("negotiation's count: %s then %d", before, m)
		}
		// Dropping a card on its own column does nothing.
		rep.do("drop it where it is", chromedp.Evaluate[chromedp.Void](`(() => {
			const card = document.querySelector('`+card+`'), col = card.closest('[data-stage]'), dt = new DataTransfer();
			card.dispatchEvent(new DragEvent('dragstart', {bubbles: true, dataTransfer: dt}));
			col.dispatchEvent(new DragEvent('drop', {bubbles: true, cancelable: true, dataTransfer: dt}));
			card.dispatchEvent(new DragEvent('dragend', {bubbles: true, dataTransfer: dt}));
		})()`))
		rep.settled()
		if got := as[server.OpportunityJSON](t, a.must(200, "GET", "/api/v1/opportunities/"+opp.ID, priya, nil)); got.Version != opp.Version+1 {
			t.Fatalf("a drop on its own column changed the opportunity: version %d", got.Version)
		}
		checkAccessible(t, rep.ctx, "the board after a move")
	})
}
