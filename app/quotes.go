package app

import (
	"context"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/crm"
	"github.com/quotient-cpq/quotient/document"
	"github.com/quotient-cpq/quotient/outbox"
	"github.com/quotient-cpq/quotient/quote"
)

// QuoteVersion is a quote with one of its versions.
type QuoteVersion struct {
	Quote   quote.Quote
	Version quote.Version
}

func quoted(q quote.Quote, v quote.Version, err error) (QuoteVersion, error) {
	return QuoteVersion{q, v}, err
}

// Quotes lists quotes with their current versions.
func (a *App) Quotes(ctx context.Context, f quote.Filter) ([]QuoteVersion, error) {
	return read(ctx, a, func(tx Tx) ([]QuoteVersion, error) {
		qs, err := a.quotes.List(ctx, tx, f)
		if err != nil {
			return nil, err
		}
		out := make([]QuoteVersion, len(qs))
		for i, q := range qs {
			v, err := tx.GetVersion(ctx, q.ID, q.CurrentVersion)
			if err != nil {
				return nil, err
			}
			out[i] = QuoteVersion{q, v}
		}
		return out, nil
	})
}

// CreateQuote starts a quote, priced now, as draft version 1.
func (a *App) CreateQuote(ctx context.Context, in quote.Input) (QuoteVersion, error) {
	return change(ctx, a, func(tx Tx) (QuoteVersion, error) { return quoted(a.quotes.Create(ctx, tx, in)) })
}

// Quote returns a quote with its current version, or version n when n > 0.
func (a *App) Quote(ctx context.Context, id string, n int) (QuoteVersion, error) {
	return read(ctx, a, func(tx Tx) (QuoteVersion, error) { return a.quoteVersion(ctx, tx, id, n) })
}

func (a *App) quoteVersion(ctx context.Context, tx Tx, id string, n int) (QuoteVersion, error) {
	if n == 0 {
		return quoted(a.quotes.Get(ctx, tx, id))
	}
	return quoted(a.quotes.GetVersion(ctx, tx, id, n))
}

// UpdateQuote changes a draft read at etag (0: any) and prices it again.
func (a *App) UpdateQuote(ctx context.Context, id string, version, revision int, p quote.Patch) (QuoteVersion, error) {
	return change(ctx, a, func(tx Tx) (QuoteVersion, error) { return quoted(a.quotes.Update(ctx, tx, id, version, revision, p)) })
}

// EditQuoteLine changes, adds or removes one line of a draft read at
// version and revision (0: any) and prices it again.
func (a *App) EditQuoteLine(ctx context.Context, id string, version, revision int, e quote.LineEdit) (QuoteVersion, error) {
	return change(ctx, a, func(tx Tx) (QuoteVersion, error) { return quoted(a.quotes.EditLine(ctx, tx, id, version, revision, e)) })
}

// RepriceQuote prices a draft again with today's prices and rulebook.
func (a *App) RepriceQuote(ctx context.Context, id string) (QuoteVersion, error) {
	return change(ctx, a, func(tx Tx) (QuoteVersion, error) { return quoted(a.quotes.Reprice(ctx, tx, id)) })
}

// ReviseQuote makes a new draft version from the current one.
func (a *App) ReviseQuote(ctx context.Context, id string) (QuoteVersion, error) {
	return change(ctx, a, func(tx Tx) (QuoteVersion, error) { return quoted(a.quotes.Revise(ctx, tx, id)) })
}

// Submission is a quote version with the approvals it needs.
type Submission struct {
	QuoteVersion
	Requests []quote.Request
}

// SubmitQuote submits a draft for approval: approved at once when no
// approval rule matches.
func (a *App) SubmitQuote(ctx context.Context, id string) (Submission, error) {
	return change(ctx, a, func(tx Tx) (Submission, error) {
		q, v, reqs, err := a.quotes.Submit(ctx, tx, id)
		return a.told(ctx, tx, q, v, reqs, err, a.quotes.NotifyApprovers)
	})
}

// told finishes a submission or a decision: whoever must hear of it is
// e-mailed (through the outbox, in the same transaction).
func (a *App) told(ctx context.Context, tx Tx, q quote.Quote, v quote.Version, reqs []quote.Request, err error,
	notify func(context.Context, quote.NotifyStore, quote.Quote, quote.Version, []quote.Request, string) error) (Submission, error) {
	if err != nil {
		return Submission{}, err
	}
	acc, err := tx.GetAccount(ctx, q.AccountID)
	if err != nil {
		return Submission{}, err
	}
	return Submission{QuoteVersion{q, v}, reqs}, notify(ctx, tx, q, v, reqs, acc.Name)
}

// DecideQuote gives an approver's ruling on the pending requests of a
// quote they may decide (or only requestID), with a comment.
func (a *App) DecideQuote(ctx context.Context, id, requestID string, ruling quote.Ruling, comment string) (Submission, error) {
	return change(ctx, a, func(tx Tx) (Submission, error) {
		q, v, reqs, err := a.quotes.Decide(ctx, tx, id, requestID, ruling, comment)
		return a.told(ctx, tx, q, v, reqs, err, a.quotes.NotifyOwner)
	})
}

// QuoteVersions returns a quote with every version.
func (a *App) QuoteVersions(ctx context.Context, id string) (quote.Quote, []quote.Version, error) {
	type result struct {
		q  quote.Quote
		vs []quote.Version
	}
	r, err := read(ctx, a, func(tx Tx) (result, error) {
		q, vs, err := a.quotes.Versions(ctx, tx, id)
		return result{q, vs}, err
	})
	return r.q, r.vs, err
}

// QuoteDiff compares two versions of a quote.
func (a *App) QuoteDiff(ctx context.Context, id string, from, to int) (quote.Diff, error) {
	return read(ctx, a, func(tx Tx) (quote.Diff, error) { return a.quotes.Diff(ctx, tx, id, from, to) })
}

// QuoteHistory returns what happened to a quote, oldest first.
func (a *App) QuoteHistory(ctx context.Context, id string) ([]quote.Event, error) {
	return read(ctx, a, func(tx Tx) ([]quote.Event, error) { return a.quotes.History(ctx, tx, id) })
}

// QuoteApprovals lists the approval requests of a version (0: the
// current one).
func (a *App) QuoteApprovals(ctx context.Context, id string, version int) ([]quote.Request, error) {
	return read(ctx, a, func(tx Tx) ([]quote.Request, error) {
		q, _, err := a.quotes.Get(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		if version == 0 {
			version = q.CurrentVersion
		}
		if version < 1 || version > q.CurrentVersion {
			return nil, quotient.FieldErrorf(quotient.Invalid, "version", "must be a version from 1 to %d", q.CurrentVersion)
		}
		return a.quotes.Requests(ctx, tx, q.ID, version)
	})
}

// ApprovalRules lists approval rules.
func (a *App) ApprovalRules(ctx context.Context, p quotient.Page) ([]quote.ApprovalRule, error) {
	return read(ctx, a, func(tx Tx) ([]quote.ApprovalRule, error) { return a.quotes.ListApprovalRules(ctx, tx, p) })
}

// CreateApprovalRule adds an approval rule (admin).
func (a *App) CreateApprovalRule(ctx context.Context, in quote.ApprovalRule) (quote.ApprovalRule, error) {
	return change(ctx, a, func(tx Tx) (quote.ApprovalRule, error) { return a.quotes.CreateApprovalRule(ctx, tx, in) })
}

// ApprovalRule returns an approval rule.
func (a *App) ApprovalRule(ctx context.Context, id string) (quote.ApprovalRule, error) {
	return read(ctx, a, func(tx Tx) (quote.ApprovalRule, error) { return a.quotes.GetApprovalRule(ctx, tx, id) })
}

// UpdateApprovalRule changes an approval rule (admin) read at version (0:
// any).
func (a *App) UpdateApprovalRule(ctx context.Context, id string, version int, p quote.ApprovalRulePatch) (quote.ApprovalRule, error) {
	return change(ctx, a, func(tx Tx) (quote.ApprovalRule, error) { return a.quotes.UpdateApprovalRule(ctx, tx, id, version, p) })
}

// DeleteApprovalRule deletes an approval rule (admin).
func (a *App) DeleteApprovalRule(ctx context.Context, id string) error {
	return do(ctx, a, func(tx Tx) error { return a.quotes.DeleteApprovalRule(ctx, tx, id) })
}

// Delivery is a quote version with what happened after it was sent: the
// send record and its portal link (nil and "" before), the e-mails queued
// for the quote and how each fared, and the customer's decision (nil
// before one).
type Delivery struct {
	QuoteVersion
	Send      *quote.Send
	PortalURL string
	Emails    []outbox.Message
	Decision  *quote.Decision
}

// SendQuote sends an approved version to the customer: its PDF is kept by
// hash, a signed portal link made, and the e-mail queued, in one
// transaction.
func (a *App) SendQuote(ctx context.Context, id string, in quote.SendInput) (Delivery, error) {
	return change(ctx, a, func(tx Tx) (Delivery, error) {
		p, err := a.portal(ctx, tx)
		if err != nil {
			return Delivery{}, err
		}
		q, v, _, err := a.quotes.Send(ctx, tx, p, id, in)
		if err != nil {
			return Delivery{}, err
		}
		return a.delivery(ctx, tx, p, QuoteVersion{q, v})
	})
}

// QuoteDelivery returns the current version's send record, e-mails and
// decision.
func (a *App) QuoteDelivery(ctx context.Context, id string) (Delivery, error) {
	return read(ctx, a, func(tx Tx) (Delivery, error) {
		q, v, err := a.quotes.Get(ctx, tx, id)
		if err != nil {
			return Delivery{}, err
		}
		p, err := a.portal(ctx, tx)
		if err != nil {
			return Delivery{}, err
		}
		return a.delivery(ctx, tx, p, QuoteVersion{q, v})
	})
}

func (a *App) delivery(ctx context.Context, tx Tx, p quote.Portal, x QuoteVersion) (Delivery, error) {
	out := Delivery{QuoteVersion: x}
	sent, ok, err := a.quotes.SendOf(ctx, tx, x.Quote.ID, x.Version.Version)
	if err != nil {
		return out, err
	}
	if ok {
		out.Send, out.PortalURL = &sent, p.URL(sent)
	}
	if out.Emails, err = a.quotes.Deliveries(ctx, tx, x.Quote.ID); err != nil {
		return out, err
	}
	if d, err := tx.GetDecision(ctx, x.Quote.ID); err == nil {
		out.Decision = &d
	} else if quotient.ErrorCode(err) != quotient.NotFound {
		return out, err
	}
	return out, nil
}

// portal is how quotes sign links and render the PDFs they send.
func (a *App) portal(ctx context.Context, tx Tx) (quote.Portal, error) {
	co, err := company(ctx, tx)
	if err != nil {
		return quote.Portal{}, err
	}
	return quote.Portal{Secret: a.secret, PublicURL: a.publicURL, CompanyName: co.Name, Locale: customerLocale,
		Render: func(ctx context.Context, q quote.Quote, v quote.Version, acc crm.Account) ([]byte, error) {
			doc, err := quoteDocument(ctx, tx, co, acc, q, v)
			if err != nil {
				return nil, err
			}
			return document.QuotePDF(doc)
		}}, nil
}
