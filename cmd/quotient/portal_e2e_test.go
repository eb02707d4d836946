package main

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/quotient-cpq/quotient/quote"
	"github.com/quotient-cpq/quotient/store/storetest"
)

const testSecret = "portal-secret-for-tests-0123456789"

// parseMail returns an e-mail's text and attachments.
func parseMail(t *testing.T, raw string) (string, map[string][]byte) {
	t.Helper()
	m, err := mail.ReadMessage(strings.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	_, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	mr := multipart.NewReader(m.Body, params["boundary"])
	text, files := "", map[string][]byte{}
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		enc, _ := io.ReadAll(p)
		dec, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(string(enc), "\r\n", ""))
		if err != nil {
			t.Fatal(err)
		}
		if p.FileName() != "" {
			files[p.FileName()] = dec
		} else {
			text = string(dec)
		}
	}
	return text, files
}

// sentQuote makes an account with a contact, an opportunity and an
// approved quote on a fresh product, as the rep.
func sentQuoteFixture(t *testing.T, a *instance, tm team, sku string) (quoteID, oppID string) {
	t.Helper()
	p := serverProduct()
	p["sku"] = sku
	srv := a.must(201, "POST", "/api/v1/products", tm.admin, p).str(t, "id")
	books := a.must(200, "GET", "/api/v1/price-books?currency=USD", tm.admin, nil).list(t)
	var book string
	if len(books) == 0 {
		book = a.must(201, "POST", "/api/v1/price-books", tm.admin, map[string]any{"name": "USD", "currency": "USD", "is_default": true}).str(t, "id")
	} else {
		book = books[0]["id"].(string)
	}
	a.must(201, "POST", "/api/v1/price-books/"+book+"/entries", tm.admin, map[string]any{"product_id": srv, "unit_price": "1000"})
	acc := a.must(201, "POST", "/api/v1/accounts", tm.rep, map[string]any{"name": "株式会社ポータル " + sku, "currency": "USD"}).str(t, "id")
	con := a.must(201, "POST", "/api/v1/accounts/"+acc+"/contacts", tm.rep, map[string]any{"name": "山田 太郎", "email": "taro@portal.example"}).str(t, "id")
	oppID = a.must(201, "POST", "/api/v1/opportunities", tm.rep, map[string]any{"account_id": acc, "name": "Deal " + sku, "close_date": "2027-01-31"}).str(t, "id")
	// The rep configures the product, quotes it, re-prices and submits.
	cfg := map[string]any{"cpu": "c8", "disk_tb": "8"}
	if c := a.must(200, "POST", "/api/v1/products/"+srv+"/configure", tm.rep, map[string]any{"account_id": acc, "configuration": cfg}).json(t); c["valid"] != true {
		t.Fatalf("configure: %v", c)
	}
	quoteID = a.must(201, "POST", "/api/v1/quotes", tm.rep, map[string]any{"opportunity_id": oppID, "contact_id": con,
		"lines": []any{map[string]any{"product_id": srv, "quantity": "3", "configuration": cfg}}}).str(t, "id")
	a.must(200, "POST", "/api/v1/quotes/"+quoteID+"/price", tm.rep, nil)
	st := a.must(200, "POST", "/api/v1/quotes/"+quoteID+"/submit", tm.rep, nil).json(t)["quote"].(map[string]any)["status"]
	if st == "pending_approval" { // an approval rule matched: the rep's manager decides
		st = a.must(200, "POST", "/api/v1/quotes/"+quoteID+"/approve", tm.manager, map[string]any{"comment": "ok"}).json(t)["quote"].(map[string]any)["status"]
	}
	if st != "approved" {
		t.Fatalf("submit: %v", st)
	}
	return quoteID, oppID
}

// form posts an HTML form to the portal like a browser.
func (a *instance) form(path string, vals url.Values) resp {
	a.t.Helper()
	res, err := a.client.Post(a.base+path, "application/x-www-form-urlencoded", strings.NewReader(vals.Encode()))
	if err != nil {
		a.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{status: res.StatusCode, header: res.Header, body: b}
}

func TestSendPortalAcceptReject(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		smtp := startSMTP(t)
		a := start(t, db, map[string]string{"QUOTIENT_SMTP_URL": "smtp://" + smtp.addr + "?tls=none", "QUOTIENT_WORKER_INTERVAL": "50ms",
			"QUOTIENT_SECRET": testSecret, "QUOTIENT_MAIL_FROM": "Sales <sales@northwind.example>"})
		tm := a.makeTeam()
		// Every quote of $3,000 or more needs the rep's manager.
		a.must(201, "POST", "/api/v1/approval-rules", tm.admin, map[string]any{"name": "Manager approves", "condition": "quote.total >= 3000", "approver_kind": "manager"})
		id, opp := sentQuoteFixture(t, a, tm, "SRV-P1")
		if apps := a.must(200, "GET", "/api/v1/quotes/"+id+"/approvals", tm.rep, nil).list(t); len(apps) != 1 || apps[0]["status"] != "approved" {
			t.Fatalf("approvals: %v", apps)
		}

		a.must(403, "POST", "/api/v1/quotes/"+id+"/revise", tm.outsider, nil) // not their quote
		sent := a.must(200, "POST", "/api/v1/quotes/"+id+"/send", tm.rep, map[string]any{"message": "As discussed."}).json(t)
		link, _ := sent["portal_url"].(string)
		sha := sent["send"].(map[string]any)["pdf_sha256"].(string)
		if sent["status"] != "sent" || !strings.Contains(link, "/portal/quotes/") || len(sha) != 64 {
			t.Fatalf("send: %v", sent)
		}
		a.must(409, "POST", "/api/v1/quotes/"+id+"/send", tm.rep, nil)                                 // only approved versions
		a.must(409, "PATCH", "/api/v1/quotes/"+id, tm.rep, map[string]any{"notes": "edit a sent one"}) // a sent version is frozen

		// The e-mail arrives with the link and the PDF the portal serves.
		text, files := parseMail(t, smtp.wait(t, 0))
		pdf := files[sent["number"].(string)+"-v1.pdf"]
		sum := sha256.Sum256(pdf)
		if !strings.Contains(text, link) || !strings.Contains(text, "As discussed.") || hex.EncodeToString(sum[:]) != sha {
			t.Fatalf("e-mail: text %q, pdf hash %x vs %s", text, sum, sha)
		}
		// The worker records the delivery just after the server took the
		// message: wait for it (bounded).
		for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			d := a.must(200, "GET", "/api/v1/quotes/"+id+"/delivery", tm.rep, nil).json(t)["deliveries"].([]any)
			if d[0].(map[string]any)["status"] == "sent" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("delivery: %v", d)
			}
		}
		path := strings.TrimPrefix(link, a.base)
		page := a.must(200, "GET", path, "", nil)
		if !strings.Contains(string(page.body), sent["number"].(string)) || !strings.Contains(string(page.body), `name="signer_name"`) {
			t.Fatalf("portal page: %.300s", page.body)
		}
		got := a.must(200, "GET", path+"/pdf", "", nil).body
		if s := sha256.Sum256(got); hex.EncodeToString(s[:]) != sha {
			t.Fatal("portal PDF differs from the one sent")
		}

		// Forged, tampered and expired links all get the same 404 page.
		exp := quote.SignToken([]byte(testSecret), id, 1, time.Now().Add(-time.Hour))
		other := quote.SignToken([]byte("another-secret-entirely-0123456"), id, 1, time.Now().Add(time.Hour))
		token := strings.TrimPrefix(path, "/portal/quotes/")
		tampered := token[:len(token)-2] + map[bool]string{true: "AA", false: "BB"}[!strings.HasSuffix(token, "AA")]
		var notFound []byte
		for _, bad := range []string{"nonsense", exp, other, tampered} {
			r := a.must(404, "GET", "/portal/quotes/"+bad, "", nil)
			if notFound != nil && string(r.body) != string(notFound) {
				t.Fatal("bad links get different pages")
			}
			notFound = r.body
			a.must(404, "POST", "/portal/quotes/"+bad+"/accept", "", map[string]any{"signer_name": "x", "signer_email": "x@y.example", "accept": true})
		}

		// Accept: the box is required; then recorded, idempotent, and the
		// opportunity is won with the quote's total.
		vals := url.Values{"signer_name": {"山田 太郎"}, "signer_email": {"taro@portal.example"}}
		if r := a.form(path+"/accept", vals); r.status != 422 || !strings.Contains(string(r.body), "tick the box") {
			t.Fatalf("accept without the box: %d %.300s", r.status, r.body)
		}
		vals.Set("accept", "yes")
		ok := a.form(path+"/accept", vals)
		if ok.status != 200 || !strings.Contains(string(ok.body), "quote accepted") {
			t.Fatalf("accept: %d %.300s", ok.status, ok.body)
		}
		if again := a.form(path+"/accept", vals); again.status != 200 {
			t.Fatalf("replayed acceptance: %d", again.status)
		}
		// The acceptance made exactly one order, copied from the accepted version.
		orders := a.must(200, "GET", "/api/v1/orders?quote_id="+id, tm.rep, nil).list(t)
		if len(orders) != 1 || !regexp.MustCompile(`^SO-\d{6}$`).MatchString(orders[0]["number"].(string)) ||
			!strings.Contains(string(ok.body), orders[0]["number"].(string)) {
			t.Fatalf("order of the acceptance: %v", orders)
		}
		del := a.must(200, "GET", "/api/v1/quotes/"+id+"/delivery", tm.rep, nil).json(t)
		dec := del["decision"].(map[string]any)
		if del["status"] != "accepted" || dec["signer_name"] != "山田 太郎" || dec["pdf_sha256"] != sha || dec["ip"] == "" || dec["user_agent"] == "" {
			t.Fatalf("decision: %v / %v", del["status"], dec)
		}
		o := a.must(200, "GET", "/api/v1/opportunities/"+opp, tm.rep, nil).json(t)
		if o["stage"] != "closed_won" || o["amount"] != del["net_total"] {
			t.Fatalf("opportunity: %v %v (net %v)", o["stage"], o["amount"], del["net_total"])
		}
		if r := a.form(path+"/reject", url.Values{"reason": {"changed my mind"}}); r.status != 409 {
			t.Fatalf("reject after accept: %d", r.status)
		}
		a.must(409, "POST", "/api/v1/quotes/"+id+"/revise", tm.rep, nil) // accepted is final

		// Reject path, as JSON; then accepting is a 409 that says why.
		id2, _ := sentQuoteFixture(t, a, tm, "SRV-P2")
		link2 := a.must(200, "POST", "/api/v1/quotes/"+id2+"/send", tm.rep, nil).json(t)["portal_url"].(string)
		path2 := strings.TrimPrefix(link2, a.base)
		a.must(200, "POST", path2+"/reject", "", map[string]any{"reason": "too expensive"})
		r := a.call("POST", path2+"/accept", "", map[string]any{"signer_name": "x", "signer_email": "x@y.example", "accept": true})
		if r.status != 409 || !strings.Contains(string(r.body), "rejected") {
			t.Fatalf("accept after reject: %d %s", r.status, r.body)
		}
		if st := a.must(200, "GET", "/api/v1/quotes/"+id2, tm.rep, nil).str(t, "status"); st != "rejected" {
			t.Fatalf("status after reject: %s", st)
		}
		// Each link names one quote: the first quote's decision is untouched.
		if a.must(200, "GET", "/api/v1/quotes/"+id, tm.rep, nil).str(t, "status") != "accepted" {
			t.Fatal("first quote changed")
		}

		// A revised quote's old link is superseded: a 409 page.
		id3, _ := sentQuoteFixture(t, a, tm, "SRV-P3")
		link3 := a.must(200, "POST", "/api/v1/quotes/"+id3+"/send", tm.rep, nil).json(t)["portal_url"].(string)
		a.must(200, "POST", "/api/v1/quotes/"+id3+"/revise", tm.rep, nil)
		if r := a.form(strings.TrimPrefix(link3, a.base)+"/accept", vals); r.status != 409 || !regexp.MustCompile(`replaced by version 2`).Match(r.body) {
			t.Fatalf("superseded: %d %.300s", r.status, r.body)
		}
		_ = http.StatusOK
	})
}
