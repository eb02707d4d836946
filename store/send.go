package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/outbox"
	"github.com/quotient-cpq/quotient/quote"
)

// PutDocument keeps a document by its hash (storing it twice is harmless).
func (t *Tx) PutDocument(ctx context.Context, sha, contentType string, body []byte, at time.Time) error {
	_, err := t.exec(ctx, `INSERT INTO documents (sha256, content_type, body, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING`,
		sha, contentType, body, t.ts(at))
	return err
}

// GetDocument loads a document by its hash.
func (t *Tx) GetDocument(ctx context.Context, sha string) (string, []byte, error) {
	var r struct {
		ContentType string `db:"content_type"`
		Body        []byte `db:"body"`
	}
	if err := t.get(ctx, &r, `SELECT content_type, body FROM documents WHERE sha256 = ?`, sha); err != nil {
		return "", nil, getOr(err, "document", sha)
	}
	return r.ContentType, r.Body, nil
}

type outboxRow struct {
	ID            string  `db:"id"`
	Kind          string  `db:"kind"`
	QuoteID       *string `db:"quote_id"`
	Payload       string  `db:"payload"`
	Status        string  `db:"status"`
	Attempts      int     `db:"attempts"`
	NextAttemptAt dbTime  `db:"next_attempt_at"`
	LastError     string  `db:"last_error"`
	CreatedAt     dbTime  `db:"created_at"`
	SentAt        dbTime  `db:"sent_at"`
}

const outboxCols = `id, kind, quote_id, payload, status, attempts, next_attempt_at, last_error, created_at, sent_at`

func (r outboxRow) message() (outbox.Message, error) {
	m := outbox.Message{ID: r.ID, Kind: outbox.Kind(r.Kind), QuoteID: deref(r.QuoteID), Status: outbox.Status(r.Status), Attempts: r.Attempts,
		NextAttemptAt: r.NextAttemptAt.Time, LastError: r.LastError, CreatedAt: r.CreatedAt.Time, SentAt: r.SentAt.ptr()}
	return m, json.Unmarshal([]byte(r.Payload), &m.Email)
}

func messages(rows []outboxRow) ([]outbox.Message, error) {
	out := make([]outbox.Message, len(rows))
	for i, r := range rows {
		m, err := r.message()
		if err != nil {
			return nil, err
		}
		out[i] = m
	}
	return out, nil
}

// InsertOutbox queues a message in the caller's transaction.
func (t *Tx) InsertOutbox(ctx context.Context, m outbox.Message) error {
	payload, err := json.Marshal(m.Email)
	if err != nil {
		return err
	}
	_, err = t.exec(ctx, `INSERT INTO outbox (id, kind, quote_id, payload, status, attempts, next_attempt_at, created_at)
		VALUES (?, ?, ?, ?, ?, 0, ?, ?)`, m.ID, string(m.Kind), nullable(m.QuoteID), string(payload), string(m.Status), t.ts(m.NextAttemptAt), t.ts(m.CreatedAt))
	return err
}

// OutboxFor lists a quote's messages, oldest first.
func (t *Tx) OutboxFor(ctx context.Context, quoteID string) ([]outbox.Message, error) {
	var rows []outboxRow
	if err := t.sel(ctx, &rows, `SELECT `+outboxCols+` FROM outbox WHERE quote_id = ? ORDER BY created_at, id`, quoteID); err != nil {
		return nil, err
	}
	return messages(rows)
}

// ClaimOutbox leases up to limit due messages to this worker until now +
// lease and counts the attempt. On PostgreSQL, rows another worker holds
// are skipped (FOR UPDATE SKIP LOCKED); SQLite's single writer serializes
// claims.
func (t *Tx) ClaimOutbox(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]outbox.Message, error) {
	lock := ""
	if t.d == Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	var rows []outboxRow
	err := t.sel(ctx, &rows, `UPDATE outbox SET locked_until = ?, attempts = attempts + 1 WHERE id IN (
			SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= ? AND (locked_until IS NULL OR locked_until < ?)
			ORDER BY next_attempt_at LIMIT ?`+lock+`)
		RETURNING `+outboxCols, t.ts(now.Add(lease)), t.ts(now), t.ts(now), limit)
	if err != nil {
		return nil, err
	}
	return messages(rows)
}

// FinishOutbox records a delivery's outcome: sent, a retry at next, or
// failed for good.
func (t *Tx) FinishOutbox(ctx context.Context, o outbox.Outcome) error {
	var sent any
	if o.Status == outbox.Sent {
		sent = t.ts(o.At)
	}
	_, err := t.exec(ctx, `UPDATE outbox SET status = ?, next_attempt_at = ?, last_error = ?, locked_until = NULL, sent_at = ? WHERE id = ?`,
		string(o.Status), t.ts(o.Next), o.LastError, sent, o.ID)
	return err
}

// InsertSend records a sent version.
func (t *Tx) InsertSend(ctx context.Context, s quote.Send) error {
	_, err := t.exec(ctx, `INSERT INTO quote_sends (quote_id, version, pdf_sha256, recipient, expires_at, sent_by, sent_at, outbox_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, s.QuoteID, s.Version, s.PDFSHA256, s.Recipient, t.ts(s.ExpiresAt), s.SentBy, t.ts(s.SentAt), s.OutboxID)
	return conflictAs(err, "version", "this version was already sent")
}

// GetSend loads the send record of a version.
func (t *Tx) GetSend(ctx context.Context, quoteID string, version int) (quote.Send, error) {
	var r struct {
		PDF       string `db:"pdf_sha256"`
		Recipient string `db:"recipient"`
		ExpiresAt dbTime `db:"expires_at"`
		SentBy    string `db:"sent_by"`
		SentAt    dbTime `db:"sent_at"`
		OutboxID  string `db:"outbox_id"`
	}
	if err := t.get(ctx, &r, `SELECT pdf_sha256, recipient, expires_at, sent_by, sent_at, outbox_id FROM quote_sends
		WHERE quote_id = ? AND version = ?`, quoteID, version); err != nil {
		return quote.Send{}, getOr(err, "send", quoteID)
	}
	return quote.Send{QuoteID: quoteID, Version: version, PDFSHA256: r.PDF, Recipient: r.Recipient, ExpiresAt: r.ExpiresAt.Time,
		SentBy: r.SentBy, SentAt: r.SentAt.Time, OutboxID: r.OutboxID}, nil
}

const decisionCols = `quote_id, version, decision, signer_name, signer_email, reason, ip, user_agent, pdf_sha256, decided_by, decided_at`

type decisionRow struct {
	QuoteID     string `db:"quote_id"`
	Version     int    `db:"version"`
	Decision    string `db:"decision"`
	SignerName  string `db:"signer_name"`
	SignerEmail string `db:"signer_email"`
	Reason      string `db:"reason"`
	IP          string `db:"ip"`
	UserAgent   string `db:"user_agent"`
	PDF         string `db:"pdf_sha256"`
	DecidedBy   string `db:"decided_by"`
	DecidedAt   dbTime `db:"decided_at"`
}

// InsertDecision records the customer's decision unless the quote has one;
// it returns the decision in force and whether this one was recorded.
func (t *Tx) InsertDecision(ctx context.Context, d quote.Decision) (quote.Decision, bool, error) {
	res, err := t.exec(ctx, `INSERT INTO quote_decisions (`+decisionCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (quote_id) DO NOTHING`, d.QuoteID, d.Version, string(d.Kind), d.SignerName, d.SignerEmail, d.Reason, d.IP, d.UserAgent,
		d.PDFSHA256, d.DecidedBy, t.ts(d.DecidedAt))
	if err != nil {
		return quote.Decision{}, false, err
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return d, true, nil
	}
	got, err := t.GetDecision(ctx, d.QuoteID)
	return got, false, err
}

// GetDecision loads a quote's decision.
func (t *Tx) GetDecision(ctx context.Context, quoteID string) (quote.Decision, error) {
	var r decisionRow
	if err := t.get(ctx, &r, `SELECT `+decisionCols+` FROM quote_decisions WHERE quote_id = ?`, quoteID); err != nil {
		return quote.Decision{}, getOr(err, "decision of quote", quoteID)
	}
	return quote.Decision{QuoteID: r.QuoteID, Version: r.Version, Kind: quote.DecisionKind(r.Decision), SignerName: r.SignerName, SignerEmail: r.SignerEmail,
		Reason: r.Reason, IP: r.IP, UserAgent: r.UserAgent, PDFSHA256: r.PDF, DecidedBy: r.DecidedBy, DecidedAt: r.DecidedAt.Time}, nil
}

// SentPastValidity lists sent versions whose valid_until is before today.
func (t *Tx) SentPastValidity(ctx context.Context, today quotient.Date) ([]quote.VersionRef, error) {
	var rows []struct {
		QuoteID string `db:"quote_id"`
		Version int    `db:"version"`
	}
	if err := t.sel(ctx, &rows, `SELECT quote_id, version FROM quote_versions WHERE status = 'sent' AND valid_until < ? ORDER BY quote_id`, today); err != nil {
		return nil, err
	}
	out := make([]quote.VersionRef, len(rows))
	for i, r := range rows {
		out[i] = quote.VersionRef{QuoteID: r.QuoteID, Version: r.Version}
	}
	return out, nil
}

var _ quote.SendStore = (*Tx)(nil)
