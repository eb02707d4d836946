package quote

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/crm"
)

// DecisionKind is what the customer decided.
type DecisionKind string

// The customer's decisions.
const (
	AcceptedDecision DecisionKind = "accepted"
	RejectedDecision DecisionKind = "rejected"
)

// Decision is the customer's acceptance or rejection of a quote.
type Decision struct {
	QuoteID     string
	Version     int
	Kind        DecisionKind
	SignerName  string
	SignerEmail string
	Reason      string
	IP          string
	UserAgent   string
	PDFSHA256   string
	// DecidedBy is "customer", or "rep:<user id>" for a signature a rep
	// recorded on the customer's behalf.
	DecidedBy string
	DecidedAt time.Time
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

// Closed says why the customer can no longer accept or decline the
// version their link names (a conflict), or nil while they can: it is the
// current version, it was sent, it has not expired and nothing was
// decided. The portal's page and the decisions both ask this.
func (v PortalView) Closed() error {
	ver := v.Version
	switch {
	case v.Decision != nil:
		return quotient.Errorf(quotient.Conflict, "this quote was already %s", v.Decision.Kind)
	case v.Current.Version != ver.Version || ver.Status == Superseded:
		return quotient.Errorf(quotient.Conflict, "this version of the quote was replaced by version %d; use the link of the newest version", v.Current.Version)
	case v.Expired:
		return quotient.Errorf(quotient.Conflict, "this quote expired on %s; ask your contact for a new one", ver.ValidUntil)
	case ver.Status != Sent:
		return quotient.Errorf(quotient.Conflict, "this quote is %s and can no longer be accepted or rejected", ver.Status)
	}
	return nil
}

// Open reports whether the customer may still accept or decline.
func (v PortalView) Open() bool { return v.Closed() == nil }

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
	view := PortalView{Quote: q, Version: v, Current: v, Send: sent}
	if q.CurrentVersion != n {
		if view.Current, err = st.GetVersion(ctx, id, q.CurrentVersion); err != nil {
			return PortalView{}, err
		}
	}
	if d, err := st.GetDecision(ctx, id); err == nil {
		view.Decision = &d
	} else if quotient.ErrorCode(err) != quotient.NotFound {
		return PortalView{}, err
	}
	if view.Account, err = st.GetAccount(ctx, q.AccountID); err != nil {
		return PortalView{}, err
	}
	view.Expired = v.Status == Expired || v.ValidUntil.Before(quotient.DateOf(now))
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
// sent. It returns the view with the version as accepted. It is
// idempotent (a repeat returns the first acceptance); it moves the
// opportunity to closed_won with the quote's total. An expired,
// superseded or rejected quote is a 409 saying why.
func (s *Service) Accept(ctx context.Context, st SendStore, secret []byte, token string, in CustomerInput) (PortalView, Decision, error) {
	view, err := s.View(ctx, st, secret, token)
	if err != nil {
		return view, Decision{}, err
	}
	if d := view.Decision; d != nil && d.Kind == AcceptedDecision && d.Version == view.Version.Version {
		// Accepted already (perhaps by a concurrent request that committed
		// between our reading the version and the decision): the version
		// is accepted whatever status the earlier read saw.
		if view.Version.Status != Accepted {
			view = view.decided(*d)
		}
		return view, *d, nil
	}
	p := quotient.Problems{}
	p.Text("signer_name", in.SignerName, true, 200)
	p.Email("signer_email", in.SignerEmail, true)
	if !in.Accept {
		p.Add("accept", "tick the box to confirm you accept the quote")
	}
	if view.Decision == nil {
		if err := p.Err(); err != nil {
			return view, Decision{}, err
		}
	}
	if err := view.Closed(); err != nil {
		return view, Decision{}, err
	}
	d, err := s.decide(ctx, st, view, AcceptedDecision, in, "customer")
	if err != nil {
		return view, Decision{}, err
	}
	view = view.decided(d)
	return view, d, s.closeWon(ctx, st, view.Quote, view.Version)
}

// RejectByCustomer records the customer's rejection with their reason.
func (s *Service) RejectByCustomer(ctx context.Context, st SendStore, secret []byte, token string, in CustomerInput) (PortalView, Decision, error) {
	view, err := s.View(ctx, st, secret, token)
	if err != nil {
		return view, Decision{}, err
	}
	if d := view.Decision; d != nil && d.Kind == RejectedDecision && d.Version == view.Version.Version {
		return view, *d, nil
	}
	p := quotient.Problems{}
	p.Text("reason", in.Reason, true, 2000)
	if view.Decision == nil {
		if err := p.Err(); err != nil {
			return view, Decision{}, err
		}
	}
	if err := view.Closed(); err != nil {
		return view, Decision{}, err
	}
	d, err := s.decide(ctx, st, view, RejectedDecision, in, "customer")
	if err != nil {
		return view, Decision{}, err
	}
	return view.decided(d), d, nil
}

// decided is the view after d was recorded: the version accepted or
// rejected as decide left it.
func (v PortalView) decided(d Decision) PortalView {
	v.Version.Status, v.Version.ETag, v.Version.UpdatedAt = Accepted, v.Version.ETag+1, d.DecidedAt
	if d.Kind == RejectedDecision {
		v.Version.Status = Rejected
	}
	if v.Current.Version == v.Version.Version {
		v.Current = v.Version
	}
	v.Decision = &d
	return v
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
	o.Stage, o.Probability, o.Amount, o.CloseDate = crm.ClosedWon, crm.ClosedWon.DefaultProbability(), v.Priced.NetTotal, quotient.DateOf(now)
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
// version accepted on the customer's behalf, and gets the version as
// accepted. The decision names the rep who recorded it. Converting an
// already accepted version is harmless and returns the first acceptance.
func (s *Service) Convert(ctx context.Context, st SendStore, id string, in ConvertInput) (Quote, Version, Decision, error) {
	q, v, err := s.writable(ctx, st, id)
	if err != nil {
		return Quote{}, Version{}, Decision{}, err
	}
	a, _ := quotient.RequireActor(ctx)
	if d, err := st.GetDecision(ctx, id); err == nil {
		if d.Kind == AcceptedDecision && d.Version == v.Version {
			// Read the version again: a concurrent conversion may have
			// accepted it after we read it.
			q, v, err := s.GetVersion(ctx, st, id, v.Version)
			return q, v, d, err
		}
		return Quote{}, Version{}, Decision{}, quotient.Errorf(quotient.Conflict, "quote %s was already %s", q.Number, d.Kind)
	} else if quotient.ErrorCode(err) != quotient.NotFound {
		return Quote{}, Version{}, Decision{}, err
	}
	if v.Status != Approved && v.Status != Sent {
		return Quote{}, Version{}, Decision{}, quotient.Errorf(quotient.Conflict,
			"quote %s version %d is %s; only an approved or sent quote can be converted", q.Number, v.Version, v.Status)
	}
	if !v.ValidUntil.IsZero() && v.ValidUntil.Before(quotient.DateOf(s.now())) {
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
	d, err := s.decide(ctx, st, view, AcceptedDecision, CustomerInput{SignerName: in.SignerName, SignerEmail: in.SignerEmail, Reason: in.Reason}, "rep:"+a.UserID)
	if err != nil {
		return Quote{}, Version{}, Decision{}, err
	}
	view = view.decided(d)
	if err := s.closeWon(ctx, st, q, view.Version); err != nil {
		return Quote{}, Version{}, Decision{}, err
	}
	return q, view.Version, d, nil
}

// decide records a decision made by the customer ("customer") or by a
// rep on their behalf ("rep:<user id>"), and moves the version to
// accepted or rejected.
func (s *Service) decide(ctx context.Context, st SendStore, view PortalView, kind DecisionKind, in CustomerInput, by string) (Decision, error) {
	now := s.now().UTC()
	d := Decision{QuoteID: view.Quote.ID, Version: view.Version.Version, Kind: kind, SignerName: in.SignerName,
		SignerEmail: strings.ToLower(in.SignerEmail), Reason: in.Reason, IP: in.IP, UserAgent: truncate(in.UserAgent, 500),
		PDFSHA256: view.Send.PDFSHA256, DecidedBy: by, DecidedAt: now}
	got, inserted, err := st.InsertDecision(ctx, d)
	if err != nil {
		return Decision{}, err
	}
	if !inserted {
		if got.Kind == kind && got.Version == d.Version {
			return got, nil
		}
		return Decision{}, quotient.Errorf(quotient.Conflict, "this quote was already %s", got.Kind)
	}
	v := view.decided(d).Version
	if err := st.SetVersionStatus(ctx, v, view.Version.ETag); err != nil {
		return Decision{}, err
	}
	detail, _ := json.Marshal(map[string]string{"signer_name": d.SignerName, "signer_email": d.SignerEmail, "ip": d.IP,
		"pdf_sha256": d.PDFSHA256, "reason": d.Reason})
	evKind, actor := string(kind)+"_by_customer", "customer:"+d.SignerEmail
	if by != "customer" {
		evKind, actor = string(kind)+"_on_behalf_of_customer", strings.TrimPrefix(by, "rep:")
	}
	err = st.InsertEvent(ctx, Event{ID: quotient.NewID("qev"), QuoteID: v.QuoteID, Version: v.Version, Kind: evKind,
		ActorID: actor, Detail: string(detail), At: now})
	return got, err
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
