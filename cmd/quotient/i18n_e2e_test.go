package main

import (
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/quotient-cpq/quotient/pricing"
	"github.com/quotient-cpq/quotient/server"
	"github.com/quotient-cpq/quotient/store/storetest"
)

// mailTo waits for an e-mail to an address whose text contains want, and
// returns its text.
func mailTo(t *testing.T, smtp *smtpServer, to, want string) string {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		smtp.mu.Lock()
		msgs := append([]string(nil), smtp.msgs...)
		smtp.mu.Unlock()
		for _, m := range msgs {
			if strings.Contains(m, "To: "+to) {
				if body, _ := parseMail(t, m); strings.Contains(body, want) {
					return body
				}
			}
		}
	}
	t.Fatalf("no e-mail to %s with %q within 15 s", to, want)
	return ""
}

// TestWorkspaceLanguages: the workspace speaks the browser's language
// before anyone signs in and the user's setting after (PATCH /me or the
// account page); every page, message, problem and e-mail of a Japanese
// user is Japanese, with money in the document's currency and the user's
// formats; a user who chooses German formats reads English words with
// German numbers; a locale the workspace does not offer changes nothing.
func TestWorkspaceLanguages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		smtp := startSMTP(t)
		a, links, toks := startDemo(t, db, map[string]string{"QUOTIENT_SMTP_URL": "smtp://" + smtp.addr + "?tls=none", "QUOTIENT_WORKER_INTERVAL": "50ms"})
		kenjiEmail, danielEmail := "kenji.watanabe@northwind.example", "daniel.reyes@northwind.example"
		kenji, daniel := toks[kenjiEmail], toks[danielEmail]

		// Before signing in: the browser's language.
		anon := browserClient(t)
		st, body, h := fetch(t, anon, "GET", a.base+"/signin", nil, "Accept-Language", "ja-JP,ja;q=0.9,en;q=0.8")
		if st != 200 || !strings.Contains(body, `<html lang="ja">`) || !strings.Contains(body, "Quotient にサインイン") || h.Get("Content-Language") != "ja" {
			t.Fatalf("the sign-in page for a Japanese browser: %d %v %.300s", st, h.Get("Content-Language"), body)
		}
		if _, body, _ := fetch(t, anon, "GET", a.base+"/signin", nil, "Accept-Language", "de-DE,de;q=0.9"); !strings.Contains(body, `<html lang="en">`) ||
			!strings.Contains(body, "Sign in to Quotient") {
			t.Fatalf("the sign-in page for a German browser is not English: %.300s", body)
		}
		if _, body, _ := fetch(t, anon, "POST", a.base+"/signin", url.Values{"email": {"nobody"}}, "Accept-Language", "ja"); !strings.Contains(body,
			"name@example.com のようなメールアドレスを入力してください") {
			t.Fatalf("a sign-in problem in Japanese: %.500s", body)
		}

		// Kenji and his manager choose Japanese through the API.
		for _, tok := range []string{kenji, daniel} {
			if got := a.must(200, "PATCH", "/api/v1/me", tok, map[string]any{"locale": "ja-JP"}).json(t)["locale"]; got != "ja-JP" {
				t.Fatalf("PATCH /me: %v", got)
			}
		}
		// The sign-in link's e-mail speaks his language.
		fetch(t, anon, "POST", a.base+"/signin", url.Values{"email": {kenjiEmail}})
		if text := mailTo(t, smtp, kenjiEmail, "/signin/qsl_"); !strings.Contains(text, "Quotient ワークスペースにサインインできます") {
			t.Fatalf("the sign-in e-mail is not Japanese: %q", text)
		}

		// His pages are Japanese whatever the browser says; money is the
		// account's yen.
		c := signedIn(t, links[kenjiEmail])
		_, home, _ := fetch(t, c, "GET", a.base+"/", nil, "Accept-Language", "en-US")
		for _, want := range []string{`<html lang="ja">`, "パイプライン", "進行中の見積", "サインアウト", "ノルマ"} {
			if !strings.Contains(home, want) {
				t.Fatalf("Kenji's home lacks %q: %.1500s", want, home)
			}
		}
		if !regexp.MustCompile(`¥[0-9]{1,3}(,[0-9]{3})+<`).MatchString(home) || strings.Contains(home, "JPY 1") {
			t.Fatalf("Kenji's pipeline does not show yen as ¥1,234: %.2000s", home[strings.Index(home, "<main"):])
		}
		acc := demoAccount(t, a, kenji, "さくら")
		_, page360, _ := fetch(t, c, "GET", a.base+"/accounts/"+acc, nil)
		token := csrfRe.FindStringSubmatch(page360)[1]
		st, body, _ = fetch(t, c, "POST", a.base+"/accounts/"+acc+"/contacts", url.Values{"csrf": {token}, "name": {""}, "email": {"a@b.example"}})
		if st != 422 || !strings.Contains(body, "名前は必須です") || !strings.Contains(body, "連絡先は追加されませんでした") {
			t.Fatalf("a problem in Japanese: %d %.600s", st, body[strings.Index(body, "<main"):])
		}
		st, body, _ = fetch(t, c, "POST", a.base+"/accounts", url.Values{"csrf": {token}, "name": {"富士精機"}, "currency": {"JPY"},
			"billing_address.country": {"日本"}})
		if st != 422 || !strings.Contains(body, "取引先は作成されませんでした：請求先住所の国は US や JP のような ISO 3166-1 の 2 文字コードにしてください") {
			t.Fatalf("an account's problem in Japanese: %d %.600s", st, body[strings.Index(body, "<main"):])
		}
		if st, body, _ := fetch(t, c, "GET", a.base+"/quotes/qte_nothing", nil); st != 404 || !strings.Contains(body, "見つかりません") {
			t.Fatalf("the 404 page in Japanese: %d %.300s", st, body)
		}

		// A quote with a discount that needs approval: the manager's
		// e-mail is Japanese, with the total in yen.
		product := page[server.ProductJSON](t, a.must(200, "GET", "/api/v1/products?q=edge", kenji, nil))[0].ID
		q := as[server.QuoteJSON](t, a.must(201, "POST", "/api/v1/quotes", kenji, map[string]any{"account_id": acc,
			"lines": []any{map[string]any{"product_id": product, "quantity": "3", "manual_discount_pct": "20"}}}))
		a.must(200, "POST", "/api/v1/quotes/"+q.ID+"/submit", kenji, nil)
		text := mailTo(t, smtp, danielEmail, q.Number)
		if !strings.Contains(text, "承認依頼です") || !regexp.MustCompile(`合計 ¥[0-9,]+、値引率 [0-9.]+%`).MatchString(text) {
			t.Fatalf("the approver's e-mail is not Japanese with yen: %q", text)
		}
		// The quote's e-mail to a Japanese customer is Japanese too.
		plain := as[server.QuoteJSON](t, a.must(201, "POST", "/api/v1/quotes", kenji, map[string]any{"account_id": acc,
			"lines": []any{map[string]any{"product_id": product, "quantity": "1"}}}))
		a.must(200, "POST", "/api/v1/quotes/"+plain.ID+"/submit", kenji, nil)
		a.must(200, "POST", "/api/v1/quotes/"+plain.ID+"/send", kenji, map[string]any{"to": "kobayashi@sakura.example"})
		if text := mailTo(t, smtp, "kobayashi@sakura.example", plain.Number); !strings.Contains(text, "御見積書 "+plain.Number) ||
			!regexp.MustCompile(`合計：¥[0-9,]+\n`).MatchString(text) || !strings.Contains(text, "年") {
			t.Fatalf("the customer's e-mail is not Japanese: %q", text)
		}
		_, qp, _ := fetch(t, c, "GET", a.base+"/quotes/"+q.ID, nil)
		for _, want := range []string{"見積 " + q.Number, "承認待ち", "適用された承認ルール", "明細（1件）", "この価格の理由"} {
			if !strings.Contains(qp, want) {
				t.Fatalf("the quote page lacks %q: %.1500s", want, qp[strings.Index(qp, "<main"):])
			}
		}

		// The waterfall of a configured server, a bundle, a schedule, rules
		// and discounts: every detail the engine writes reads back into one
		// of its formats, and the Japanese page says each in Japanese.
		find := func(q string) string {
			return page[server.ProductJSON](t, a.must(200, "GET", "/api/v1/products?q="+q, kenji, nil))[0].ID
		}
		rich := a.must(201, "POST", "/api/v1/quotes", kenji, map[string]any{"account_id": acc, "header_discount_pct": "2", "lines": []any{
			map[string]any{"product_id": find("SRV-ATLAS-R2"), "quantity": "6", "manual_discount_pct": "5",
				"configuration": map[string]any{"cpu": "c32", "memory": "m128", "storage_tb": "8", "support_tier": "business", "redundant_psu": true}},
			map[string]any{"product_id": find("BND-DC-STARTER"), "quantity": "1"}}})
		details := regexp.MustCompile(`"detail":"((?:[^"\\]|\\.)*)"`).FindAllStringSubmatch(string(rich.body), -1)
		if len(details) < 10 {
			t.Fatalf("the rich quote's trace has %d details: %.800s", len(details), rich.body)
		}
		for _, m := range details {
			var text string
			if err := json.Unmarshal([]byte(`"`+m[1]+`"`), &text); err != nil {
				t.Fatal(err)
			}
			if _, _, ok := pricing.ParseDetail(text); !ok {
				t.Errorf("the engine wrote %q, in none of pricing.TraceFormats", text)
			}
		}
		_, rp, _ := fetch(t, c, "GET", a.base+"/quotes/"+rich.str(t, "id"), nil)
		for _, want := range []string{"加算", "単価 × 数量", "担当者による 5% 値引", "見積全体の値引 2%", "最大剰余法"} {
			if !strings.Contains(rp, want) {
				t.Errorf("the Japanese waterfall lacks %q", want)
			}
		}
		for _, english := range []string{" adds ", "rounded to", "off by the rep", "largest remainder", "condition false", "were not evaluated"} {
			if strings.Contains(rp, english) {
				t.Errorf("the Japanese waterfall says %q in English", english)
			}
		}

		// The account page: German formats, English words; a locale not
		// on offer is refused and changes nothing.
		_, acct, _ := fetch(t, c, "GET", a.base+"/account", nil)
		token = csrfRe.FindStringSubmatch(acct)[1]
		if st, body, _ := fetch(t, c, "POST", a.base+"/account/locale", url.Values{"csrf": {token}, "locale": {"xx-YY"}}); st != 422 ||
			!strings.Contains(body, "言語は変更されませんでした") {
			t.Fatalf("a locale not on offer: %d %.500s", st, body)
		}
		if got := a.must(200, "GET", "/api/v1/me", kenji, nil).json(t)["locale"]; got != "ja-JP" {
			t.Fatalf("after a refused change the locale is %v", got)
		}
		if st, body, _ := fetch(t, c, "POST", a.base+"/account/locale", url.Values{"csrf": {token}, "locale": {"de-DE"}}); st != 200 ||
			!strings.Contains(body, "Your language and formats are saved.") || !strings.Contains(body, `<html lang="en">`) {
			t.Fatalf("German formats: %d %.500s", st, body)
		}
		_, home, _ = fetch(t, c, "GET", a.base+"/", nil)
		if !regexp.MustCompile(`[0-9]{1,3}(\.[0-9]{3})+\x{a0}¥<`).MatchString(home) || !strings.Contains(home, "My pipeline") {
			t.Fatalf("German formats on an English page: %.2000s", home[strings.Index(home, "<main"):])
		}
		// Back to the browser's language.
		fetch(t, c, "POST", a.base+"/account/locale", url.Values{"csrf": {token}, "locale": {""}})
		if _, home, _ := fetch(t, c, "GET", a.base+"/", nil, "Accept-Language", "ja"); !strings.Contains(home, "パイプライン") {
			t.Fatal("with no setting, the browser's Japanese decides")
		}
	})
}

// TestJapaneseWorkspaceInBrowser: in chromium, a rep chooses Japanese on
// the account page and the workspace answers in it at once; the home
// page, the account 360 and the builder are Japanese with yen as ¥1,234,
// an in-place line edit says what changed in Japanese and prices the
// quote again, and every page passes axe-core. Each is kept as a
// screenshot.
func TestJapaneseWorkspaceInBrowser(t *testing.T) {
	t.Parallel()
	chromiumPath(t)
	storetest.Each(t, func(t *testing.T, db string) {
		a, links, toks := startDemo(t, db, nil)
		kenji := toks["kenji.watanabe@northwind.example"]
		acc := demoAccount(t, a, kenji, "さくら")
		product := page[server.ProductJSON](t, a.must(200, "GET", "/api/v1/products?q=edge", kenji, nil))[0].ID
		q := as[server.QuoteJSON](t, a.must(201, "POST", "/api/v1/quotes", kenji, map[string]any{"account_id": acc,
			"lines": []any{map[string]any{"product_id": product, "quantity": "2"}}}))

		w := newWalker(t, "kenji", 1280, 900)
		w.signIn(links["kenji.watanabe@northwind.example"])
		w.do("open the account page", chromedp.Navigate(a.base+"/account"), chromedp.WaitVisible(chromedp.CSS("#locale")))
		w.do("choose Japanese", chromedp.SetValue(chromedp.CSS("#locale"), "ja-JP"), chromedp.Click(chromedp.CSS("#save-locale")),
			chromedp.WaitVisible(chromedp.CSS("[role=status]")))
		if got := w.text("[role=status]"); got != "言語と表示形式を保存しました。" {
			t.Fatalf("after choosing Japanese the page says %q", got)
		}
		if lang := get(w, "the page's language", chromedp.Evaluate[string](`document.documentElement.lang`)); lang != "ja" {
			t.Fatalf("the page's lang is %q", lang)
		}
		checkAccessible(t, w.ctx, "the account page in Japanese")

		w.do("open home", chromedp.Navigate(a.base+"/"), chromedp.WaitVisible(chromedp.CSS("#pipeline")))
		if h := w.text("#pipeline-h"); h != "パイプライン" {
			t.Fatalf("the pipeline's heading: %q", h)
		}
		if !regexp.MustCompile(`¥[0-9]{1,3}(,[0-9]{3})+`).MatchString(w.text("#pipeline")) {
			t.Fatalf("the pipeline's amounts: %q", w.text("#pipeline"))
		}
		checkAccessible(t, w.ctx, "home in Japanese")
		w.shot("workspace-ja-home.png")

		w.do("open the account 360", chromedp.Navigate(a.base+"/accounts/"+acc), chromedp.WaitVisible(chromedp.CSS("h1")))
		if body := w.text("main"); !strings.Contains(body, "商談") || !strings.Contains(body, "売掛金") {
			t.Fatalf("the account 360 in Japanese: %.800s", body)
		}
		checkAccessible(t, w.ctx, "the account 360 in Japanese")

		for _, path := range []string{"/accounts/new", "/accounts/" + acc + "/edit"} {
			w.do("open "+path, chromedp.Navigate(a.base+path), chromedp.WaitVisible(chromedp.ID("save-account")))
			if body := w.text("main"); !strings.Contains(body, "請求先住所") {
				t.Fatalf("%s in Japanese: %.500s", path, body)
			}
			checkAccessible(t, w.ctx, path+" in Japanese")
		}
		w.do("open the builder", chromedp.Navigate(a.base+"/quotes/"+q.ID), chromedp.WaitVisible(chromedp.CSS("#qty-1")))
		if h1 := w.text("h1"); !strings.Contains(h1, "見積 "+q.Number) || !strings.Contains(h1, "下書き") {
			t.Fatalf("the builder's heading: %q", h1)
		}
		before := w.text("#quote-total")
		if !regexp.MustCompile(`^¥[0-9,]+$`).MatchString(before) {
			t.Fatalf("the total is not yen as ¥1,234: %q", before)
		}
		w.do("mark the page", chromedp.Evaluate[chromedp.Void](`window.sameDocument = true`))
		w.do("five servers", chromedp.SetValue(chromedp.CSS("#qty-1"), "5"), chromedp.Click(chromedp.CSS("#save-1")))
		w.until("the total changes in place", `window.sameDocument === true && document.querySelector('#quote-total').textContent !== `+jsString(before))
		if st := w.text("#notice"); !strings.Contains(st, "明細1を変更しました") || !strings.Contains(st, "見積を再計算しました") {
			t.Fatalf("after the edit the page says %q", st)
		}
		w.do("open the waterfall", chromedp.Click(chromedp.CSS("#trace-1 summary")), chromedp.WaitVisible(chromedp.CSS("#trace-1 ol")))
		if tr := w.text("#trace-1 ol"); !strings.Contains(tr, "定価") || !strings.Contains(tr, "税") {
			t.Fatalf("the waterfall in Japanese: %q", tr)
		}
		w.do("a quantity that is not a number", chromedp.SetValue(chromedp.CSS("#qty-1"), "many"), chromedp.Click(chromedp.CSS("#save-1")))
		w.until("the problem shows at the line", `document.querySelector('#line-1-error') !== null`)
		if e := w.text("#line-1-error"); !strings.HasPrefix(e, "数量は") {
			t.Fatalf("the line's problem: %q", e)
		}
		checkAccessible(t, w.ctx, "the builder in Japanese")
		w.shot("workspace-ja-builder.png")
		// The history says what happened in Japanese too.
		w.do("reload the builder", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("ol.timeline")))
		if h := w.text("ol.timeline"); !strings.Contains(h, "明細1を変更、合計") || !strings.Contains(h, "明細 1 件、合計") || strings.Contains(h, "line(s)") {
			t.Fatalf("the history in Japanese: %q", h)
		}
	})
}
