package web

import (
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/app"
	"github.com/quotient-cpq/quotient/billing"
	"github.com/quotient-cpq/quotient/order"
)

// invoiceView is an invoice's page: its figures and lines, the payments
// and credit notes applied to it, its reminders, and what finance does
// next.
type invoiceView struct {
	ID, Number, AccountID, Account, Currency, Issued, Due, Status, StatusLabel, Net, Tax, Total, Open string
	Lines                                                                                             []struct{ SKU, Name, Period, Quantity, Net, Tax string }
	Payments                                                                                          []struct{ ID, Date, Amount, Discount string }
	Credits                                                                                           []struct{ Number, Date, Reason, Total string }
	Reminders                                                                                         []struct{ Date, Level, To, Status string }
	CreditAmount, CreditReason                                                                        string
	Finance                                                                                           bool // may record payments, credit and send statements
}

func (w *Web) invoice(c *fiber.Ctx) error {
	return w.invoiceWith(c, signedIn(c, "Invoice", "receivables"), 200, nil)
}

func (w *Web) invoiceWith(c *fiber.Ctx, p page, status int, keep *invoiceView) error {
	ctx := c.UserContext()
	rec, err := w.app.Invoice(ctx, c.Params("id"))
	if err != nil {
		return w.fail(c, p, err)
	}
	inv := rec.Invoice
	acc, err := w.app.Account(ctx, inv.AccountID)
	if err != nil {
		return w.fail(c, p, err)
	}
	m := func(n int64) string { return minorMoney(p.Loc, n, inv.Currency) }
	v := &invoiceView{ID: inv.ID, Number: inv.Number, AccountID: acc.ID, Account: acc.Name, Currency: inv.Currency, Issued: p.Loc.Date(inv.IssueDate),
		Due: p.Loc.Date(inv.DueDate), Status: inv.Status, StatusLabel: p.T(label(inv.Status)), Net: m(inv.Net), Tax: m(inv.Tax), Total: m(inv.Total), Open: m(inv.AmountDue)}
	if keep != nil {
		v.CreditAmount, v.CreditReason = keep.CreditAmount, keep.CreditReason
	}
	if act, ok := quotient.ActorFrom(ctx); ok {
		v.Finance = act.Role == quotient.RoleFinance || act.Role == quotient.RoleAdmin
	}
	for _, l := range inv.Lines {
		period := ""
		if l.Deferred() {
			period = p.Loc.Date(l.ServiceStart) + " – " + p.Loc.Date(l.ServiceEnd)
		}
		v.Lines = append(v.Lines, struct{ SKU, Name, Period, Quantity, Net, Tax string }{l.SKU, l.Name, period, p.Loc.Number(l.Quantity.Decimal()), m(l.Net), m(l.Tax)})
	}
	pays, err := w.app.Payments(ctx, inv.AccountID, quotient.Page{Limit: 500})
	if err != nil {
		return w.fail(c, p, err)
	}
	for _, pay := range pays {
		for _, al := range pay.Allocations {
			if al.InvoiceID == inv.ID {
				v.Payments = append(v.Payments, struct{ ID, Date, Amount, Discount string }{pay.ID, p.Loc.Date(al.AppliedOn), m(al.Amount), m(al.Discount)})
			}
		}
	}
	cns, err := w.app.CreditNotes(ctx, "", inv.ID, quotient.Page{Limit: 200})
	if err != nil {
		return w.fail(c, p, err)
	}
	for _, cn := range cns {
		v.Credits = append(v.Credits, struct{ Number, Date, Reason, Total string }{cn.Number, p.Loc.Date(cn.IssueDate), cn.Reason, m(cn.Total)})
	}
	for _, n := range rec.Dunning {
		to := n.SentTo
		if to == "" {
			to = p.T("no contact with an e-mail address")
		}
		v.Reminders = append(v.Reminders, struct{ Date, Level, To, Status string }{p.Loc.Date(quotient.DateOf(n.CreatedAt)), n.LevelName, to, p.T(label(n.MailStatus))})
	}
	p.Title, p.Data = p.T("Invoice %s", inv.Number), v
	return w.render(c, status, "invoice", p)
}

func (w *Web) invoicePDF(c *fiber.Ctx) error {
	f, err := w.app.InvoicePDF(c.UserContext(), c.Params("id"))
	return w.sendPDF(c, f, err)
}

// creditInvoice issues a credit note of an amount, with its reason.
func (w *Web) creditInvoice(c *fiber.Ctx) error {
	p := signedIn(c, "Invoice", "receivables")
	keep := &invoiceView{CreditAmount: c.FormValue("amount"), CreditReason: c.FormValue("reason")}
	amt, err := decimal.NewFromString(strings.TrimSpace(keep.CreditAmount))
	if err != nil {
		p.Message, p.IsError = p.T("No credit note was issued: %s", p.T("Enter an amount, such as 500.00.")), true
		return w.invoiceWith(c, p, fiber.StatusUnprocessableEntity, keep)
	}
	cn, err := w.app.IssueCreditNote(c.UserContext(), billing.CreditNoteInput{InvoiceID: c.Params("id"), Amount: &amt, Reason: strings.TrimSpace(keep.CreditReason)})
	if msg, ok := problem(p.Loc, err); ok {
		p.Message, p.IsError = p.T("No credit note was issued: %s", msg), true
		return w.invoiceWith(c, p, fiber.StatusUnprocessableEntity, keep)
	}
	if err != nil {
		return w.fail(c, p, err)
	}
	p.Message = p.T("Credit note %s issued and posted.", cn.Number)
	return w.invoiceWith(c, p, 200, nil)
}

// holdsView is the credit-hold queue: orders held, why, and release.
type holdsView struct {
	Orders []struct{ ID, Number, Account, Reason, Total, Date string }
}

func (w *Web) holds(c *fiber.Ctx) error {
	return w.holdsWith(c, signedIn(c, "Credit holds", "receivables"), 200)
}

func (w *Web) holdsWith(c *fiber.Ctx, p page, status int) error {
	ctx := c.UserContext()
	os, err := w.app.Orders(ctx, order.Filter{Status: string(order.OnHold), Page: quotient.Page{Limit: 200}})
	if err != nil {
		return w.fail(c, p, err)
	}
	v := &holdsView{}
	for _, o := range os {
		name := o.AccountID
		if acc, err := w.app.Account(ctx, o.AccountID); err == nil {
			name = acc.Name
		}
		v.Orders = append(v.Orders, struct{ ID, Number, Account, Reason, Total, Date string }{o.ID, o.Number, name, o.HoldReason,
			p.Loc.Money(o.Total, o.Currency), p.Loc.Date(quotient.DateOf(o.CreatedAt))})
	}
	p.Data = v
	return w.render(c, status, "holds", p)
}

func (w *Web) release(c *fiber.Ctx) error {
	p := signedIn(c, "Credit holds", "receivables")
	o, err := w.app.ReleaseOrder(c.UserContext(), c.Params("id"))
	if msg, ok := problem(p.Loc, err); ok {
		p.Message, p.IsError = p.T("Not done: %s", msg), true
		return w.holdsWith(c, p, fiber.StatusUnprocessableEntity)
	}
	if err != nil {
		return w.fail(c, p, err)
	}
	p.Message = p.T("Order %s released: its stock is reserved and what its policy invoices on order is invoiced.", o.Number)
	return w.holdsWith(c, p, 200)
}

// dunningView is the dunning page: the levels, what the next run sends.
type dunningView struct {
	Levels []struct {
		Level, Name, Days string
		Active            bool
	}
	Next   []struct{ ID, Number, Account, Days, Level, To, Open string }
	MayRun bool // finance's: a manager reads the levels only
}

func (w *Web) dunning(c *fiber.Ctx) error {
	return w.dunningWith(c, signedIn(c, "Dunning", "receivables"), 200)
}

func (w *Web) dunningWith(c *fiber.Ctx, p page, status int) error {
	ctx := c.UserContext()
	ls, err := w.app.DunningLevels(ctx)
	if err != nil {
		return w.fail(c, p, err)
	}
	v := &dunningView{}
	for _, l := range ls {
		v.Levels = append(v.Levels, struct {
			Level, Name, Days string
			Active            bool
		}{fmt.Sprint(l.Level), l.Name, p.T("%d days overdue", l.DaysOverdue), l.Active})
	}
	next, err := w.app.NextDunning(ctx)
	v.MayRun = quotient.ErrorCode(err) != quotient.Forbidden
	if err != nil && v.MayRun {
		return w.fail(c, p, err)
	}
	for _, n := range next {
		to := n.To
		if to == "" {
			to = p.T("no contact with an e-mail address")
		}
		v.Next = append(v.Next, struct{ ID, Number, Account, Days, Level, To, Open string }{n.Invoice.ID, n.Invoice.Number, n.Account, fmt.Sprint(n.Days),
			n.Level.Name, to, minorMoney(p.Loc, n.Invoice.AmountDue, n.Invoice.Currency)})
	}
	p.Data = v
	return w.render(c, status, "dunning", p)
}

// runDunning sends what the preview showed.
func (w *Web) runDunning(c *fiber.Ctx) error {
	p := signedIn(c, "Dunning", "receivables")
	n, err := w.app.RunDunning(c.UserContext())
	if msg, ok := problem(p.Loc, err); ok {
		p.Message, p.IsError = p.T("Not done: %s", msg), true
		return w.dunningWith(c, p, fiber.StatusUnprocessableEntity)
	}
	if err != nil {
		return w.fail(c, p, err)
	}
	p.Message = p.T("%d reminders recorded and queued for e-mail.", n)
	return w.dunningWith(c, p, 200)
}

// emailStatement sends the invoice's account its statement of account.
func (w *Web) emailStatement(c *fiber.Ctx) error {
	p := signedIn(c, "Invoice", "receivables")
	rec, err := w.app.Invoice(c.UserContext(), c.Params("id"))
	if err != nil {
		return w.fail(c, p, err)
	}
	sent, err := w.app.EmailCustomerStatement(c.UserContext(), app.StatementQuery{AccountID: rec.Invoice.AccountID}, c.FormValue("email"))
	if msg, ok := problem(p.Loc, err); ok {
		p.Message, p.IsError = p.T("The statement was not sent: %s", msg), true
		return w.invoiceWith(c, p, fiber.StatusUnprocessableEntity, nil)
	}
	if err != nil {
		return w.fail(c, p, err)
	}
	p.Message = p.T("The statement of account goes to %s by e-mail.", sent.To)
	return w.invoiceWith(c, p, 200, nil)
}
