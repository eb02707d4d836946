package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/app"
	"github.com/quotient-cpq/quotient/app/appdb"
	"github.com/quotient-cpq/quotient/billing"
	"github.com/quotient-cpq/quotient/mail"
	"github.com/quotient-cpq/quotient/server"
	"github.com/quotient-cpq/quotient/store"
	"github.com/quotient-cpq/quotient/web"
	"github.com/quotient-cpq/quotient/worker"
)

// wiring is what Quotient is built from.
type wiring struct {
	db        *store.DB
	now       func() time.Time
	log       *slog.Logger
	registry  *prometheus.Registry
	secret    []byte
	publicURL string
	mail      mail.Sender // nil: mail waits in the outbox
	mailFrom  string
	graceDays *int // nil: billing.DefaultGraceDays
	// horizonDays is how far ahead a quote's valid_until may be (nil:
	// quote.DefaultHorizonDays).
	horizonDays *int
	// sessionIdle and sessionMax are a workspace session's lengths (nil:
	// crm's defaults).
	sessionIdle, sessionMax *time.Duration
	// beforeCommit is the fault a crash test injects (QUOTIENT_FAULT).
	beforeCommit func(ctx context.Context)
}

// stack is Quotient wired: the domain services, the application layer
// over them, and its doors (the HTTP server) and workers.
type stack struct {
	services app.Services
	app      *app.App
	server   *server.Server
	worker   *worker.Worker
}

// wire builds every service, once, and hands them on: the only place
// services are made.
func wire(w wiring) stack {
	if w.now == nil {
		w.now = time.Now
	}
	grace := billing.DefaultGraceDays
	if w.graceDays != nil {
		grace = *w.graceDays
	}
	svc := app.NewServices(w.now, grace)
	if w.horizonDays != nil {
		svc.Quotes.HorizonDays = *w.horizonDays
	}
	if w.sessionIdle != nil {
		svc.CRM.SessionIdle = *w.sessionIdle
	}
	if w.sessionMax != nil {
		svc.CRM.SessionAbsolute = *w.sessionMax
	}
	svc.Quotes.WorkspaceURL = w.publicURL // e-mails link to the workspace
	a := app.New(app.Config{DB: appdb.DB{DB: w.db}, Services: svc, Now: w.now, Logger: w.log, Secret: w.secret, PublicURL: w.publicURL,
		BeforeCommit: w.beforeCommit})
	keys := httpStore{w.db}
	srv := server.New(server.Config{App: a, Store: keys, Logger: w.log, Registry: w.registry, Version: version})
	web.Mount(srv.App(), web.Config{App: a, PublicURL: w.publicURL, Logger: w.log})
	return stack{services: svc, app: a, server: srv,
		worker: worker.New(worker.Config{App: a, Mail: w.mail, From: w.mailFrom, Keys: keys, Logger: w.log})}
}

// httpStore is what the HTTP server and the clean-up need of the store:
// idempotency records and health, each its own transaction.
type httpStore struct{ *store.DB }

func (h httpStore) IdempotencyRecord(ctx context.Context, userID, key string) (quotient.IdempotencyRecord, error) {
	var got quotient.IdempotencyRecord
	err := h.Read(ctx, func(tx *store.Tx) error {
		var err error
		got, err = tx.IdempotencyRecord(ctx, userID, key)
		return err
	})
	return got, err
}

func (h httpStore) SaveIdempotencyKey(ctx context.Context, r quotient.IdempotencyRecord) (bool, error) {
	var saved bool
	err := h.InTx(ctx, func(tx *store.Tx) error {
		var err error
		saved, err = tx.SaveIdempotencyKey(ctx, r)
		return err
	})
	return saved, err
}

func (h httpStore) PurgeIdempotencyKeys(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	err := h.InTx(ctx, func(tx *store.Tx) error {
		var err error
		n, err = tx.PurgeIdempotencyKeys(ctx, before)
		return err
	})
	return n, err
}
