package server

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/document"
	"github.com/quotient-cpq/quotient/mail"
	"github.com/quotient-cpq/quotient/quote"
)

// Outbox delivery: attempts back off exponentially from 30 s to an hour;
// after maxAttempts a message is failed (and shown as such on its quote).
const (
	maxAttempts  = 8
	outboxLease  = 2 * time.Minute
	outboxBatch  = 20
	firstBackoff = 30 * time.Second
	maxBackoff   = time.Hour
)

// portal is how the quote service signs links and renders PDFs.
func (s *Server) portal(ctx context.Context, tx Tx) quote.Portal {
	company := "Quotient"
	if name, ok, err := tx.Setting(ctx, settingCompanyName); err == nil && ok {
		company = name
	}
	return quote.Portal{Secret: s.cfg.Secret, PublicURL: s.cfg.PublicURL, CompanyName: company,
		Render: func(ctx context.Context, _ quote.SendStore, q quote.Quote, v quote.Version) ([]byte, error) {
			doc, err := s.quoteDocument(ctx, tx, q, v)
			if err != nil {
				return nil, err
			}
			return document.QuotePDF(doc)
		}}
}

// SendRequest chooses the recipient (else the quote's contact) and adds a
// message to the e-mail.
type SendRequest struct {
	To      string `json:"to,omitempty" maxLength:"254"`
	Message string `json:"message,omitempty" maxLength:"4000"`
}

// SendJSON is the send record of a version.
type SendJSON struct {
	Recipient string    `json:"recipient"`
	SentAt    time.Time `json:"sent_at"`
	SentBy    string    `json:"sent_by"`
	PDFSHA256 string    `json:"pdf_sha256"`
	ExpiresAt time.Time `json:"expires_at"`
}

// DeliveryJSON is an e-mail queued for a quote and its delivery state.
type DeliveryJSON struct {
	ID            string     `json:"id"`
	To            string     `json:"to"`
	Subject       string     `json:"subject"`
	Status        string     `json:"status" enum:"pending,sent,failed"`
	Attempts      int        `json:"attempts"`
	NextAttemptAt time.Time  `json:"next_attempt_at"`
	LastError     string     `json:"last_error"`
	SentAt        *time.Time `json:"sent_at"`
}

// DecisionJSON is the customer's decision.
type DecisionJSON struct {
	Version     int       `json:"version"`
	Decision    string    `json:"decision" enum:"accepted,rejected"`
	SignerName  string    `json:"signer_name"`
	SignerEmail string    `json:"signer_email"`
	Reason      string    `json:"reason"`
	IP          string    `json:"ip"`
	UserAgent   string    `json:"user_agent"`
	PDFSHA256   string    `json:"pdf_sha256"`
	DecidedAt   time.Time `json:"decided_at"`
	// OrderNumber is the order an acceptance made (portal answers only).
	OrderNumber string `json:"order_number,omitempty"`
}

// SentQuoteJSON is a quote with what happened after it was sent.
type SentQuoteJSON struct {
	QuoteJSON
	PortalURL  *string        `json:"portal_url"`
	Send       *SendJSON      `json:"send"`
	Deliveries []DeliveryJSON `json:"deliveries"`
	Decision   *DecisionJSON  `json:"decision"`
}

func decisionJSON(d quote.Decision) *DecisionJSON {
	return &DecisionJSON{Version: d.Version, Decision: d.Decision, SignerName: d.SignerName, SignerEmail: d.SignerEmail, Reason: d.Reason,
		IP: d.IP, UserAgent: d.UserAgent, PDFSHA256: d.PDFSHA256, DecidedAt: d.DecidedAt}
}

// sentQuote adds the send record, deliveries and decision to a quote.
func (s *Server) sentQuote(ctx context.Context, tx Tx, x quoted) (SentQuoteJSON, error) {
	out := SentQuoteJSON{QuoteJSON: quoteJSON(x), Deliveries: []DeliveryJSON{}}
	sent, ok, err := s.quotes.SendOf(ctx, tx, x.q.ID, x.v.Version)
	if err != nil {
		return out, err
	}
	if ok {
		url := s.portal(ctx, tx).URL(sent)
		out.PortalURL = &url
		out.Send = &SendJSON{Recipient: sent.Recipient, SentAt: sent.SentAt, SentBy: sent.SentBy, PDFSHA256: sent.PDFSHA256, ExpiresAt: sent.ExpiresAt}
	}
	msgs, err := s.quotes.Deliveries(ctx, tx, x.q.ID)
	if err != nil {
		return out, err
	}
	for _, m := range msgs {
		out.Deliveries = append(out.Deliveries, DeliveryJSON{ID: m.ID, To: m.Payload.To, Subject: m.Payload.Subject, Status: m.Status,
			Attempts: m.Attempts, NextAttemptAt: m.NextAttemptAt, LastError: m.LastError, SentAt: m.SentAt})
	}
	if d, err := tx.GetDecision(ctx, x.q.ID); err == nil {
		out.Decision = decisionJSON(d)
	} else if quotient.ErrorCode(err) != quotient.NotFound {
		return out, err
	}
	return out, nil
}

// sendQuote is POST /quotes/{id}/send.
func (s *Server) sendQuote() fiber.Handler {
	return func(c *fiber.Ctx) error {
		req, err := decodeOptional[SendRequest](c)
		if err != nil {
			return err
		}
		return commit(s, c, func(ctx context.Context, tx Tx) (SentQuoteJSON, error) {
			q, v, _, err := s.quotes.Send(ctx, tx, s.portal(ctx, tx), c.Params("id"), quote.SendInput{To: req.To, Message: req.Message})
			if err != nil {
				return SentQuoteJSON{}, err
			}
			return s.sentQuote(ctx, tx, quoted{q, v})
		}, func(out SentQuoteJSON) response {
			return response{status: fiber.StatusOK, body: out}
		})
	}
}

// quoteStatus is GET /quotes/{id}/delivery: the send record, deliveries
// and decision of the current version.
func (s *Server) quoteDelivery() fiber.Handler {
	return func(c *fiber.Ctx) error {
		out, err := read(s, c, func(ctx context.Context, tx Tx) (SentQuoteJSON, error) {
			q, v, err := s.quotes.Get(ctx, tx, c.Params("id"))
			if err != nil {
				return SentQuoteJSON{}, err
			}
			return s.sentQuote(ctx, tx, quoted{q, v})
		})
		if err != nil {
			return err
		}
		return send(c, fiber.StatusOK, 0, out)
	}
}

// DeliverOutbox hands due e-mails to the mail sender and records each
// outcome; without a sender, mail waits in the outbox. It returns how
// many were sent.
func (s *Server) DeliverOutbox(ctx context.Context) (int, error) {
	if s.cfg.Mail == nil {
		return 0, nil
	}
	var msgs []quote.OutboxMessage
	if err := s.db.InTx(ctx, func(tx Tx) error {
		var err error
		msgs, err = tx.ClaimOutbox(ctx, s.now().UTC(), outboxLease, outboxBatch)
		return err
	}); err != nil {
		return 0, err
	}
	sent := 0
	for _, m := range msgs {
		err := s.deliver(ctx, m)
		now := s.now().UTC()
		status, next, lastErr := "sent", now, ""
		if err != nil {
			lastErr = err.Error()
			backoff := time.Duration(math.Min(float64(maxBackoff), float64(firstBackoff)*math.Pow(2, float64(m.Attempts-1))))
			status, next = "pending", now.Add(backoff)
			if m.Attempts >= maxAttempts {
				status = "failed"
			}
			s.log.Warn("mail delivery failed", slog.String("outbox_id", m.ID), slog.Int("attempt", m.Attempts), slog.String("status", status), slog.Any("error", err))
		} else {
			sent++
		}
		if err := s.db.InTx(ctx, func(tx Tx) error { return tx.FinishOutbox(ctx, m.ID, status, next, lastErr, now) }); err != nil {
			return sent, err
		}
	}
	return sent, nil
}

func (s *Server) deliver(ctx context.Context, m quote.OutboxMessage) error {
	msg := mail.Message{From: s.cfg.MailFrom, To: m.Payload.To, Subject: m.Payload.Subject, Text: m.Payload.Text}
	for _, a := range m.Payload.Attachments {
		var body []byte
		err := s.db.View(ctx, func(tx Tx) error {
			var err error
			_, body, err = tx.GetDocument(ctx, a.SHA256)
			return err
		})
		if err != nil {
			return fmt.Errorf("attachment %s: %w", a.Filename, err)
		}
		msg.Attachments = append(msg.Attachments, mail.Attachment{Filename: a.Filename, ContentType: a.ContentType, Body: body})
	}
	if strings.TrimSpace(msg.To) == "" {
		return fmt.Errorf("no recipient")
	}
	return s.cfg.Mail.Send(msg)
}

// ExpireQuotes moves sent quotes past valid_until to expired.
func (s *Server) ExpireQuotes(ctx context.Context) (int, error) {
	var n int
	err := s.db.InTx(ctx, func(tx Tx) error {
		var err error
		n, err = s.quotes.ExpireDue(ctx, tx)
		return err
	})
	return n, err
}
