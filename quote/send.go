package quote

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/crm"
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

// Decision is the customer's acceptance or rejection of a quote.
type Decision struct {
	QuoteID     string
	Version     int
	Decision    string // accepted, rejected
	SignerName  string
	SignerEmail string
	Reason      string
	IP          string
	UserAgent   string
	PDFSHA256   string
	DecidedBy   string
	DecidedAt   time.Time
}

// OutboxMessage is an e-mail waiting in the outbox: written in the
// transaction that decided to send it, delivered after commit by a worker.
type OutboxMessage struct {
	ID            string
	Kind          string
	QuoteID       string
	Payload       Email
	Status        string // pending, sent, failed
	Attempts      int
	NextAttemptAt time.Time
	LastError     string
	CreatedAt     time.Time
	SentAt        *time.Time
}

// Email is an outbox message's content; attachments are documents by hash.
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

// SendStore is what sending and the portal need beyond Store.
type SendStore interface {
	Store
	PutDocument(ctx context.Context, sha, contentType string, body []byte, at time.Time) error
	GetDocument(ctx context.Context, sha string) (string, []byte, error)
	InsertOutbox(ctx context.Context, m OutboxMessage) error
	OutboxFor(ctx context.Context, quoteID string) ([]OutboxMessage, error)
	InsertSend(ctx context.Context, s Send) error
	GetSend(ctx context.Context, quoteID string, version int) (Send, error)
	InsertDecision(ctx context.Context, d Decision) (Decision, bool, error)
	GetDecision(ctx context.Context, quoteID string) (Decision, error)
	SentPastValidity(ctx context.Context, today string) ([][2]any, error)
}

// Portal signs links and renders PDFs for sending; the server provides it.
type Portal struct {
	Secret    []byte
	PublicURL string
	// Render returns the PDF of a version.
	Render func(ctx context.Context, st SendStore, q Quote, v Version) ([]byte, error)
	// CompanyName signs the e-mail.
	CompanyName string
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
	if v.ValidUntil < now.Format(time.DateOnly) {
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
	pq.Text("message", in.Message, false, 4000)
	if err := pq.Err(); err != nil {
		return Quote{}, Version{}, Send{}, err
	}
	pdf, err := p.Render(ctx, st, q, v)
	if err != nil {
		return Quote{}, Version{}, Send{}, err
	}
	sum := sha256.Sum256(pdf)
	sha := hex.EncodeToString(sum[:])
	if err := st.PutDocument(ctx, sha, "application/pdf", pdf, now); err != nil {
		return Quote{}, Version{}, Send{}, err
	}
	expires, _ := time.Parse(time.DateOnly, v.ValidUntil)
	expires = expires.Add(24*time.Hour - time.Second) // the end of the last valid day, UTC
	a, _ := quotient.RequireActor(ctx)
	sent := Send{QuoteID: q.ID, Version: v.Version, PDFSHA256: sha, Recipient: to, ExpiresAt: expires, SentBy: a.UserID, SentAt: now,
		OutboxID: quotient.NewID("obx")}
	acc, err := st.GetAccount(ctx, q.AccountID)
	if err != nil {
		return Quote{}, Version{}, Send{}, err
	}
	greeting := "Hello"
	if contact.Name != "" && (to == contact.Email) {
		greeting = "Dear " + contact.Name
	}
	var body strings.Builder
	fmt.Fprintf(&body, "%s,\n\n", greeting)
	if in.Message != "" {
		fmt.Fprintf(&body, "%s\n\n", in.Message)
	}
	fmt.Fprintf(&body, "Please find attached quote %s (version %d) for %s, valid until %s.\n\n", q.Number, v.Version, acc.Name, v.ValidUntil)
	fmt.Fprintf(&body, "Review and accept it online:\n%s\n\n", p.URL(sent))
	fmt.Fprintf(&body, "Total: %s %s\n\nKind regards,\n%s\n", v.Priced.Total, q.Currency, p.CompanyName)
	msg := OutboxMessage{ID: sent.OutboxID, Kind: "quote_email", QuoteID: q.ID, Status: "pending", NextAttemptAt: now, CreatedAt: now,
		Payload: Email{To: to, Subject: fmt.Sprintf("Quote %s from %s", q.Number, p.CompanyName), Text: body.String(),
			Attachments: []Attachment{{Filename: fmt.Sprintf("%s-v%d.pdf", q.Number, v.Version), ContentType: "application/pdf", SHA256: sha}}}}
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
	return q, v, sent, s.event(ctx, st, q, v.Version, "sent", fmt.Sprintf("to %s; PDF sha256 %s", to, sha))
}

// PortalView is what the customer's page shows.
type PortalView struct {
	Quote    Quote
	Version  Version
	Current  Version // the quote's current version (superseded when different)
	Send     Send
	Decision *Decision
	Account  crm.Account
	Expired  bool
}

// portalErr is the error a portal request gets for a bad token: the same
// not_found whatever was wrong.
var portalErr = quotient.Errorf(quotient.NotFound, "this link is not valid; ask your contact for a new one")

// View resolves a portal token into what the customer sees.
func (s *Service) View(ctx context.Context, st SendStore, secret []byte, token string) (PortalView, error) {
	now := s.now().UTC()
	id, n, err := VerifyToken(secret, token, now)
	if err != nil {
		return PortalView{}, portalErr
	}
	q, err := st.GetQuote(ctx, id)
	if err != nil {
		return PortalView{}, portalErr
	}
	v, err := st.GetVersion(ctx, id, n)
	if err != nil {
		return PortalView{}, portalErr
	}
	sent, err := st.GetSend(ctx, id, n)
	if err != nil {
		return PortalView{}, portalErr
	}
	view := PortalView{Quote: q, Version: v, Send: sent}
	if view.Current, err = st.GetVersion(ctx, id, q.CurrentVersion); err != nil {
		return PortalView{}, err
	}
	if d, err := st.GetDecision(ctx, id); err == nil {
		view.Decision = &d
	} else if quotient.ErrorCode(err) != quotient.NotFound {
		return PortalView{}, err
	}
	if view.Account, err = st.GetAccount(ctx, q.AccountID); err != nil {
		return PortalView{}, err
	}
	view.Expired = v.Status == Expired || v.ValidUntil < now.Format(time.DateOnly)
	return view, nil
}

// CustomerInput is what the customer gives when deciding.
type CustomerInput struct {
	SignerName  string
	SignerEmail string
	Accept      bool // the explicit "I accept" box
	Reason      string
	IP          string
	UserAgent   string
}

// Accept records the customer's acceptance of the version their link
// names: signer, time, IP, user agent and the hash of the PDF they were
// sent. It is idempotent (a repeat returns the first acceptance); it moves
// the opportunity to closed_won with the quote's total. An expired,
// superseded or rejected quote is a 409 saying why.
func (s *Service) Accept(ctx context.Context, st SendStore, secret []byte, token string, in CustomerInput) (PortalView, Decision, error) {
	view, err := s.View(ctx, st, secret, token)
	if err != nil {
		return view, Decision{}, err
	}
	if d := view.Decision; d != nil {
		if d.Decision == "accepted" && d.Version == view.Version.Version {
			return view, *d, nil
		}
		return view, Decision{}, quotient.Errorf(quotient.Conflict, "this quote was already %s", d.Decision)
	}
	p := quotient.Problems{}
	p.Text("signer_name", in.SignerName, true, 200)
	p.Email("signer_email", in.SignerEmail, true)
	if !in.Accept {
		p.Add("accept", "tick the box to confirm you accept the quote")
	}
	if err := p.Err(); err != nil {
		return view, Decision{}, err
	}
	if err := s.checkOpen(view); err != nil {
		return view, Decision{}, err
	}
	d, err := s.decide(ctx, st, view, "accepted", in)
	if err != nil {
		return view, Decision{}, err
	}
	return view, d, s.closeWon(ctx, st, view.Quote, view.Version)
}

// closeWon moves an accepted quote's opportunity to closed_won with the
// quote's net total, closed today.
func (s *Service) closeWon(ctx context.Context, st SendStore, q Quote, v Version) error {
	if q.OpportunityID == "" {
		return nil
	}
	o, err := st.GetOpportunity(ctx, q.OpportunityID)
	if err != nil || o.Stage.Closed() {
		return err
	}
	old := o.Version
	now := s.now().UTC()
	o.Stage, o.Probability, o.Amount, o.CloseDate = crm.ClosedWon, crm.ClosedWon.DefaultProbability(), v.Priced.NetTotal, now.Format(time.DateOnly)
	o.Version++
	o.UpdatedAt = now
	return st.UpdateOpportunity(ctx, o, old)
}

// ConvertInput is a rep's record of a signature obtained offline.
type ConvertInput struct {
	SignerName  string
	SignerEmail string
	Reason      string // how the signature was obtained, e.g. "signed paper copy"
}

// Convert records that the customer accepted the current version offline:
// a rep (the owner, or a manager or admin) marks an approved or sent
// version accepted on the customer's behalf. The decision names the rep
// who recorded it. Converting an already accepted version is harmless and
// returns the first acceptance.
func (s *Service) Convert(ctx context.Context, st SendStore, id string, in ConvertInput) (Quote, Version, Decision, error) {
	q, v, err := s.writable(ctx, st, id)
	if err != nil {
		return Quote{}, Version{}, Decision{}, err
	}
	a, _ := quotient.RequireActor(ctx)
	if d, err := st.GetDecision(ctx, id); err == nil {
		if d.Decision == "accepted" && d.Version == v.Version {
			// Read the version again: a concurrent conversion may have
			// accepted it after we read it.
			q, v, err := s.GetVersion(ctx, st, id, v.Version)
			return q, v, d, err
		}
		return Quote{}, Version{}, Decision{}, quotient.Errorf(quotient.Conflict, "quote %s was already %s", q.Number, d.Decision)
	} else if quotient.ErrorCode(err) != quotient.NotFound {
		return Quote{}, Version{}, Decision{}, err
	}
	if v.Status != Approved && v.Status != Sent {
		return Quote{}, Version{}, Decision{}, quotient.Errorf(quotient.Conflict,
			"quote %s version %d is %s; only an approved or sent quote can be converted", q.Number, v.Version, v.Status)
	}
	if v.ValidUntil != "" && v.ValidUntil < s.now().UTC().Format(time.DateOnly) {
		return Quote{}, Version{}, Decision{}, quotient.Errorf(quotient.Conflict, "quote %s expired on %s; revise it to make a new version", q.Number, v.ValidUntil)
	}
	p := quotient.Problems{}
	p.Text("signer_name", in.SignerName, false, 200)
	if in.SignerEmail != "" {
		p.Email("signer_email", in.SignerEmail, false)
	}
	p.Text("reason", in.Reason, false, 2000)
	if err := p.Err(); err != nil {
		return Quote{}, Version{}, Decision{}, err
	}
	view := PortalView{Quote: q, Version: v, Current: v}
	if sent, ok, err := s.SendOf(ctx, st, id, v.Version); err != nil {
		return Quote{}, Version{}, Decision{}, err
	} else if ok {
		view.Send = sent
	}
	d, err := s.decideAs(ctx, st, view, "accepted", CustomerInput{SignerName: in.SignerName, SignerEmail: in.SignerEmail, Reason: in.Reason}, "rep:"+a.UserID)
	if err != nil {
		return Quote{}, Version{}, Decision{}, err
	}
	if err := s.closeWon(ctx, st, q, v); err != nil {
		return Quote{}, Version{}, Decision{}, err
	}
	return q, v.accepted(d), d, nil
}

// accepted is the version as decideAs left it when it recorded d.
func (v Version) accepted(d Decision) Version {
	v.Status, v.ETag, v.UpdatedAt = Accepted, v.ETag+1, d.DecidedAt
	return v
}

// RejectByCustomer records the customer's rejection with their reason.
func (s *Service) RejectByCustomer(ctx context.Context, st SendStore, secret []byte, token string, in CustomerInput) (PortalView, Decision, error) {
	view, err := s.View(ctx, st, secret, token)
	if err != nil {
		return view, Decision{}, err
	}
	if d := view.Decision; d != nil {
		if d.Decision == "rejected" && d.Version == view.Version.Version {
			return view, *d, nil
		}
		return view, Decision{}, quotient.Errorf(quotient.Conflict, "this quote was already %s", d.Decision)
	}
	p := quotient.Problems{}
	p.Text("reason", in.Reason, true, 2000)
	if err := p.Err(); err != nil {
		return view, Decision{}, err
	}
	if err := s.checkOpen(view); err != nil {
		return view, Decision{}, err
	}
	d, err := s.decide(ctx, st, view, "rejected", in)
	return view, d, err
}

// checkOpen refuses a decision on a version that is no longer open.
func (s *Service) checkOpen(view PortalView) error {
	v := view.Version
	switch {
	case view.Current.Version != v.Version || v.Status == Superseded:
		return quotient.Errorf(quotient.Conflict, "this version of the quote was replaced by version %d; use the link of the newest version", view.Current.Version)
	case view.Expired:
		return quotient.Errorf(quotient.Conflict, "this quote expired on %s; ask your contact for a new one", v.ValidUntil)
	case v.Status != Sent:
		return quotient.Errorf(quotient.Conflict, "this quote is %s and can no longer be accepted or rejected", v.Status)
	}
	return nil
}

func (s *Service) decide(ctx context.Context, st SendStore, view PortalView, decision string, in CustomerInput) (Decision, error) {
	return s.decideAs(ctx, st, view, decision, in, "customer")
}

// decideAs records a decision made by the customer ("customer") or by a
// rep on their behalf ("rep:<user id>").
func (s *Service) decideAs(ctx context.Context, st SendStore, view PortalView, decision string, in CustomerInput, by string) (Decision, error) {
	now := s.now().UTC()
	d := Decision{QuoteID: view.Quote.ID, Version: view.Version.Version, Decision: decision, SignerName: in.SignerName,
		SignerEmail: strings.ToLower(in.SignerEmail), Reason: in.Reason, IP: in.IP, UserAgent: truncate(in.UserAgent, 500),
		PDFSHA256: view.Send.PDFSHA256, DecidedBy: by, DecidedAt: now}
	got, inserted, err := st.InsertDecision(ctx, d)
	if err != nil {
		return Decision{}, err
	}
	if !inserted {
		if got.Decision == decision && got.Version == d.Version {
			return got, nil
		}
		return Decision{}, quotient.Errorf(quotient.Conflict, "this quote was already %s", got.Decision)
	}
	v := view.Version
	old := v.ETag
	v.Status = Accepted
	if decision == "rejected" {
		v.Status = Rejected
	}
	v.ETag, v.UpdatedAt = v.ETag+1, now
	if err := st.SetVersionStatus(ctx, v, old); err != nil {
		return Decision{}, err
	}
	detail, _ := json.Marshal(map[string]string{"signer_name": d.SignerName, "signer_email": d.SignerEmail, "ip": d.IP,
		"pdf_sha256": d.PDFSHA256, "reason": d.Reason})
	kind, actor := decision+"_by_customer", "customer:"+d.SignerEmail
	if by != "customer" {
		kind, actor = decision+"_on_behalf_of_customer", strings.TrimPrefix(by, "rep:")
	}
	err = st.InsertEvent(ctx, Event{ID: quotient.NewID("qev"), QuoteID: v.QuoteID, Version: v.Version, Kind: kind,
		ActorID: actor, Detail: string(detail), At: now})
	return got, err
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// ExpireDue moves sent versions past valid_until to expired; safe to run
// from every server at once (each change is guarded by the version's etag).
func (s *Service) ExpireDue(ctx context.Context, st SendStore) (int, error) {
	today := s.now().UTC().Format(time.DateOnly)
	due, err := st.SentPastValidity(ctx, today)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, d := range due {
		id, version := d[0].(string), d[1].(int)
		v, err := st.GetVersion(ctx, id, version)
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
		if err := st.InsertEvent(ctx, Event{ID: quotient.NewID("qev"), QuoteID: id, Version: version, Kind: "expired", ActorID: "system",
			Detail: "valid until " + v.ValidUntil, At: s.now().UTC()}); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// Deliveries returns the e-mails queued for a quote, with their state.
func (s *Service) Deliveries(ctx context.Context, st SendStore, id string) ([]OutboxMessage, error) {
	if _, err := quotient.RequireActor(ctx); err != nil {
		return nil, err
	}
	return st.OutboxFor(ctx, id)
}

// SendOf returns the send record of a version, if it was sent.
func (s *Service) SendOf(ctx context.Context, st SendStore, id string, version int) (Send, bool, error) {
	sent, err := st.GetSend(ctx, id, version)
	if quotient.ErrorCode(err) == quotient.NotFound {
		return Send{}, false, nil
	}
	return sent, err == nil, err
}
