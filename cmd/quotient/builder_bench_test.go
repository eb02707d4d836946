package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/quotient-cpq/quotient/server"
	"github.com/quotient-cpq/quotient/store/storetest"
)

// largeQuote starts the demo and makes a 1,000-line draft for Priya (the
// demo's products in turn, its rulebook, its taxes); it returns the
// server, the quote and her sign-in link.
func largeQuote(tb testing.TB, db string, lines int) (*instance, server.QuoteJSON, string) {
	tb.Helper()
	a := start(tb, db, map[string]string{"QUOTIENT_BOOTSTRAP_TOKEN": ""}, "serve", "--demo")
	out := a.out.String()
	priya := demoTokens(tb, out)["priya.nair@northwind.example"]
	link := demoLinks(tb, out)["priya.nair@northwind.example"]
	acc := demoAccount(tb, a, priya, "acme")
	var plain []string
	for _, p := range page[server.ProductJSON](tb, a.must(200, "GET", "/api/v1/products?limit=100&active=true", priya, nil)) {
		if len(p.Attributes) == 0 && len(p.Components) == 0 {
			plain = append(plain, p.ID)
		}
	}
	ls := make([]any, lines)
	for i := range ls {
		ls[i] = map[string]any{"product_id": plain[i%len(plain)], "quantity": fmt.Sprint(1 + i%7)}
	}
	return a, as[server.QuoteJSON](tb, a.must(201, "POST", "/api/v1/quotes", priya, map[string]any{"account_id": acc, "lines": ls})), link
}

// builderSession signs in with link and returns the session and its
// CSRF token, read off the quote's page.
func builderSession(tb testing.TB, a *instance, q server.QuoteJSON, link string) (*http.Client, string) {
	tb.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: time.Minute, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if res, err := c.PostForm(link, url.Values{}); err != nil || res.StatusCode != 303 {
		tb.Fatalf("sign in: %v %v", res, err)
	}
	res, err := c.Get(a.base + "/quotes/" + q.ID)
	if err != nil {
		tb.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := csrfRe.FindSubmatch(body)
	if res.StatusCode != 200 || m == nil {
		tb.Fatalf("the builder: %d %.300s", res.StatusCode, body)
	}
	return c, string(m[1])
}

// BenchmarkBuilderLineEdit measures the quote builder's one-line edit on
// a 1,000-line quote, as the browser sends it (htmx): change line 500's
// quantity, which prices all 1,000 lines again with the demo's rulebook,
// stores the version (only the changed line's row is rewritten) and
// answers with that line, the totals and the figures. Server time seen
// by a client on loopback; p50 and p95 are reported per database.
func BenchmarkBuilderLineEdit(b *testing.B) {
	for name, dbURL := range benchTargets(b) {
		b.Run(name, func(b *testing.B) {
			a, q, link := largeQuote(b, dbURL(b), 1000)
			c, csrf := builderSession(b, a, q, link)
			product := q.Lines[499].ProductID
			var took []time.Duration
			i := 0
			b.ResetTimer()
			for b.Loop() {
				i++
				form := url.Values{"csrf": {csrf}, "version": {"1"}, "product_id": {product}, "quantity": {fmt.Sprint(2 + i%5)}, "discount_pct": {"0"}}
				req, _ := http.NewRequest("POST", a.base+"/quotes/"+q.ID+"/lines/500", strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("HX-Request", "true")
				t0 := time.Now()
				res, err := c.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				body, _ := io.ReadAll(res.Body)
				res.Body.Close()
				took = append(took, time.Since(t0))
				if res.StatusCode != 200 || !strings.Contains(string(body), `id="line-500"`) || !strings.Contains(string(body), `id="totals"`) {
					b.Fatalf("edit: %d %.300s", res.StatusCode, body)
				}
			}
			slices.Sort(took)
			b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(took[len(took)*95/100].Microseconds())/1000, "p95-ms")
		})
	}
}

// TestLargeQuoteInBrowser edits line 500 of a 1,000-line quote in
// chromium: the builder shows it on page 10 of 20, the edit re-prices the
// quote and the page shows the new total without reloading.
func TestLargeQuoteInBrowser(t *testing.T) {
	t.Parallel()
	chromiumPath(t)
	storetest.Each(t, func(t *testing.T, db string) {
		a, q, link := largeQuote(t, db, 1000)
		rep := newWalker(t, "rep", 1280, 900)
		rep.signIn(link)
		rep.do("open page 10", chromedp.Navigate(a.base+"/quotes/"+q.ID+"?page=10"), chromedp.WaitVisible(chromedp.CSS("#qty-500")))
		if n := get(rep, "count the lines shown", chromedp.Evaluate[int](`document.querySelectorAll('tbody.line').length`)); n != 50 {
			t.Fatalf("page 10 shows %d lines", n)
		}
		before := rep.text("#quote-total")
		rep.do("mark the page", chromedp.Evaluate[chromedp.Void](`window.sameDocument = true`))
		rep.do("change line 500", chromedp.SetValue(chromedp.CSS("#qty-500"), "40"), chromedp.Click(chromedp.CSS("#save-500")))
		rep.until("the new total", `window.sameDocument === true && document.querySelector('#quote-total').textContent !== `+jsString(before))
		after := as[server.QuoteJSON](t, a.must(200, "GET", "/api/v1/quotes/"+q.ID, demoTokens(t, a.out.String())["priya.nair@northwind.example"], nil))
		if got := strings.NewReplacer("$", "", ",", "").Replace(rep.text("#quote-total")); got != after.Total || after.Lines[499].Quantity != "40" {
			t.Fatalf("the page says %s; the API says %s with line 500 at %s", got, after.Total, after.Lines[499].Quantity)
		}
		checkAccessible(t, rep.ctx, "page 10 of a 1,000-line quote")
	})
}
