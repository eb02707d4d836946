package main

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/quotient-cpq/quotient/quote"
	"github.com/quotient-cpq/quotient/server"
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

// sentQuoteFixture makes an account with a contact, an opportunity and
// an approved quote on a fresh product, as the rep.
func sentQuoteFixture(t *testing.T, a *instance, tm team, sku string) (quoteID, oppID string) {
	t.Helper()
	p := serverProduct()
	p["sku"] = sku
	srv := as[server.ProductJSON](t, a.must(201, "POST", "/api/v1/products", tm.admin, p)).ID
	books := page[server.PriceBookJSON](t, a.must(200, "GET", "/api/v1/price-books?currency=USD", tm.admin, nil))
	var book string
	if len(books) == 0 {
		book = as[server.PriceBookJSON](t, a.must(201, "POST", "/api/v1/price-books", tm.admin, map[string]any{"name": "USD", "currency": "USD", "is_default": true})).ID
	} else {
		book = books[0].ID
	}
	a.must(201, "POST", "/api/v1/price-books/"+book+"/entries", tm.admin, map[string]any{"product_id": srv, "unit_price": "1000"})
	acc := as[server.AccountJSON](t, a.must(201, "POST", "/api/v1/accounts", tm.rep, map[string]any{"name": "株式会社ポータル " + sku, "currency": "USD"})).ID
	con := as[server.ContactJSON](t, a.must(201, "POST", "/api/v1/accounts/"+acc+"/contacts", tm.rep, map[string]any{"name": "山田 太郎",
		"email": "taro@portal.example"})).ID
	oppID = as[server.OpportunityJSON](t, a.must(201, "POST", "/api/v1/opportunities", tm.rep, map[string]any{"account_id": acc, "name": "Deal " + sku,
		"close_date": "2027-01-31"})).ID
	// The rep configures the product, quotes it, re-prices and submits.
	cfg := map[string]any{"cpu": "c8", "disk_tb": "8"}
	if c := as[server.ConfigurationJSON](t, a.must(200, "POST", "/api/v1/products/"+srv+"/configure", tm.rep, map[string]any{"account_id": acc,
		"configuration": cfg})); !c.Valid {
		t.Fatalf("configure: %+v", c)
	}
	quoteID = as[server.QuoteJSON](t, a.must(201, "POST", "/api/v1/quotes", tm.rep, map[string]any{"opportunity_id": oppID, "contact_id": con,
		"lines": []any{map[string]any{"product_id": srv, "quantity": "3", "configuration": cfg}}})).ID
	a.must(200, "POST", "/api/v1/quotes/"+quoteID+"/price", tm.rep, nil)
	st := as[server.SubmissionJSON](t, a.must(200, "POST", "/api/v1/quotes/"+quoteID+"/submit", tm.rep, nil)).Quote.Status
	if st == "pending_approval" { // an approval rule matched: the rep's manager decides
		st = as[server.SubmissionJSON](t, a.must(200, "POST", "/api/v1/quotes/"+quoteID+"/approve", tm.manager, map[string]any{"comment": "ok"})).Quote.Status
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

// TestSendPortalAcceptReject: an approved quote is sent (PDF by hash,
// signed link, e-mail through the outbox and SMTP); the customer's page
// and PDF; bad links all alike; acceptance (the box required, idempotent,
// one order, the opportunity won); rejection; a superseded link. Steps
// decode into the API's types.
func TestSendPortalAcceptReject(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		smtp := startSMTP(t)
		a := start(t, db, map[string]string{"QUOTIENT_SMTP_URL": "smtp://" + smtp.addr + "?tls=none", "QUOTIENT_WORKER_INTERVAL": "50ms",
			"QUOTIENT_SECRET": testSecret, "QUOTIENT_MAIL_FROM": "Sales <sales@northwind.example>"})
		tm := a.makeTeam()
		var id, opp, path, sha string
		var sent server.SentQuoteJSON
		var accepted resp
		vals := url.Values{"signer_name": {"山田 太郎"}, "signer_email": {"taro@portal.example"}}
		s := scenario{t, a}

		s.step("a quote over 3,000 needs the manager; once approved it is sent, and frozen", func(t *testing.T, a *instance) {
			a.must(201, "POST", "/api/v1/approval-rules", tm.admin, map[string]any{"name": "Manager approves", "condition": "quote.total >= 3000",
				"approver_kind": "manager"})
			id, opp = sentQuoteFixture(t, a, tm, "SRV-P1")
			if apps := page[server.ApprovalRequestJSON](t, a.must(200, "GET", "/api/v1/quotes/"+id+"/approvals", tm.rep, nil)); len(apps) != 1 || apps[0].Status != "approved" {
				t.Fatalf("approvals: %+v", apps)
			}
			a.must(403, "POST", "/api/v1/quotes/"+id+"/revise", tm.outsider, nil) // not their quote
			sent = as[server.SentQuoteJSON](t, a.must(200, "POST", "/api/v1/quotes/"+id+"/send", tm.rep, map[string]any{"message": "As discussed."}))
			if sent.Status != "sent" || sent.PortalURL == nil || !strings.Contains(*sent.PortalURL, "/portal/quotes/") || sent.Send == nil || len(sent.Send.PDFSHA256) != 64 {
				t.Fatalf("send: %+v", sent)
			}
			sha, path = sent.Send.PDFSHA256, strings.TrimPrefix(*sent.PortalURL, a.base)
			a.must(409, "POST", "/api/v1/quotes/"+id+"/send", tm.rep, nil)                                 // only approved versions
			a.must(409, "PATCH", "/api/v1/quotes/"+id, tm.rep, map[string]any{"notes": "edit a sent one"}) // a sent version is frozen
		})

		s.step("the e-mail arrives with the link and the PDF the portal serves", func(t *testing.T, a *instance) {
			text, files := parseMail(t, smtp.waitFor(t, "To: taro@portal.example"))
			pdf := files[sent.Number+"-v1.pdf"]
			sum := sha256.Sum256(pdf)
			if !strings.Contains(text, *sent.PortalURL) || !strings.Contains(text, "As discussed.") || hex.EncodeToString(sum[:]) != sha {
				t.Fatalf("e-mail: text %q, pdf hash %x vs %s", text, sum, sha)
			}
			// The worker records the delivery just after the server took
			// the message: wait for it (bounded).
			for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(20 * time.Millisecond) {
				d := as[server.SentQuoteJSON](t, a.must(200, "GET", "/api/v1/quotes/"+id+"/delivery", tm.rep, nil)).Deliveries
				if d[0].Status == "sent" {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("delivery: %+v", d)
				}
			}
			pg := a.must(200, "GET", path, "", nil)
			if !strings.Contains(string(pg.body), sent.Number) || !strings.Contains(string(pg.body), `name="signer_name"`) {
				t.Fatalf("portal page: %.300s", pg.body)
			}
			got := a.must(200, "GET", path+"/pdf", "", nil).body
			if s := sha256.Sum256(got); hex.EncodeToString(s[:]) != sha {
				t.Fatal("portal PDF differs from the one sent")
			}
		})

		s.step("forged, tampered and expired links all get the same 404 page", func(t *testing.T, a *instance) {
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
		})

		s.step("acceptance: the box is required; recorded, idempotent, one order, the opportunity won", func(t *testing.T, a *instance) {
			if r := a.form(path+"/accept", vals); r.status != 422 || !strings.Contains(string(r.body), "tick the box") {
				t.Fatalf("accept without the box: %d %.300s", r.status, r.body)
			}
			vals.Set("accept", "yes")
			accepted = a.form(path+"/accept", vals)
			if accepted.status != 200 || !strings.Contains(string(accepted.body), "quote accepted") {
				t.Fatalf("accept: %d %.300s", accepted.status, accepted.body)
			}
			if again := a.form(path+"/accept", vals); again.status != 200 {
				t.Fatalf("replayed acceptance: %d", again.status)
			}
			orders := page[server.OrderJSON](t, a.must(200, "GET", "/api/v1/orders?quote_id="+id, tm.rep, nil))
			if len(orders) != 1 || !regexp.MustCompile(`^SO-\d{6}$`).MatchString(orders[0].Number) || !strings.Contains(string(accepted.body), orders[0].Number) {
				t.Fatalf("order of the acceptance: %+v", orders)
			}
			del := as[server.SentQuoteJSON](t, a.must(200, "GET", "/api/v1/quotes/"+id+"/delivery", tm.rep, nil))
			d := del.Decision
			if del.Status != "accepted" || d == nil || d.SignerName != "山田 太郎" || d.PDFSHA256 != sha || d.IP == "" || d.UserAgent == "" {
				t.Fatalf("decision: %s / %+v", del.Status, d)
			}
			o := as[server.OpportunityJSON](t, a.must(200, "GET", "/api/v1/opportunities/"+opp, tm.rep, nil))
			if o.Stage != "closed_won" || o.Amount != del.NetTotal {
				t.Fatalf("opportunity: %s %s (net %s)", o.Stage, o.Amount, del.NetTotal)
			}
			if r := a.form(path+"/reject", url.Values{"reason": {"changed my mind"}}); r.status != 409 {
				t.Fatalf("reject after accept: %d", r.status)
			}
			a.must(409, "POST", "/api/v1/quotes/"+id+"/revise", tm.rep, nil) // accepted is final
		})

		s.step("rejection as JSON; then accepting is a 409 that says why; other quotes untouched", func(t *testing.T, a *instance) {
			id2, _ := sentQuoteFixture(t, a, tm, "SRV-P2")
			path2 := strings.TrimPrefix(*as[server.SentQuoteJSON](t, a.must(200, "POST", "/api/v1/quotes/"+id2+"/send", tm.rep, nil)).PortalURL, a.base)
			if d := as[server.DecisionJSON](t, a.must(200, "POST", path2+"/reject", "", map[string]any{"reason": "too expensive"})); d.Decision != "rejected" {
				t.Fatalf("rejection: %+v", d)
			}
			r := a.call("POST", path2+"/accept", "", map[string]any{"signer_name": "x", "signer_email": "x@y.example", "accept": true})
			if r.status != 409 || !strings.Contains(string(r.body), "rejected") {
				t.Fatalf("accept after reject: %d %s", r.status, r.body)
			}
			if st := as[server.QuoteJSON](t, a.must(200, "GET", "/api/v1/quotes/"+id2, tm.rep, nil)).Status; st != "rejected" {
				t.Fatalf("status after reject: %s", st)
			}
			if st := as[server.QuoteJSON](t, a.must(200, "GET", "/api/v1/quotes/"+id, tm.rep, nil)).Status; st != "accepted" {
				t.Fatalf("the first quote changed: %s", st)
			}
		})

		s.step("a revised quote's old link is superseded: a 409 page", func(t *testing.T, a *instance) {
			id3, _ := sentQuoteFixture(t, a, tm, "SRV-P3")
			link3 := *as[server.SentQuoteJSON](t, a.must(200, "POST", "/api/v1/quotes/"+id3+"/send", tm.rep, nil)).PortalURL
			a.must(200, "POST", "/api/v1/quotes/"+id3+"/revise", tm.rep, nil)
			if r := a.form(strings.TrimPrefix(link3, a.base)+"/accept", vals); r.status != 409 || !regexp.MustCompile(`replaced by version 2`).Match(r.body) {
				t.Fatalf("superseded: %d %.300s", r.status, r.body)
			}
		})

		s.step("the link's token never reaches the request log", func(t *testing.T, a *instance) {
			token := strings.TrimPrefix(path, "/portal/quotes/")
			log := a.log.String()
			if strings.Contains(log, token) || !strings.Contains(log, `"path":"/portal/quotes/[redacted]/accept"`) {
				t.Fatalf("the log keeps the portal token or no redacted line:\n%.2000s", log)
			}
		})
	})
}
