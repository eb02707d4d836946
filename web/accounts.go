package web

import (
	"context"
	"maps"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/billing"
	"github.com/quotient-cpq/quotient/crm"
	"github.com/quotient-cpq/quotient/order"
	"github.com/quotient-cpq/quotient/quote"
)

// accountRow is an account in the list.
type accountRow struct{ ID, Name, Owner, Segment, Currency string }

// ownerNames names users by id, reading each once.
func (w *Web) ownerNames(ctx context.Context) func(id string) string {
	names := map[string]string{}
	return func(id string) string {
		if n, ok := names[id]; ok {
			return n
		}
		n := id
		if u, err := w.app.User(ctx, id); err == nil {
			n = u.Name
		}
		names[id] = n
		return n
	}
}

// accounts lists accounts, filtered by what the URL says.
func (w *Web) accounts(c *fiber.Ctx) error {
	ctx := c.UserContext()
	p := signedIn(c, "Accounts", "accounts")
	p.Filter.Q, p.Filter.Owner, p.Filter.Segment = c.Query("q"), c.Query("owner"), c.Query("segment")
	f := crm.AccountFilter{Q: p.Filter.Q, Segment: p.Filter.Segment, Page: quotient.Page{Limit: 200}}
	if p.Filter.Owner == "me" {
		f.OwnerID = p.User.ID
	}
	accs, err := w.app.Accounts(ctx, f)
	if err != nil {
		return w.fail(c, p, err)
	}
	owner := w.ownerNames(ctx)
	for _, a := range accs {
		p.Accounts = append(p.Accounts, accountRow{ID: a.ID, Name: a.Name, Owner: owner(a.OwnerID), Segment: p.T(segmentWords[a.Segment]), Currency: a.Currency})
	}
	act, _ := quotient.ActorFrom(ctx)
	p.MayCreate = crm.MayCreateAccount(act)
	for _, s := range crm.Segments {
		p.SegmentChoices = append(p.SegmentChoices, choice{s, p.T(segmentWords[s])})
	}
	return w.render(c, 200, "accounts", p)
}

// contactRow is a contact of the account, with the version its edit
// form was shown at.
type contactRow struct {
	ID, Line string
	Version  int
}

// oppRow is an opportunity of an account, with whether the person may
// start a quote from it.
type oppRow struct {
	ID, Name, Stage, Close, Amount string
	MayQuote, MayEdit              bool
	Version                        int
}

// accountView is the account 360.
type accountView struct {
	MayAddContact, MayAddOpportunity bool
	MayEdit                          bool // the account's own fields (details or credit terms)
	Edit                             *accountForm
	Currency, Phone, Website         string
	Billing, Shipping, TaxRegion     string
	Limit                            string
	Stages                           []string
	Form, Errors                     map[string]string // a failed form's values and problems, by field
	ID, Name, Owner, Segment, Terms  string
	Money                            bool // the reader works the account: its money shows
	AR, Overdue, Credit              string
	Cases                            []string
	Contacts                         []contactRow
	Opportunities                    []oppRow
	Orders                           []struct{ ID, Number, Status, Backordered, Total string }
	Invoices                         []struct{ Number, Status, Due, Total, Open string }
}

// account360 is everything about a customer a rep needs before a call:
// contacts and opportunities for everyone; receivables, credit, open
// cases, quotes, orders with backorders and invoices for those who work
// the account (the API's reach, through the same use cases).
func (w *Web) account360(c *fiber.Ctx) error {
	return w.account360With(c, signedIn(c, "Account", "accounts"), 200, nil)
}

// account360With renders the account 360 with p's message; keep puts back
// what the person typed into a failed form.
func (w *Web) account360With(c *fiber.Ctx, p page, status int, keep func(*accountView)) error {
	ctx := c.UserContext()
	id := c.Params("id")
	acc, err := w.app.Account(ctx, id)
	if err != nil {
		return w.fail(c, p, err)
	}
	v := &accountView{ID: acc.ID, Name: acc.Name, Owner: w.ownerNames(ctx)(acc.OwnerID), Segment: p.T(segmentWords[acc.Segment]), Terms: acc.PaymentTerms,
		Currency: acc.Currency, Phone: acc.Phone, Website: acc.Website, Billing: acc.BillingAddress.String(), Shipping: acc.ShippingAddress.String(),
		TaxRegion: acc.TaxRegion}
	switch c.Query("said") {
	case "created":
		p.Message = p.T("%s is created: add its contacts and opportunities below.", acc.Name)
	case "saved":
		p.Message = p.T("The account is saved.")
	}
	edits := map[string]string{} // each edit form starts from what its record holds
	cons, err := w.app.Contacts(ctx, crm.ContactFilter{AccountID: id, Page: quotient.Page{Limit: 100}})
	if err != nil {
		return w.fail(c, p, err)
	}
	for _, x := range cons {
		line := x.Name
		if x.Title != "" {
			line += ", " + x.Title
		}
		if x.Email != "" {
			line += " <" + x.Email + ">"
		}
		v.Contacts = append(v.Contacts, contactRow{ID: x.ID, Line: line, Version: x.Version})
		what := "con-" + x.ID
		edits[what+".name"], edits[what+".email"], edits[what+".phone"], edits[what+".title"] = x.Name, x.Email, x.Phone, x.Title
	}
	opps, err := w.app.Opportunities(ctx, crm.OpportunityFilter{AccountID: id, Page: quotient.Page{Limit: 100}})
	if err != nil {
		return w.fail(c, p, err)
	}
	act, _ := quotient.ActorFrom(ctx)
	v.MayEdit = crm.MayChangeAccountDetails(act, acc) || crm.MaySetCreditTerms(act)
	for _, o := range opps {
		v.Opportunities = append(v.Opportunities, oppRow{ID: o.ID, Name: o.Name, Stage: string(o.Stage), Close: p.Loc.Date(o.CloseDate),
			Amount: p.Loc.Money(o.Amount, o.Currency), MayQuote: !o.Stage.Closed() && quote.MayQuote(act, acc.OwnerID, o.OwnerID),
			MayEdit: crm.MayChangeOpportunity(act, o), Version: o.Version})
		// The edit form of each opportunity starts from what it holds.
		what := "opp-" + o.ID
		edits[what+".name"], edits[what+".amount"], edits[what+".close_date"], edits[what+".stage"] = o.Name, o.Amount.String(), o.CloseDate.String(), string(o.Stage)
	}
	sum, err := w.app.AccountSummary(ctx, id)
	switch {
	case quotient.ErrorCode(err) == quotient.NotFound:
		// Outside the reader's reach: no money, quotes, orders or invoices.
	case err != nil:
		return w.fail(c, p, err)
	default:
		cur, _ := quotient.LookupCurrency(acc.Currency)
		m := func(n int64) string { return p.Loc.Money(cur.FromMinor(n), acc.Currency) }
		v.Money, v.AR, v.Overdue, v.Credit, v.Limit = true, m(sum.Exposure.Balance), m(sum.Exposure.Receivables.Overdue), p.T("no limit"), p.T("no limit")
		if sum.Exposure.Available != nil {
			v.Credit = m(*sum.Exposure.Available)
		}
		if sum.Exposure.Limit != nil {
			v.Limit = m(*sum.Exposure.Limit)
		}
		for _, cs := range sum.OpenCases {
			v.Cases = append(v.Cases, cs.Subject)
		}
		qs, err := w.app.Quotes(ctx, quote.Filter{AccountID: id, Page: quotient.Page{Limit: 50}})
		if err != nil {
			return w.fail(c, p, err)
		}
		if p.Quotes, err = w.rows(ctx, p.Loc, qs); err != nil {
			return w.fail(c, p, err)
		}
		os, err := w.app.Orders(ctx, order.Filter{AccountID: id, Page: quotient.Page{Limit: 50}})
		if err != nil {
			return w.fail(c, p, err)
		}
		waiting := map[string][]string{} // order id → "2 × SKU" still backordered
		for _, b := range sum.Activity.Backorders {
			waiting[b.OrderID] = append(waiting[b.OrderID], p.Loc.Number(b.Quantity.Decimal())+" × "+b.SKU)
		}
		for _, o := range os {
			v.Orders = append(v.Orders, struct{ ID, Number, Status, Backordered, Total string }{o.ID, o.Number, p.T(label(string(o.Shown()))),
				strings.Join(waiting[o.ID], ", "), p.Loc.Money(o.Total, o.Currency)})
		}
		invs, err := w.app.Invoices(ctx, billing.InvoiceFilter{AccountID: id, Page: quotient.Page{Limit: 50}})
		if err != nil {
			return w.fail(c, p, err)
		}
		for _, inv := range invs {
			v.Invoices = append(v.Invoices, struct{ Number, Status, Due, Total, Open string }{inv.Number, inv.Status, p.Loc.Date(inv.DueDate), m(inv.Total), m(inv.AmountDue)})
		}
	}
	v.MayAddContact, v.MayAddOpportunity, v.Stages, v.Form = crm.MayChangeContacts(act, acc), crm.MayCreateOpportunity(act), crm.Stages, edits
	v.Errors = map[string]string{}
	if keep != nil {
		keep(v)
	}
	p.Title, p.Account = acc.Name, v
	return w.render(c, status, "account360", p)
}

// addContact adds a contact to the account; a problem shows at its field
// with what was typed kept.
func (w *Web) addContact(c *fiber.Ctx) error {
	p := signedIn(c, "Account", "accounts")
	in := crm.ContactInput{Name: strings.TrimSpace(c.FormValue("name")), Email: strings.TrimSpace(c.FormValue("email")),
		Phone: strings.TrimSpace(c.FormValue("phone")), Title: strings.TrimSpace(c.FormValue("title"))}
	con, err := w.app.CreateContact(c.UserContext(), c.Params("id"), in)
	return w.added(c, p, err, "contact", map[string]string{"contact.name": in.Name, "contact.email": in.Email, "contact.phone": in.Phone,
		"contact.title": in.Title}, func() string { return p.T("%s is a contact of this account now.", con.Name) })
}

// addOpportunity opens an opportunity on the account.
func (w *Web) addOpportunity(c *fiber.Ctx) error {
	p := signedIn(c, "Account", "accounts")
	form := map[string]string{"opportunity.name": c.FormValue("name"), "opportunity.amount": c.FormValue("amount"),
		"opportunity.close_date": c.FormValue("close_date"), "opportunity.stage": c.FormValue("stage")}
	in := crm.OpportunityInput{AccountID: c.Params("id"), Name: strings.TrimSpace(c.FormValue("name")), Stage: crm.Stage(c.FormValue("stage"))}
	amount, err := decimalField(c, "amount", true)
	if err == nil {
		in.Amount = *amount
		var ok bool
		if in.CloseDate, ok = quotient.ParseDate(strings.TrimSpace(c.FormValue("close_date"))); !ok {
			err = quotient.FieldErrorf(quotient.Invalid, "close_date", "must be a date such as %s", "2027-03-31")
		}
	}
	var o crm.Opportunity
	if err == nil {
		o, err = w.app.CreateOpportunity(c.UserContext(), in)
	}
	return w.added(c, p, err, "opportunity", form, func() string { return p.T("%s is open: start its quote from the list below.", o.Name) })
}

// notAdded says, per form, that nothing was added.
var notAdded = map[string]string{"contact": "The contact was not added: %s", "opportunity": "The opportunity was not added: %s"}

// editOpportunity changes an opportunity from its row on the account 360:
// name, amount, close date and stage, read at the version the page showed.
func (w *Web) editOpportunity(c *fiber.Ctx) error {
	p := signedIn(c, "Account", "accounts")
	id := c.Params("opp")
	what := "opp-" + id
	form := map[string]string{what + ".name": c.FormValue("name"), what + ".amount": c.FormValue("amount"),
		what + ".close_date": c.FormValue("close_date"), what + ".stage": c.FormValue("stage")}
	name, stage := strings.TrimSpace(c.FormValue("name")), crm.Stage(c.FormValue("stage"))
	patch := crm.OpportunityPatch{Name: &name, Stage: &stage}
	amount, err := decimalField(c, "amount", false)
	if err == nil {
		patch.Amount = amount
		close, ok := quotient.ParseDate(strings.TrimSpace(c.FormValue("close_date")))
		if !ok {
			err = quotient.FieldErrorf(quotient.Invalid, "close_date", "must be a date such as %s", "2027-03-31")
		}
		patch.CloseDate = &close
	}
	// The opportunity must be this account's (the page's); the read applies
	// the reader's reach, as the API's does.
	o, rerr := w.app.Opportunity(c.UserContext(), id)
	if rerr == nil && o.AccountID != c.Params("id") {
		rerr = quotient.Errorf(quotient.NotFound, "opportunity %q not found", id)
	}
	if rerr != nil {
		return w.fail(c, p, rerr)
	}
	if err == nil {
		o, err = w.app.UpdateOpportunity(c.UserContext(), id, version(c), patch)
	}
	return w.added(c, p, err, what, form, func() string { return p.T("%s is saved.", o.Name) })
}

// editContact changes a contact from the account 360, read at the
// version the page showed.
func (w *Web) editContact(c *fiber.Ctx) error {
	p := signedIn(c, "Account", "accounts")
	what := "con-" + c.Params("contact")
	in := map[string]string{}
	for _, f := range []string{"name", "email", "phone", "title"} {
		in[f] = strings.TrimSpace(c.FormValue(f))
	}
	form := map[string]string{what + ".name": in["name"], what + ".email": in["email"], what + ".phone": in["phone"], what + ".title": in["title"]}
	name, email, phone, title := in["name"], in["email"], in["phone"], in["title"]
	con, err := w.app.UpdateContact(c.UserContext(), c.Params("id"), c.Params("contact"), version(c),
		crm.ContactPatch{Name: &name, Email: &email, Phone: &phone, Title: &title})
	return w.added(c, p, err, what, form, func() string { return p.T("%s is saved.", con.Name) })
}

// added answers a form that adds to the account.
func (w *Web) added(c *fiber.Ctx, p page, err error, what string, form map[string]string, done func() string) error {
	msg, field, ok := said(p.Loc, err)
	switch {
	case ok:
		not, known := notAdded[what]
		switch {
		case known:
		case strings.HasPrefix(what, "con-"):
			not = "The contact was not changed: %s"
		default:
			not = "The opportunity was not changed: %s"
		}
		p.Message, p.IsError = p.T(not, fieldWords(p.Loc, field, msg)), true
		stale := quotient.ErrorCode(err) == quotient.Stale // then the form shows the record as it is now
		return w.account360With(c, p, fiber.StatusUnprocessableEntity, func(v *accountView) {
			if !stale {
				maps.Copy(v.Form, form)
			}
			if field == "" {
				field = "name"
			}
			v.Errors[what+"."+field] = msg
		})
	case err != nil:
		return w.fail(c, p, err)
	}
	p.Message = done()
	return w.account360With(c, p, 200, nil)
}

// Failed reports whether the page answers a failed form of what
// ("contact", "opportunity"), which then shows open.
func (v *accountView) Failed(what string) bool {
	for k := range v.Errors {
		if strings.HasPrefix(k, what+".") {
			return true
		}
	}
	return false
}
