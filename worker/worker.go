package worker

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/app"
	"github.com/quotient-cpq/quotient/mail"
	"github.com/quotient-cpq/quotient/outbox"
)

// Keys is the idempotency-key store the clean-up purges.
type Keys interface {
	// PurgeIdempotencyKeys deletes keys created before a time and says how
	// many.
	PurgeIdempotencyKeys(ctx context.Context, before time.Time) (int64, error)
}

// KeyRetention is how long idempotency keys are kept (at least the day the
// API promises).
const KeyRetention = 48 * time.Hour

// Config is what the worker needs.
type Config struct {
	App *app.App
	// Mail delivers e-mail; nil leaves it waiting in the outbox.
	Mail mail.Sender
	// From is the sender of e-mail.
	From   string
	Keys   Keys
	Logger *slog.Logger
}

// Worker runs the background work.
type Worker struct {
	app  *app.App
	mail mail.Sender
	from string
	keys Keys
	log  *slog.Logger
	// dunnedOn is the last day this worker saw the day's dunning done (by
	// itself or another server): until the date changes it does not ask
	// the database again.
	dunnedOn quotient.Date
	purged   time.Time
}

// New returns a worker.
func New(cfg Config) *Worker {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.From == "" {
		cfg.From = "Quotient <quotient@localhost>"
	}
	return &Worker{app: cfg.App, mail: cfg.Mail, from: cfg.From, keys: cfg.Keys, log: cfg.Logger}
}

// Run does the work every tick until ctx ends: the outbox and expiry each
// tick, dunning on the first tick of each day, the clean-up hourly.
func (w *Worker) Run(ctx context.Context, tick time.Duration) {
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		w.Tick(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Tick does one round of the work, logging what fails (the next tick
// tries again).
func (w *Worker) Tick(ctx context.Context) {
	ctx = app.System(ctx)
	if w.keys != nil && time.Since(w.purged) >= time.Hour {
		w.purged = time.Now()
		if n, err := w.keys.PurgeIdempotencyKeys(ctx, w.app.Now().Add(-KeyRetention)); err != nil && ctx.Err() == nil {
			w.log.Warn("purge idempotency keys", slog.Any("error", err))
		} else if n > 0 {
			w.log.Info("purged idempotency keys", slog.Int64("count", n))
		}
	}
	if _, err := w.DeliverMail(ctx); err != nil && ctx.Err() == nil {
		w.log.Warn("deliver outbox", slog.Any("error", err))
	}
	if _, err := w.app.ExpireQuotes(ctx); err != nil && ctx.Err() == nil {
		w.log.Warn("expire quotes", slog.Any("error", err))
	}
	w.Subscriptions(ctx)
	if n, err := w.DailyDunning(ctx); err != nil && ctx.Err() == nil {
		w.log.Warn("dunning", slog.Any("error", err))
	} else if n > 0 {
		w.log.Info("dunning reminders queued", slog.Int("count", n))
	}
}

// Subscriptions runs the recurring work: renewal quotes due, contracts
// that ran out, the periods due to invoice, and the revenue due to be
// recognised. Each part is safe with many servers at once.
func (w *Worker) Subscriptions(ctx context.Context) {
	ctx = app.System(ctx)
	if r, e, err := w.app.RenewAndEndContracts(ctx, 100); err != nil && ctx.Err() == nil {
		w.log.Warn("contract renewals", slog.Any("error", err))
	} else if r+e > 0 {
		w.log.Info("contracts", slog.Int("renewal_quotes", r), slog.Int("ended", e))
	}
	if n, err := w.app.InvoiceSubscriptions(ctx, app.RecurringBatch, 1000); err != nil && ctx.Err() == nil {
		w.log.Warn("recurring invoicing", slog.Any("error", err))
	} else if n > 0 {
		w.log.Info("subscriptions invoiced", slog.Int("invoices", n))
	}
	if n, err := w.app.RecogniseRevenue(ctx, 1000); err != nil && ctx.Err() == nil {
		w.log.Warn("revenue recognition", slog.Any("error", err))
	} else if n > 0 {
		w.log.Info("revenue recognised", slog.Int("invoice_months", n))
	}
}

// DailyDunning sends the day's reminders once across every server; once
// this worker has seen the day done it does not ask again until the date
// changes.
func (w *Worker) DailyDunning(ctx context.Context) (int, error) {
	today := quotient.DateOf(w.app.Now())
	if w.dunnedOn == today {
		return 0, nil
	}
	n, err := w.app.DailyDunning(app.System(ctx))
	if err == nil {
		w.dunnedOn = today
	}
	return n, err
}

// DeliverMail hands due e-mail to the mail server and records each
// outcome (sent, retried after a backoff, failed); without a mail server,
// mail waits in the outbox. It returns how many were sent.
func (w *Worker) DeliverMail(ctx context.Context) (int, error) {
	if w.mail == nil {
		return 0, nil
	}
	ctx = app.System(ctx)
	msgs, err := w.app.ClaimMail(ctx, outbox.Batch)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, m := range msgs {
		err := w.deliver(ctx, m)
		o, ferr := w.app.MailAttempted(ctx, m, err)
		if ferr != nil {
			return sent, ferr
		}
		if err != nil {
			w.log.Warn("mail delivery failed", slog.String("outbox_id", m.ID), slog.Int("attempt", m.Attempts), slog.String("status", string(o.Status)),
				slog.Any("error", err))
		} else {
			sent++
		}
	}
	return sent, nil
}

func (w *Worker) deliver(ctx context.Context, m outbox.Message) error {
	msg := mail.Message{From: w.from, To: m.Email.To, Subject: m.Email.Subject, Text: m.Email.Text}
	for _, a := range m.Email.Attachments {
		body, err := w.app.Attachment(ctx, a.SHA256)
		if err != nil {
			return fmt.Errorf("attachment %s: %w", a.Filename, err)
		}
		msg.Attachments = append(msg.Attachments, mail.Attachment{Filename: a.Filename, ContentType: a.ContentType, Body: body})
	}
	if strings.TrimSpace(msg.To) == "" {
		return fmt.Errorf("no recipient")
	}
	return w.mail.Send(msg)
}
