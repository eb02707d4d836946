package web

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/app"
	"github.com/quotient-cpq/quotient/i18n"
	"github.com/quotient-cpq/quotient/quote"
)

// The builder's changes. Each calls one use case of the application
// layer, the one the API calls, and shows the quote again: the whole page
// for a plain form, or (htmx) only what changed.

// newQuote starts a draft quote from an opportunity and opens it.
func (w *Web) newQuote(c *fiber.Ctx) error {
	p := signedIn(c, "New quote", "quotes")
	x, err := w.app.CreateQuote(c.UserContext(), quote.Input{OpportunityID: c.Params("id")})
	if err != nil {
		if msg, _, ok := said(p.Loc, err); ok {
			p.Title, p.Heading, p.Message = p.T("No quote made"), p.T("No quote made"), msg
			return w.render(c, fiber.StatusUnprocessableEntity, "error", p)
		}
		return w.fail(c, p, err)
	}
	return c.Redirect("/quotes/"+x.Quote.ID+"?said=created", fiber.StatusSeeOther)
}

// version is the version a builder form was shown for.
func version(c *fiber.Ctx) int { n, _ := strconv.Atoi(c.FormValue("version")); return n }

// addLine adds a product as the quote's last line; a configurable one
// opens its configuration next.
func (w *Web) addLine(c *fiber.Ctx) error {
	p := signedIn(c, "Quote", "quotes")
	one := decimal.NewFromInt(1)
	qty, err := &one, error(nil)
	if strings.TrimSpace(c.FormValue("quantity")) != "" { // blank: one
		qty, err = decimalField(c, "quantity", false)
	}
	var x app.QuoteVersion
	if err == nil {
		x, err = w.app.EditQuoteLine(c.UserContext(), c.Params("id"), version(c), 0, quote.LineEdit{Add: &quote.Line{ProductID: c.FormValue("product_id"), Quantity: *qty}})
	}
	if done, err := w.refused(c, p, err, "The line was not added: %s", 1); done {
		return err
	}
	n := len(x.Version.Lines)
	if r := x.Version.Priced; r != nil && len(r.Lines[n-1].Configuration) > 0 {
		return c.Redirect(fmt.Sprintf("/quotes/%s/lines/%d/configure", x.Quote.ID, n), fiber.StatusSeeOther)
	}
	p.Message = p.T("Added %s as line %d; the quote is priced again: total %s.", x.Version.Priced.Lines[n-1].Name, n, money(p.Loc, x))
	return w.quotePage(c, p, 200, 0, (n-1)/linesPerPage+1, nil)
}

// editLine changes a line's quantity and discount. With htmx the answer
// is the line, the totals and the figures, nothing else, each swapped out
// of band (the line inside a template element, as a table part must be).
func (w *Web) editLine(c *fiber.Ctx) error {
	p := signedIn(c, "Quote", "quotes")
	n, _ := strconv.Atoi(c.Params("n"))
	e := quote.LineEdit{Line: n, ProductID: c.FormValue("product_id")}
	var err error
	if e.Quantity, err = decimalField(c, "quantity", false); err == nil {
		e.ManualDiscountPct, err = decimalField(c, "discount_pct", true)
	}
	var x app.QuoteVersion
	if err == nil {
		x, err = w.app.EditQuoteLine(c.UserContext(), c.Params("id"), version(c), 0, e)
	}
	return w.lineChanged(c, p, n, x, err, func(l *lineView) {
		l.Quantity, l.DiscountPct = c.FormValue("quantity"), c.FormValue("discount_pct")
	}, p.T("Line %d changed", n))
}

// removeLine removes a line.
func (w *Web) removeLine(c *fiber.Ctx) error {
	p := signedIn(c, "Quote", "quotes")
	n, _ := strconv.Atoi(c.Params("n"))
	_, err := w.app.EditQuoteLine(c.UserContext(), c.Params("id"), version(c), 0, quote.LineEdit{Line: n, ProductID: c.FormValue("product_id"), Remove: true})
	if done, err := w.refused(c, p, err, "", 0); done {
		return err
	}
	p.Message = p.T("Line %d removed; the lines after it moved up one.", n)
	return w.quotePage(c, p, 200, 0, (n-1)/linesPerPage+1, nil)
}

// refused answers a builder action that failed: a problem the person can
// act on shows on the quote page (page pg of its lines) after prefix, as
// a 422; anything else is the error page. It is false when err is nil.
func (w *Web) refused(c *fiber.Ctx, p page, err error, prefix string, pg int) (bool, error) {
	if err == nil {
		return false, nil
	}
	if msg, _, ok := said(p.Loc, err); ok {
		p.Message, p.IsError = msg, true
		if prefix != "" {
			p.Message = p.T(prefix, msg)
		}
		return true, w.quotePage(c, p, fiber.StatusUnprocessableEntity, 0, pg, nil)
	}
	return true, w.fail(c, p, err)
}

// lineChanged answers a change of line n: on success the line and totals
// (htmx) or the page; on a problem the same, with what the person typed
// kept and the problem at the field.
func (w *Web) lineChanged(c *fiber.Ctx, p page, n int, x app.QuoteVersion, err error, keep func(*lineView), done string) error {
	status := 200
	msg, field, ok := said(p.Loc, err)
	switch {
	case ok:
		status, p.Message, p.IsError = fiber.StatusUnprocessableEntity, p.T("Line %d was not changed: %s", n, fieldWords(p.Loc, field, msg)), true
	case err != nil:
		return w.fail(c, p, err)
	default:
		p.Message = p.T("%s; the quote is priced again: total %s.", done, money(p.Loc, x))
	}
	if !htmx(c) {
		return w.quotePage(c, p, status, 0, (n-1)/linesPerPage+1, func(v *quoteView) {
			for i := range v.Lines {
				if v.Lines[i].N == n && p.IsError {
					keep(&v.Lines[i])
					v.Lines[i].Error = fieldWords(p.Loc, field, msg)
				}
			}
		})
	}
	ctx := c.UserContext()
	if err != nil {
		if x, err = w.app.Quote(ctx, c.Params("id"), 0); err != nil {
			return w.fail(c, p, err)
		}
	}
	v, err := w.quoteViewOf(ctx, p, x, 0, n)
	if err != nil {
		return w.fail(c, p, err)
	}
	if len(v.Lines) == 0 { // the line is gone: show the page again
		c.Set("HX-Refresh", "true")
		return c.SendStatus(200)
	}
	l := &v.Lines[0]
	l.Changed, l.OOB = !p.IsError, true
	if p.IsError {
		keep(l)
		l.Error = fieldWords(p.Loc, field, msg)
	}
	return w.fragment(c, status, "quote", p, struct {
		*lineView
		Page page
	}{l, p}, "line-oob", "totals-oob", "notice-oob")
}

// fieldWords says a problem in words with the field it names: a quote's
// "lines[3].quantity" is line 4's quantity.
func fieldWords(loc i18n.Locale, field, msg string) string {
	if field == "" {
		return msg
	}
	name := field
	if i := strings.LastIndexByte(field, '.'); i >= 0 && strings.HasPrefix(field, "lines[") {
		name = field[i+1:]
	}
	return loc.FieldProblem(name, msg)
}

// header changes the quote's discount, validity, contact and notes.
func (w *Web) header(c *fiber.Ctx) error {
	p := signedIn(c, "Quote", "quotes")
	var patch quote.Patch
	disc, err := decimalField(c, "header_discount_pct", true)
	if err == nil {
		patch.HeaderDiscountPct = disc
		until, ok := quotient.ParseDate(strings.TrimSpace(c.FormValue("valid_until")))
		if !ok {
			err = quotient.FieldErrorf(quotient.Invalid, "valid_until", "must be a date such as %s", "2026-12-31")
		}
		patch.ValidUntil = &until
	}
	notes, contact := c.FormValue("notes"), c.FormValue("contact_id")
	patch.Notes, patch.ContactID = &notes, &contact
	var x app.QuoteVersion
	if err == nil {
		x, err = w.app.UpdateQuote(c.UserContext(), c.Params("id"), version(c), 0, patch)
	}
	msg, field, ok := said(p.Loc, err)
	switch {
	case ok:
		p.Message, p.IsError = p.T("The quote was not changed: %s", fieldWords(p.Loc, field, msg)), true
		return w.quotePage(c, p, fiber.StatusUnprocessableEntity, 0, 0, func(v *quoteView) {
			v.HeaderDiscount, v.ValidUntilInput, v.Notes, v.ContactID = c.FormValue("header_discount_pct"), c.FormValue("valid_until"), notes, contact
			v.FieldErrors[field] = msg
		})
	case err != nil:
		return w.fail(c, p, err)
	}
	p.Message = p.T("Quote %s changed; it is priced again: total %s.", x.Quote.Number, money(p.Loc, x))
	return w.quotePage(c, p, 200, 0, 0, nil)
}

// submit sends a draft for approval; the page says who must approve.
func (w *Web) submit(c *fiber.Ctx) error {
	p := signedIn(c, "Quote", "quotes")
	sub, err := w.app.SubmitQuote(c.UserContext(), c.Params("id"))
	if done, err := w.refused(c, p, err, "The quote was not submitted: %s", 0); done {
		return err
	}
	p.Message = p.T("Quote %s is approved: no approval rule applies. Send it to the customer next.", sub.Quote.Number)
	if sub.Version.Status == quote.PendingApproval {
		var rules []string
		for _, r := range sub.Requests {
			rules = append(rules, r.RuleName)
		}
		p.Message = p.T("Quote %s waits for approval (%s); the approvers have been told by e-mail.", sub.Quote.Number, strings.Join(rules, ", "))
	}
	return w.quotePage(c, p, 200, 0, 0, nil)
}

// revise makes a new draft version of a submitted, sent or rejected quote.
func (w *Web) revise(c *fiber.Ctx) error {
	p := signedIn(c, "Quote", "quotes")
	x, err := w.app.ReviseQuote(c.UserContext(), c.Params("id"))
	if done, err := w.refused(c, p, err, "No new version: %s", 0); done {
		return err
	}
	p.Message = p.T("Version %d of quote %s is a new draft; version %d is kept as it was.", x.Version.Version, x.Quote.Number, x.Version.Version-1)
	return w.quotePage(c, p, 200, 0, 0, nil)
}

// send e-mails an approved quote to a contact (or an address) with its
// PDF and the customer's link.
func (w *Web) send(c *fiber.Ctx) error {
	p := signedIn(c, "Quote", "quotes")
	ctx := c.UserContext()
	in := quote.SendInput{To: strings.TrimSpace(c.FormValue("to")), Message: strings.TrimSpace(c.FormValue("message"))}
	var err error
	var whom string
	if id := c.FormValue("contact_id"); in.To == "" && id != "" {
		var x app.QuoteVersion
		if x, err = w.app.Quote(ctx, c.Params("id"), 0); err == nil {
			con, cerr := w.app.Contact(ctx, x.Quote.AccountID, id)
			in.To, whom, err = con.Email, con.Name+" <"+con.Email+">", cerr
		}
	}
	var d app.Delivery
	if err == nil {
		d, err = w.app.SendQuote(ctx, c.Params("id"), in)
	}
	if msg, field, ok := said(p.Loc, err); ok {
		p.Message, p.IsError = p.T("The quote was not sent: %s", fieldWords(p.Loc, field, msg)), true
		return w.quotePage(c, p, fiber.StatusUnprocessableEntity, 0, 0, nil)
	}
	if err != nil {
		return w.fail(c, p, err)
	}
	if whom == "" && d.Send != nil {
		whom = d.Send.Recipient
	}
	p.Message = p.T("Quote %s sent to %s. Its link is below to copy; the delivery shows when the e-mail leaves.", d.Quote.Number, whom)
	return w.quotePage(c, p, 200, 0, 0, nil)
}

// diffView is what changed between two versions.
type diffView struct {
	ID, Number string
	Versions   []int
	quote.Diff
}

// diff compares two versions of a quote, as the API's diff does.
func (w *Web) diff(c *fiber.Ctx) error {
	p := signedIn(c, "Compare versions", "quotes")
	ctx := c.UserContext()
	x, err := w.app.Quote(ctx, c.Params("id"), 0)
	if err != nil {
		return w.fail(c, p, err)
	}
	from, _ := strconv.Atoi(c.Query("from"))
	to, _ := strconv.Atoi(c.Query("to"))
	if to == 0 {
		to = x.Quote.CurrentVersion
	}
	if from == 0 {
		from = max(1, to-1)
	}
	d, err := w.app.QuoteDiff(ctx, x.Quote.ID, from, to)
	if msg, field, ok := said(p.Loc, err); ok {
		p.Message, p.IsError = fieldWords(p.Loc, field, msg), true
		d = quote.Diff{From: from, To: to}
	} else if err != nil {
		return w.fail(c, p, err)
	}
	v := &diffView{ID: x.Quote.ID, Number: x.Quote.Number, Diff: d}
	for i := 1; i <= x.Quote.CurrentVersion; i++ {
		v.Versions = append(v.Versions, i)
	}
	p.Title, p.Diff = p.T("Quote %s: versions", x.Quote.Number), v
	return w.render(c, 200, "diff", p)
}
