package outbox

import (
	"context"
	"math"
	"time"

	"github.com/quotient-cpq/quotient"
)

// Status is where a message is in its life.
type Status string

// The statuses of a message.
const (
	Pending Status = "pending" // waiting for its next attempt
	Sent    Status = "sent"    // handed to the mail server
	Failed  Status = "failed"  // every attempt failed; shown on its document
)

// Kind says what a message is about.
type Kind string

// The kinds of message.
const (
	QuoteEmail Kind = "quote_email" // a quote sent to the customer, its PDF attached
	Dunning    Kind = "dunning"     // a payment reminder
	// ApprovalRequest tells an approver a quote waits for them.
	ApprovalRequest Kind = "approval_request"
	// ApprovalDecision tells a quote's owner it was approved or rejected.
	ApprovalDecision Kind = "approval_decision"
	// SignIn carries a one-time link into the workspace.
	SignIn Kind = "sign_in"
	// CustomerStatement sends an account its statement, the PDF attached.
	CustomerStatement Kind = "customer_statement"
)

// Message is an e-mail waiting in (or delivered from) the outbox.
type Message struct {
	ID            string
	Kind          Kind
	QuoteID       string // the quote it sends, for quote e-mail
	Email         Email
	Status        Status
	Attempts      int
	NextAttemptAt time.Time
	LastError     string
	CreatedAt     time.Time
	SentAt        *time.Time
}

// Email is a message's content; attachments are stored documents named by
// their hash.
type Email struct {
	To          string       `json:"to"`
	Subject     string       `json:"subject"`
	Text        string       `json:"text"`
	Attachments []Attachment `json:"attachments,omitempty"`
}

// Attachment is a stored document attached to an e-mail.
type Attachment struct {
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	SHA256      string `json:"sha256"`
}

// Store is what the outbox needs from storage.
type Store interface {
	// InsertOutbox queues a message in the caller's transaction.
	InsertOutbox(ctx context.Context, m Message) error
	// OutboxFor lists a quote's messages, oldest first.
	OutboxFor(ctx context.Context, quoteID string) ([]Message, error)
	// ClaimOutbox leases up to limit due messages until now+lease and
	// counts the attempt; messages another worker leased are skipped.
	ClaimOutbox(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]Message, error)
	// FinishOutbox records the outcome of an attempt.
	FinishOutbox(ctx context.Context, o Outcome) error
	// GetDocument loads a stored document (an attachment) by its hash.
	GetDocument(ctx context.Context, sha string) (contentType string, body []byte, err error)
}

// New is a message due now.
func New(kind Kind, quoteID string, e Email, now time.Time) Message {
	return Message{ID: quotient.NewID("obx"), Kind: kind, QuoteID: quoteID, Email: e, Status: Pending, NextAttemptAt: now, CreatedAt: now}
}

// Delivery is tuned here: attempts back off exponentially from FirstBackoff
// to MaxBackoff; after MaxAttempts a message has failed for good.
const (
	MaxAttempts  = 8
	FirstBackoff = 30 * time.Second
	MaxBackoff   = time.Hour
	Lease        = 2 * time.Minute
	Batch        = 20
)

// Outcome is what an attempt to deliver a message came to.
type Outcome struct {
	ID        string
	Status    Status
	Next      time.Time // the next attempt, for a pending message
	LastError string
	At        time.Time
}

// Attempted decides what happens to a message after an attempt (its
// Attempts already count it): sent, retried after a backoff, or failed.
func Attempted(m Message, err error, now time.Time) Outcome {
	if err == nil {
		return Outcome{ID: m.ID, Status: Sent, Next: now, At: now}
	}
	backoff := time.Duration(math.Min(float64(MaxBackoff), float64(FirstBackoff)*math.Pow(2, float64(m.Attempts-1))))
	o := Outcome{ID: m.ID, Status: Pending, Next: now.Add(backoff), LastError: err.Error(), At: now}
	if m.Attempts >= MaxAttempts {
		o.Status = Failed
	}
	return o
}
