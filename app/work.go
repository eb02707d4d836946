package app

import (
	"context"
	"time"

	"github.com/quotient-cpq/quotient/outbox"
)

// The use cases of the background work: nobody asks for them, the
// workers run them (as System), every server on the database at once.

// ExpireQuotes moves sent quotes past valid_until to expired.
func (a *App) ExpireQuotes(ctx context.Context) (int, error) {
	return change(ctx, a, func(tx Tx) (int, error) { return a.quotes.ExpireDue(ctx, tx) })
}

// ClaimMail leases up to limit e-mails due now to this worker, so no
// other worker sends them meanwhile.
func (a *App) ClaimMail(ctx context.Context, limit int) ([]outbox.Message, error) {
	return change(ctx, a, func(tx Tx) ([]outbox.Message, error) {
		return tx.ClaimOutbox(ctx, a.now().UTC(), outbox.Lease, limit)
	})
}

// Attachment is a stored document an e-mail attaches.
func (a *App) Attachment(ctx context.Context, sha string) ([]byte, error) {
	return read(ctx, a, func(tx Tx) ([]byte, error) {
		_, body, err := tx.GetDocument(ctx, sha)
		return body, err
	})
}

// MailAttempted records how an attempt to deliver a claimed e-mail went
// (err nil: sent) and returns what becomes of it.
func (a *App) MailAttempted(ctx context.Context, m outbox.Message, err error) (outbox.Outcome, error) {
	o := outbox.Attempted(m, err, a.now().UTC())
	return o, do(ctx, a, func(tx Tx) error { return tx.FinishOutbox(ctx, o) })
}

// Now is the time by the application's clock (a fake one in tests).
func (a *App) Now() time.Time { return a.now().UTC() }
