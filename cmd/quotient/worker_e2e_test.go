package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quotient-cpq/quotient/app"
	"github.com/quotient-cpq/quotient/crm"
	"github.com/quotient-cpq/quotient/ledger"
	"github.com/quotient-cpq/quotient/mail"
	"github.com/quotient-cpq/quotient/store"
	"github.com/quotient-cpq/quotient/store/storetest"
)

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// flakySender fails its first failures deliveries (all of them when
// failures < 0), then records what it sends.
type flakySender struct {
	mu       sync.Mutex
	failures int
	sent     []mail.Message
}

func (f *flakySender) Send(m mail.Message) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failures != 0 {
		f.failures--
		return errors.New("451 mailbox busy")
	}
	f.sent = append(f.sent, m)
	return nil
}

// clockedServer runs a server with a fake clock and a test sender on
// loopback, without its background workers, so the test drives them.
func clockedServer(t testing.TB, dbURL string, clock *fakeClock, sender mail.Sender) (*instance, stack) {
	ctx := context.Background()
	db, err := store.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := crm.NewService(clock.Now).Bootstrap(ctx, tx, testBootstrap); err != nil {
			return err
		}
		return ledger.NewService(clock.Now).SeedChart(ctx, tx)
	}); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	q := wire(wiring{db: db, now: clock.Now, log: slog.New(slog.NewTextHandler(io.Discard, nil)), secret: []byte(testSecret), publicURL: base,
		mail: sender})
	srv := q.server
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	})
	a := &instance{t: t, base: base, out: &syncBuffer{}, client: &http.Client{Timeout: 30 * time.Second}}
	a.stop = func() int { return 0 }
	return a, q
}

func TestExpiryWorker(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		clock := &fakeClock{t: time.Now().UTC()}
		a, srv := clockedServer(t, db, clock, nil)
		tm := a.makeTeam()
		id, _ := sentQuoteFixture(t, a, tm, "SRV-E1")
		validUntil := clock.Now().AddDate(0, 0, 2).Format(time.DateOnly)
		// Back to draft to set valid_until, then send.
		a.must(200, "POST", "/api/v1/quotes/"+id+"/revise", tm.rep, nil)
		a.must(200, "PATCH", "/api/v1/quotes/"+id, tm.rep, map[string]any{"valid_until": validUntil})
		a.must(200, "POST", "/api/v1/quotes/"+id+"/submit", tm.rep, nil)
		link := strings.TrimPrefix(a.must(200, "POST", "/api/v1/quotes/"+id+"/send", tm.rep, nil).json(t)["portal_url"].(string), a.base)

		// On its last valid day nothing expires and the link works.
		clock.Advance(48 * time.Hour)
		if n, err := srv.app.ExpireQuotes(app.System(context.Background())); err != nil || n != 0 {
			t.Fatalf("expired %d (%v) on the last valid day", n, err)
		}
		a.must(200, "GET", link, "", nil)
		// The day after, the worker expires it (once, however often it runs)
		// and the link is gone.
		clock.Advance(24 * time.Hour)
		for i, want := range []int{1, 0} {
			if n, err := srv.app.ExpireQuotes(app.System(context.Background())); err != nil || n != want {
				t.Fatalf("run %d: expired %d (%v), want %d", i, n, err, want)
			}
		}
		if st := a.must(200, "GET", "/api/v1/quotes/"+id, tm.rep, nil).str(t, "status"); st != "expired" {
			t.Fatalf("status %s", st)
		}
		a.must(404, "GET", link, "", nil)
		a.must(404, "POST", link+"/accept", "", map[string]any{"signer_name": "x", "signer_email": "x@y.example", "accept": true})
		// An expired quote is revised into a new draft.
		if st := a.must(200, "POST", "/api/v1/quotes/"+id+"/revise", tm.rep, nil).str(t, "status"); st != "draft" {
			t.Fatalf("revise expired: %s", st)
		}
	})
}

func TestOutboxRetriesAndFailures(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		clock := &fakeClock{t: time.Now().UTC()}
		sender := &flakySender{failures: 2}
		a, srv := clockedServer(t, db, clock, sender)
		tm := a.makeTeam()
		id, _ := sentQuoteFixture(t, a, tm, "SRV-O1")
		a.must(200, "POST", "/api/v1/quotes/"+id+"/send", tm.rep, nil)
		ctx := context.Background()
		delivery := func() map[string]any {
			return a.must(200, "GET", "/api/v1/quotes/"+id+"/delivery", tm.rep, nil).json(t)["deliveries"].([]any)[0].(map[string]any)
		}
		// First attempt fails: still pending, the error visible on the quote.
		if n, err := srv.worker.DeliverMail(ctx); err != nil || n != 0 {
			t.Fatalf("deliver: %d %v", n, err)
		}
		d := delivery()
		if d["status"] != "pending" || d["attempts"] != float64(1) || !strings.Contains(d["last_error"].(string), "mailbox busy") {
			t.Fatalf("after a failure: %v", d)
		}
		// Not due again until the backoff passes (30 s, then 60 s).
		if n, _ := srv.worker.DeliverMail(ctx); n != 0 || len(sender.sent) != 0 {
			t.Fatal("retried before the backoff")
		}
		clock.Advance(31 * time.Second)
		_, _ = srv.worker.DeliverMail(ctx)
		clock.Advance(61 * time.Second)
		if n, err := srv.worker.DeliverMail(ctx); err != nil || n != 1 || len(sender.sent) != 1 {
			t.Fatalf("third attempt: %d %v, %d sent", n, err, len(sender.sent))
		}
		if d := delivery(); d["status"] != "sent" || d["attempts"] != float64(3) || d["sent_at"] == nil {
			t.Fatalf("after delivery: %v", d)
		}
		if len(sender.sent[0].Attachments) != 1 || !strings.HasPrefix(string(sender.sent[0].Attachments[0].Body), "%PDF-") {
			t.Fatal("the e-mail lost its PDF")
		}
		// A message that never goes through is failed after the last
		// attempt, and stays visible.
		sender.failures = -1
		id2, _ := sentQuoteFixture(t, a, tm, "SRV-O2")
		a.must(200, "POST", "/api/v1/quotes/"+id2+"/send", tm.rep, nil)
		for range 12 {
			_, _ = srv.worker.DeliverMail(ctx)
			clock.Advance(2 * time.Hour)
		}
		d2 := a.must(200, "GET", "/api/v1/quotes/"+id2+"/delivery", tm.rep, nil).json(t)["deliveries"].([]any)[0].(map[string]any)
		if d2["status"] != "failed" || d2["attempts"] != float64(8) || d2["last_error"] == "" {
			t.Fatalf("permanent failure: %v", d2)
		}
	})
}
