package server

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/quotient-cpq/quotient/app"
	"github.com/quotient-cpq/quotient/quote"
)

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
	return &DecisionJSON{Version: d.Version, Decision: string(d.Kind), SignerName: d.SignerName, SignerEmail: d.SignerEmail, Reason: d.Reason,
		IP: d.IP, UserAgent: d.UserAgent, PDFSHA256: d.PDFSHA256, DecidedAt: d.DecidedAt}
}

// sentQuoteJSON is a quote with its send record, deliveries and decision.
func sentQuoteJSON(d app.Delivery) SentQuoteJSON {
	out := SentQuoteJSON{QuoteJSON: quoteJSON(d.QuoteVersion), Deliveries: []DeliveryJSON{}}
	if sent := d.Send; sent != nil {
		url := d.PortalURL
		out.PortalURL = &url
		out.Send = &SendJSON{Recipient: sent.Recipient, SentAt: sent.SentAt, SentBy: sent.SentBy, PDFSHA256: sent.PDFSHA256, ExpiresAt: sent.ExpiresAt}
	}
	for _, m := range d.Emails {
		out.Deliveries = append(out.Deliveries, DeliveryJSON{ID: m.ID, To: m.Email.To, Subject: m.Email.Subject, Status: string(m.Status),
			Attempts: m.Attempts, NextAttemptAt: m.NextAttemptAt, LastError: m.LastError, SentAt: m.SentAt})
	}
	if d.Decision != nil {
		out.Decision = decisionJSON(*d.Decision)
	}
	return out
}

// sendQuote is POST /quotes/{id}/send.
func (s *Server) sendQuote() fiber.Handler {
	return func(c *fiber.Ctx) error {
		req, err := decodeOptional[SendRequest](c)
		if err != nil {
			return err
		}
		return commit(c, func(ctx context.Context) (app.Delivery, error) {
			return s.app.SendQuote(ctx, c.Params("id"), quote.SendInput{To: req.To, Message: req.Message})
		}, func(d app.Delivery) response {
			return response{status: fiber.StatusOK, body: sentQuoteJSON(d)}
		})
	}
}

// quoteDelivery is GET /quotes/{id}/delivery: the send record, deliveries
// and decision of the current version.
func (s *Server) quoteDelivery() fiber.Handler {
	return func(c *fiber.Ctx) error {
		d, err := s.app.QuoteDelivery(c.UserContext(), c.Params("id"))
		if err != nil {
			return err
		}
		return send(c, fiber.StatusOK, 0, sentQuoteJSON(d))
	}
}
