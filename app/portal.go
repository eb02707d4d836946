package app

import (
	"context"

	"github.com/quotient-cpq/quotient/order"
	"github.com/quotient-cpq/quotient/quote"
)

// The customer portal: what a customer with a signed link sees and
// decides. Nobody is signed in; the link is the authority, and every bad
// link is the same not_found.

// PortalPage is what the customer's page shows: the quote as sent, the
// company that sent it, and (Open) whether they may still accept or
// decline; when not, Closed says why.
type PortalPage struct {
	quote.PortalView
	Company string
	Open    bool
	Closed  error
}

func (a *App) page(ctx context.Context, tx Tx, v quote.PortalView) (PortalPage, error) {
	co, err := company(ctx, tx)
	closed := v.Closed()
	return PortalPage{PortalView: v, Company: co.Name, Open: closed == nil, Closed: closed}, err
}

// PortalView resolves a portal link into the customer's page.
func (a *App) PortalView(ctx context.Context, token string) (PortalPage, error) {
	return read(ctx, a, func(tx Tx) (PortalPage, error) {
		v, err := a.quotes.View(ctx, tx, a.secret, token)
		if err != nil {
			return PortalPage{}, err
		}
		return a.page(ctx, tx, v)
	})
}

// PortalPDF is the exact PDF the customer was sent.
func (a *App) PortalPDF(ctx context.Context, token string) (File, error) {
	return read(ctx, a, func(tx Tx) (File, error) {
		v, err := a.quotes.View(ctx, tx, a.secret, token)
		if err != nil {
			return File{}, err
		}
		ct, body, err := tx.GetDocument(ctx, v.Send.PDFSHA256)
		return File{Name: v.Quote.Number, ContentType: ct, Body: body}, err
	})
}

// Decided is the customer's decision, the page as it stands after it, and
// the order an acceptance made.
type Decided struct {
	Page     PortalPage
	Decision quote.Decision
	Order    order.Order
}

// AcceptQuote records the customer's acceptance of the version their link
// names and makes its order, in one transaction; a repeat is the same
// acceptance and order. When it is refused (a form problem, a quote no
// longer open) and the link was good, the page comes back with the error
// so the door can show it again.
func (a *App) AcceptQuote(ctx context.Context, token string, in quote.CustomerInput) (Decided, error) {
	return a.decide(ctx, func(tx Tx) (Decided, error) {
		v, d, err := a.quotes.Accept(ctx, tx, a.secret, token, in)
		out, perr := a.decidedPage(ctx, tx, v, d)
		if err != nil || perr != nil {
			return out, firstErr(err, perr)
		}
		o, err := a.accepted(ctx, tx, v.Quote, v.Version)
		out.Order = o.Order
		return out, err
	})
}

// DeclineQuote records the customer's rejection with their reason.
func (a *App) DeclineQuote(ctx context.Context, token string, in quote.CustomerInput) (Decided, error) {
	return a.decide(ctx, func(tx Tx) (Decided, error) {
		v, d, err := a.quotes.RejectByCustomer(ctx, tx, a.secret, token, in)
		out, perr := a.decidedPage(ctx, tx, v, d)
		return out, firstErr(err, perr)
	})
}

func (a *App) decidedPage(ctx context.Context, tx Tx, v quote.PortalView, d quote.Decision) (Decided, error) {
	if v.Quote.ID == "" {
		return Decided{}, nil
	}
	p, err := a.page(ctx, tx, v)
	return Decided{Page: p, Decision: d}, err
}

// decide runs a customer's decision as a change, keeping what it shows
// even when it fails.
func (a *App) decide(ctx context.Context, fn func(Tx) (Decided, error)) (Decided, error) {
	var shown Decided
	out, err := change(ctx, a, func(tx Tx) (Decided, error) {
		d, err := fn(tx)
		shown = d
		return d, err
	})
	if err != nil {
		return shown, err
	}
	return out, nil
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
