package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/quotient-cpq/quotient/server"
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
		sc := scenario{t, a}
		tm := a.makeTeam()
		fin := tm.finance
		f := newStockFixture(t, a, tm)
		svc := f.product(t, a, tm, map[string]any{"sku": "AUDIT", "name": "Audit", "family": "services", "kind": "service"}, "50")
		ctx := context.Background()
		run := func(t *testing.T, want int) {
			t.Helper()
			if n, err := srv.worker.DailyDunning(ctx); err != nil || n != want {
				t.Fatalf("daily dunning on %s: %d (%v), want %d", clock.Now().Format(time.DateOnly), n, err, want)
			}
		}
		history := func(t *testing.T, a *instance, inv server.InvoiceJSON) []server.DunningNoticeJSON {
			return as[server.InvoiceJSON](t, a.must(200, "GET", "/api/v1/invoices/"+inv.ID, tm.rep, nil)).Dunning
		}
		deliver := func(t *testing.T) {
			if _, err := srv.worker.DeliverMail(ctx); err != nil {
				t.Fatal(err)
			}
		}
		var first server.DunningLevelJSON
		var withMail, noMail server.InvoiceJSON

		sc.step("finance sets the levels; templates, days and numbers are checked", func(t *testing.T, a *instance) {
			first = as[server.DunningLevelJSON](t, a.must(201, "POST", "/api/v1/dunning-levels", fin, map[string]any{"level": 1, "name": "Friendly reminder",
				"days_overdue": 7, "subject": "Reminder: {{.InvoiceNumber}} is {{.DaysOverdue}} days overdue",
				"body": "Dear {{.AccountName}},\n\ninvoice {{.InvoiceNumber}} of {{.IssueDate}} ({{.AmountDue}}) was due on {{.DueDate}}."}))
			if first.Level != 1 || first.DaysOverdue != 7 || !first.Active || first.Version != 1 {
				t.Fatalf("level 1: %+v", first)
			}
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
			a.must(201, "POST", "/api/v1/dunning-levels", fin, map[string]any{"level": 2, "name": "Final notice", "days_overdue": 30,
				"subject": "FINAL: {{.InvoiceNumber}}", "body": "{{.AmountDue}} is {{.DaysOverdue}} days overdue."})
			if ls := page[server.DunningLevelJSON](t, a.must(200, "GET", "/api/v1/dunning-levels", tm.rep, nil)); len(ls) != 2 {
				t.Fatalf("levels: %+v", ls)
			}
		})

		sc.step("two accounts get a service invoice due in 30 days; one has no contact with an e-mail", func(t *testing.T, a *instance) {
			invoice := func(name, email string) server.InvoiceJSON {
				f.acc = as[server.AccountJSON](t, a.must(201, "POST", "/api/v1/accounts", tm.rep, map[string]any{"name": name, "currency": "USD", "payment_terms": "net_30"})).ID
				if email != "" {
					a.must(201, "POST", "/api/v1/accounts/"+f.acc+"/contacts", tm.rep, map[string]any{"name": "Accounts payable", "email": email})
				}
				o := as[server.OrderJSON](t, a.must(201, "POST", "/api/v1/quotes/"+f.approvedQuote(t, a, tm.rep, svc, "1")+"/convert", tm.rep, nil))
				invs := page[server.InvoiceJSON](t, a.must(200, "GET", "/api/v1/invoices?order_id="+o.ID, fin, nil))
				if len(invs) != 1 || invs[0].IssueDate != "2025-06-02" || invs[0].DueDate != "2025-07-02" || invs[0].Total != "50.00" {
					t.Fatalf("invoice of %s: %+v", name, invs)
				}
				return invs[0]
			}
			withMail = invoice("Slow Payer GmbH", "ap@slowpayer.example")
			noMail = invoice("Silent Partner Ltd", "")
		})

		sc.step("at 7 days overdue both get level 1, once a day; the e-mail goes to the contact", func(t *testing.T, a *instance) {
			run(t, 0) // nothing overdue; today's run is done
			clock.Advance(36 * 24 * time.Hour)
			run(t, 0) // 6 days overdue: below the first level
			clock.Advance(24 * time.Hour)
			next := as[server.DunningPreviewJSON](t, a.must(200, "GET", "/api/v1/dunning/next", fin, nil)).Notices
			if len(next) != 2 || next[0].Level != 1 || next[0].DaysOverdue != 7 || next[0].SendTo+next[1].SendTo != "ap@slowpayer.example" {
				t.Fatalf("the next run's preview: %+v", next)
			}
			a.must(403, "GET", "/api/v1/dunning/next", tm.rep, nil)
			run(t, 2) // 7 days: the first level, for both invoices
			if next := as[server.DunningPreviewJSON](t, a.must(200, "GET", "/api/v1/dunning/next", fin, nil)).Notices; len(next) != 0 {
				t.Fatalf("the preview after the run: %+v", next)
			}
			run(t, 0) // once a day
			if n := as[server.DunningRunJSON](t, a.must(200, "POST", "/api/v1/dunning/run", fin, nil)).Notices; n != 0 {
				t.Fatalf("a manual run sent level 1 again: %d", n)
			}
			a.must(403, "POST", "/api/v1/dunning/run", tm.rep, nil)
			deliver(t)
			if len(sender.sent) != 1 || sender.sent[0].To != "ap@slowpayer.example" ||
				sender.sent[0].Subject != "Reminder: "+withMail.Number+" is 7 days overdue" ||
				!strings.Contains(sender.sent[0].Text, "Dear Slow Payer GmbH") || !strings.Contains(sender.sent[0].Text, "50.00 USD") ||
				!strings.Contains(sender.sent[0].Text, "was due on 2025-07-02") {
				t.Fatalf("reminder e-mail: %+v", sender.sent)
			}
			if h := history(t, a, withMail); len(h) != 1 || h[0].Level != 1 || str(h[0].MailStatus) != "sent" || h[0].DaysOverdue != 7 || h[0].SentTo != "ap@slowpayer.example" {
				t.Fatalf("history with mail: %+v", h)
			}
			if h := history(t, a, noMail); len(h) != 1 || h[0].SentTo != "" || h[0].MailStatus != nil {
				t.Fatalf("history without mail: %+v", h)
			}
		})

		sc.step("a deactivated level is not sent; the final notice at 30 days is, once; a paid invoice gets nothing more", func(t *testing.T, a *instance) {
			a.must(200, "PATCH", "/api/v1/dunning-levels/"+first.ID, fin, map[string]any{"active": false}, "If-Match", `"v1"`)
			a.must(201, "POST", "/api/v1/payments", fin, map[string]any{"account_id": f.acc, "amount": noMail.Total, "method": "bank_transfer"})
			clock.Advance(23 * 24 * time.Hour)
			run(t, 1)
			clock.Advance(40 * 24 * time.Hour)
			run(t, 0)
			deliver(t)
			if h := history(t, a, withMail); len(h) != 2 || h[1].LevelName != "Final notice" || h[1].DaysOverdue != 30 || len(sender.sent) != 2 ||
				sender.sent[1].Subject != "FINAL: "+withMail.Number {
				t.Fatalf("final notice: %+v / %+v", h, sender.sent)
			}
			if h := history(t, a, noMail); len(h) != 1 {
				t.Fatalf("a paid invoice was dunned: %+v", h)
			}
		})
	})
}
