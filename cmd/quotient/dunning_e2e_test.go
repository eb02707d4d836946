package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/quotient-cpq/quotient/store/storetest"
)

// TestDunningSendsEachLevelOnce: the daily worker sends an overdue invoice
// each level it reaches once, through the outbox, to the account's first
// contact with an e-mail; the invoice shows its history.
func TestDunningSendsEachLevelOnce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		clock := &fakeClock{t: time.Date(2025, 6, 2, 8, 0, 0, 0, time.UTC)}
		sender := &flakySender{}
		a, srv := clockedServer(t, db, clock, sender)
		tm := a.makeTeam()
		fin := tm.finance
		f := newStockFixture(t, a, tm)
		svc := f.product(t, a, tm, map[string]any{"sku": "AUDIT", "name": "Audit", "family": "services", "kind": "service"}, "50")

		level := func(body map[string]any) map[string]any {
			return a.must(201, "POST", "/api/v1/dunning-levels", fin, body).json(t)
		}
		l1 := level(map[string]any{"level": 1, "name": "Friendly reminder", "days_overdue": 7,
			"subject": "Reminder: {{.InvoiceNumber}} is {{.DaysOverdue}} days overdue",
			"body":    "Dear {{.AccountName}},\n\ninvoice {{.InvoiceNumber}} of {{.IssueDate}} ({{.AmountDue}}) was due on {{.DueDate}}."})
		a.must(403, "POST", "/api/v1/dunning-levels", tm.rep, map[string]any{"level": 9, "name": "x", "days_overdue": 90, "subject": "s", "body": "b"})
		for _, c := range []struct {
			status int
			body   map[string]any
			field  string
		}{
			{422, map[string]any{"level": 2, "name": "Bad", "days_overdue": 30, "subject": "{{.InvoiceNumber", "body": "b"}, "subject"},
			{422, map[string]any{"level": 2, "name": "Bad", "days_overdue": 30, "subject": "s", "body": "{{.Nope}}"}, "body"},
			{422, map[string]any{"level": 2, "name": "Bad", "days_overdue": 0, "subject": "s", "body": "b"}, "days_overdue"},
			{422, map[string]any{"level": 2, "name": "Early", "days_overdue": 5, "subject": "s", "body": "b"}, "days_overdue"},
			{409, map[string]any{"level": 1, "name": "Again", "days_overdue": 8, "subject": "s", "body": "b"}, "level"},
		} {
			if got := a.must(c.status, "POST", "/api/v1/dunning-levels", fin, c.body).field(t); got != c.field {
				t.Errorf("level %v: field %q, want %q", c.body, got, c.field)
			}
		}
		level(map[string]any{"level": 2, "name": "Final notice", "days_overdue": 30, "subject": "FINAL: {{.InvoiceNumber}}",
			"body": "{{.AmountDue}} is {{.DaysOverdue}} days overdue."})
		if ls := a.must(200, "GET", "/api/v1/dunning-levels", tm.rep, nil).list(t); len(ls) != 2 {
			t.Fatalf("levels: %v", ls)
		}

		// Two accounts each get a service invoice, due in 30 days; one has
		// no contact with an e-mail address.
		invoice := func(name, email string) map[string]any {
			f.acc = a.must(201, "POST", "/api/v1/accounts", tm.rep, map[string]any{"name": name, "currency": "USD", "payment_terms": "net_30"}).str(t, "id")
			if email != "" {
				a.must(201, "POST", "/api/v1/accounts/"+f.acc+"/contacts", tm.rep, map[string]any{"name": "Accounts payable", "email": email})
			}
			o := a.must(201, "POST", "/api/v1/quotes/"+f.approvedQuote(t, a, tm.rep, svc, "1")+"/convert", tm.rep, nil).json(t)
			return a.must(200, "GET", "/api/v1/invoices?order_id="+o["id"].(string), fin, nil).list(t)[0]
		}
		withMail := invoice("Slow Payer GmbH", "ap@slowpayer.example")
		noMail := invoice("Silent Partner Ltd", "")
		ctx := context.Background()
		run := func(want int) {
			t.Helper()
			if n, err := srv.worker.DailyDunning(ctx); err != nil || n != want {
				t.Fatalf("daily dunning on %s: %d (%v), want %d", clock.Now().Format(time.DateOnly), n, err, want)
			}
		}
		history := func(inv map[string]any) []any {
			d, _ := a.must(200, "GET", "/api/v1/invoices/"+inv["id"].(string), tm.rep, nil).json(t)["dunning"].([]any)
			return d
		}
		run(0) // nothing overdue; today's run is done
		clock.Advance(36 * 24 * time.Hour)
		run(0) // 6 days overdue: below the first level
		clock.Advance(24 * time.Hour)
		run(2) // 7 days: the first level, for both invoices
		run(0) // once a day
		if n := a.must(200, "POST", "/api/v1/dunning/run", fin, nil).json(t)["notices"]; n != 0.0 {
			t.Fatalf("a manual run sent level 1 again: %v", n)
		}
		a.must(403, "POST", "/api/v1/dunning/run", tm.rep, nil)
		if _, err := srv.worker.DeliverMail(ctx); err != nil {
			t.Fatal(err)
		}
		if len(sender.sent) != 1 || sender.sent[0].To != "ap@slowpayer.example" ||
			sender.sent[0].Subject != "Reminder: "+withMail["number"].(string)+" is 7 days overdue" ||
			!strings.Contains(sender.sent[0].Text, "Dear Slow Payer GmbH") || !strings.Contains(sender.sent[0].Text, "50.00 USD") {
			t.Fatalf("reminder e-mail: %+v", sender.sent)
		}
		h := history(withMail)
		if len(h) != 1 || h[0].(map[string]any)["level"] != 1.0 || h[0].(map[string]any)["mail_status"] != "sent" || h[0].(map[string]any)["days_overdue"] != 7.0 {
			t.Fatalf("history with mail: %v", h)
		}
		if h := history(noMail); len(h) != 1 || h[0].(map[string]any)["sent_to"] != "" || h[0].(map[string]any)["mail_status"] != nil {
			t.Fatalf("history without mail: %v", h)
		}
		// A deactivated level is not sent; the final notice at 30 days is,
		// once; a paid invoice gets nothing more.
		a.must(200, "PATCH", "/api/v1/dunning-levels/"+l1["id"].(string), fin, map[string]any{"active": false}, "If-Match", `"v1"`)
		a.must(201, "POST", "/api/v1/payments", fin, map[string]any{"account_id": f.acc, "amount": noMail["total"], "method": "bank_transfer"})
		clock.Advance(23 * 24 * time.Hour)
		run(1)
		clock.Advance(40 * 24 * time.Hour)
		run(0)
		if _, err := srv.worker.DeliverMail(ctx); err != nil {
			t.Fatal(err)
		}
		if h := history(withMail); len(h) != 2 || h[1].(map[string]any)["level_name"] != "Final notice" || len(sender.sent) != 2 ||
			sender.sent[1].Subject != "FINAL: "+withMail["number"].(string) {
			t.Fatalf("final notice: %v / %+v", h, sender.sent)
		}
		if h := history(noMail); len(h) != 1 {
			t.Fatalf("a paid invoice was dunned: %v", h)
		}
	})
}
