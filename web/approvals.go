package web

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/quote"
)

// approvalView is a quote waiting for the signed-in person's decision:
// the figures the rules tested, the rules that fired, and its lines.
type approvalView struct {
	quoteRow
	Rep, Discount, Margin string
	Rules                 []struct{ Name, Status string }
	Lines                 []lineView
}

// approvals is the inbox: every quote waiting for a decision the person
// may give.
func (w *Web) approvals(c *fiber.Ctx) error {
	p := signedIn(c, "Approvals", "approvals")
	return w.inbox(c, p, 200)
}

func (w *Web) inbox(c *fiber.Ctx, p page, status int) error {
	ctx := c.UserContext()
	qs, err := w.app.Quotes(ctx, quote.Filter{Approver: "me", Page: quotient.Page{Limit: 50}})
	if err != nil {
		return w.fail(c, p, err)
	}
	rows, err := w.rows(ctx, p.Loc, qs)
	if err != nil {
		return w.fail(c, p, err)
	}
	for i, x := range qs {
		full, err := w.app.Quote(ctx, x.Quote.ID, 0)
		if err != nil {
			return w.fail(c, p, err)
		}
		v := approvalView{quoteRow: rows[i]}
		if rep, err := w.app.User(ctx, full.Quote.OwnerID); err == nil {
			v.Rep = rep.Name
		}
		if r := full.Version.Priced; r != nil {
			v.Discount = p.Loc.Percent(r.DiscountPct.Round(1))
			if r.MarginPct != nil {
				v.Margin = p.Loc.Percent(r.MarginPct.Round(1))
			}
			for _, l := range r.Lines {
				v.Lines = append(v.Lines, lineView{SKU: l.SKU, Name: l.Name, Quantity: p.Loc.Number(l.Quantity), Net: p.Loc.Money(l.NetAmount, full.Quote.Currency)})
			}
		}
		reqs, err := w.app.QuoteApprovals(ctx, x.Quote.ID, 0)
		if err != nil {
			return w.fail(c, p, err)
		}
		for _, r := range reqs {
			v.Rules = append(v.Rules, struct{ Name, Status string }{r.RuleName, r.Status})
		}
		p.Requests = append(p.Requests, v)
	}
	return w.render(c, status, "approvals", p)
}

// decide approves or rejects what waits for the person on a quote, with a
// comment; the page says what happened, or why not.
func (w *Web) decide(c *fiber.Ctx) error {
	p := signedIn(c, "Approvals", "approvals")
	ruling := quote.Ruling(c.FormValue("ruling"))
	if ruling != quote.Approve && ruling != quote.Reject {
		p.Message, p.IsError = p.T("Choose Approve or Reject."), true
		return w.inbox(c, p, fiber.StatusUnprocessableEntity)
	}
	sub, err := w.app.DecideQuote(c.UserContext(), c.Params("id"), "", ruling, strings.TrimSpace(c.FormValue("comment")))
	var qe *quotient.Error
	if errors.As(err, &qe) && qe.Code != quotient.Internal && qe.Code != quotient.Unavailable && qe.Code != quotient.NotFound {
		p.Message, p.IsError = fieldWords(p.Loc, qe.Field, p.Loc.Error(qe)), true
		return w.inbox(c, p, fiber.StatusUnprocessableEntity)
	}
	if err != nil {
		return w.fail(c, p, err)
	}
	switch {
	case sub.Version.Status == quote.PendingApproval:
		p.Message = p.T("Quote %s: your approval is recorded; it still waits for others.", sub.Quote.Number)
	case ruling == quote.Approve:
		p.Message = p.T("Quote %s: approved. Its rep has been told by e-mail.", sub.Quote.Number)
	default:
		p.Message = p.T("Quote %s: rejected, back to draft. Its rep has been told by e-mail.", sub.Quote.Number)
	}
	return w.inbox(c, p, 200)
}
