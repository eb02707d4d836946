package quote

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/crm"
	"github.com/quotient-cpq/quotient/i18n"
	"github.com/quotient-cpq/quotient/outbox"
)

// Send is the record of a version sent to the customer.
type Send struct {
	QuoteID   string
	Version   int
	PDFSHA256 string
	Recipient string
	ExpiresAt time.Time
	SentBy    string
	SentAt    time.Time
	OutboxID  string
}

// SendStore is what sending and the portal need beyond Store.
type SendStore interface {
	Store
	outbox.Store
	PutDocument(ctx context.Context, sha, contentType string, body []byte, at time.Time) error
	InsertSend(ctx context.Context, s Send) error
	GetSend(ctx context.Context, quoteID string, version int) (Send, error)
	InsertDecision(ctx context.Context, d Decision) (Decision, bool, error)
	GetDecision(ctx context.Context, quoteID string) (Decision, error)
	// SentPastValidity lists the sent versions whose valid_until is
	// before today.
	SentPastValidity(ctx context.Context, today quotient.Date) ([]VersionRef, error)
}

// VersionRef names one version of a quote.
type VersionRef struct {
	QuoteID string
	Version int
}

// Portal signs links and renders PDFs for sending; the application layer
// provides it.
type Portal struct {
	Secret    []byte
	PublicURL string
	// Render returns the PDF of a version for its account.
	Render func(ctx context.Context, q Quote, v Version, acc crm.Account) ([]byte, error)
	// CompanyName signs the e-mail.
	CompanyName string
	// Locale is the language and formats of the account's e-mail (its
	// documents' language); nil writes English.
	Locale func(acc crm.Account) i18n.Locale
}

// URL is the portal link of a send.
func (p Portal) URL(s Send) string {
	return strings.TrimRight(p.PublicURL, "/") + "/portal/quotes/" + SignToken(p.Secret, s.QuoteID, s.Version, s.ExpiresAt)
}

// SendInput chooses the recipient (else the quote's contact) and adds a
// personal message.
type SendInput struct {
	To      string
	Message string
}

// Send sends an approved version: it renders and keeps the PDF and its
// SHA-256, signs a portal link expiring at the end of valid_until, and
// queues the e-mail (PDF attached, link in the body) in the outbox, all in
// one transaction; the version becomes sent and its prices are frozen.
func (s *Service) Send(ctx context.Context, st SendStore, p Portal, id string, in SendInput) (Quote, Version, Send, error) {
	q, v, err := s.writable(ctx, st, id)
	if err != nil {
		return Quote{}, Version{}, Send{}, err
	}
	if v.Status != Approved {
		return Quote{}, Version{}, Send{}, quotient.Errorf(quotient.Conflict, "quote %s version %d is %s; only an approved version can be sent", q.Number, v.Version, v.Status)
	}
	now := s.now().UTC()
	if v.ValidUntil.Before(quotient.DateOf(now)) {
		return Quote{}, Version{}, Send{}, quotient.FieldErrorf(quotient.Conflict, "valid_until", "the quote expired on %s; revise it", v.ValidUntil)
	}
	to := in.To
	var contact crm.Contact
	if q.ContactID != "" {
		if contact, err = st.GetContact(ctx, q.ContactID); err != nil {
			return Quote{}, Version{}, Send{}, err
		}
		if to == "" {
			to = contact.Email
		}
	}
	if to == "" {
		return Quote{}, Version{}, Send{}, quotient.FieldErrorf(quotient.Unprocessable, "to", "the quote has no contact with an e-mail; give to")
	}
	if a, err := mail.ParseAddress(to); err != nil || a.Address != to {
		return Quote{}, Version{}, Send{}, quotient.FieldErrorf(quotient.Unprocessable, "to", "must be an e-mail address (got %q)", to)
	}
	pq := quotient.Problems{}
	pq.Text("message", in.Message, quotient.Optional, 4000)
	if err := pq.Err(); err != nil {
		return Quote{}, Version{}, Send{}, err
	}
	acc, err := st.GetAccount(ctx, q.AccountID)
	if err != nil {
		return Quote{}, Version{}, Send{}, err
	}
	pdf, err := p.Render(ctx, q, v, acc)
	if err != nil {
		return Quote{}, Version{}, Send{}, err
	}
	sum := sha256.Sum256(pdf)
	sha := hex.EncodeToString(sum[:])
	if err := st.PutDocument(ctx, sha, "application/pdf", pdf, now); err != nil {
		return Quote{}, Version{}, Send{}, err
	}
	expires := v.ValidUntil.AddDays(1).Time().Add(-time.Second) // the end of the last valid day, UTC
	a, _ := quotient.RequireActor(ctx)
	sent := Send{QuoteID: q.ID, Version: v.Version, PDFSHA256: sha, Recipient: to, ExpiresAt: expires, SentBy: a.UserID, SentAt: now}
	loc := i18n.Default
	if p.Locale != nil {
		loc = p.Locale(acc)
	}
	var body strings.Builder
	if contact.Name != "" && (to == contact.Email) {
		body.WriteString(loc.T("Dear %s,\n\n", contact.Name))
	} else {
		body.WriteString(loc.T("Hello,\n\n"))
	}
	if in.Message != "" {
		fmt.Fprintf(&body, "%s\n\n", in.Message)
	}
	body.WriteString(loc.T("Please find attached quote %s (version %d) for %s, valid until %s.\n\n", q.Number, v.Version, acc.Name, loc.Date(v.ValidUntil)))
	body.WriteString(loc.T("Review and accept it online:\n%s\n\n", p.URL(sent)))
	body.WriteString(loc.T("Total: %s\n\nKind regards,\n%s\n", loc.Money(v.Priced.Total, q.Currency), p.CompanyName))
	msg := outbox.New(outbox.QuoteEmail, q.ID, outbox.Email{To: to, Subject: loc.T("Quote %s from %s", q.Number, p.CompanyName), Text: body.String(),
		Attachments: []outbox.Attachment{{Filename: fmt.Sprintf("%s-v%d.pdf", q.Number, v.Version), ContentType: "application/pdf", SHA256: sha}}}, now)
	sent.OutboxID = msg.ID
	if err := st.InsertOutbox(ctx, msg); err != nil {
		return Quote{}, Version{}, Send{}, err
	}
	if err := st.InsertSend(ctx, sent); err != nil {
		return Quote{}, Version{}, Send{}, err
	}
	old := v.ETag
	v.Status, v.ETag, v.UpdatedAt = Sent, v.ETag+1, now
	if err := st.SetVersionStatus(ctx, v, old); err != nil {
		return Quote{}, Version{}, Send{}, err
	}
	return q, v, sent, s.event(ctx, st, q, v.Version, "sent", says("to %s; PDF sha256 %s", to, sha))
}

// Deliveries returns the e-mails queued for a quote, with their state.
func (s *Service) Deliveries(ctx context.Context, st SendStore, id string) ([]outbox.Message, error) {
	if _, err := s.Readable(ctx, st, id); err != nil {
		return nil, err
	}
	all, err := st.OutboxFor(ctx, id)
	if err != nil {
		return nil, err
	}
	// The customer's e-mails; approvers' and the owner's notices are not
	// deliveries of the quote.
	out := all[:0]
	for _, m := range all {
		if m.Kind == outbox.QuoteEmail {
			out = append(out, m)
		}
	}
	return out, nil
}

// SendOf returns the send record of a version, if it was sent.
func (s *Service) SendOf(ctx context.Context, st SendStore, id string, version int) (Send, bool, error) {
	sent, err := st.GetSend(ctx, id, version)
	if quotient.ErrorCode(err) == quotient.NotFound {
		return Send{}, false, nil
	}
	return sent, err == nil, err
}

// ExpireDue moves sent versions past valid_until to expired; safe to run
// from every server at once (each change is guarded by the version's etag).
func (s *Service) ExpireDue(ctx context.Context, st SendStore) (int, error) {
	today := quotient.DateOf(s.now())
	due, err := st.SentPastValidity(ctx, today)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, d := range due {
		v, err := st.GetVersion(ctx, d.QuoteID, d.Version)
		if err != nil || v.Status != Sent {
			continue
		}
		old := v.ETag
		v.Status, v.ETag, v.UpdatedAt = Expired, v.ETag+1, s.now().UTC()
		if err := st.SetVersionStatus(ctx, v, old); err != nil {
			if quotient.ErrorCode(err) == quotient.Stale {
				continue // another server got there first
			}
			return n, err
		}
		w := says("valid until %s", v.ValidUntil.String())
		if err := st.InsertEvent(ctx, Event{ID: quotient.NewID("qev"), QuoteID: d.QuoteID, Version: d.Version, Kind: "expired", ActorID: "system",
			Detail: w.String(), Format: w.format, Args: w.args, At: s.now().UTC()}); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
