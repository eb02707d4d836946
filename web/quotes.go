package web

import (
	"context"
	"encoding/json"
	"errors"
	"sort"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/app"
	"github.com/quotient-cpq/quotient/catalog"
	"github.com/quotient-cpq/quotient/crm"
	"github.com/quotient-cpq/quotient/i18n"
	"github.com/quotient-cpq/quotient/pricing"
	"github.com/quotient-cpq/quotient/quote"
)

// linesPerPage is how many lines the builder shows at once: a 1,000-line
// quote is twenty pages, each as quick as a short quote.
const linesPerPage = 50

// quoteView is a quote as the builder shows it: its header and figures,
// one page of its lines with their price waterfalls, the totals, and the
// actions the person may take on it in its status.
type quoteView struct {
	quoteRow
	loc                         i18n.Locale
	AccountID, Opportunity, Rep string
	Currency                    string
	Version, Current, Revision  int
	Versions                    []int
	Draft, MayWrite, Editable   bool
	SeesMargin                  bool
	Subtotal, Discount, Net     string
	DiscountPct, Margin         string
	Conflicts                   bool
	Taxes                       []taxView
	Lines                       []lineView
	LineCount, Page, Pages      int
	PageLinks                   []int
	HeaderDiscount, Notes       string
	ValidUntilInput             string
	ContactID                   string
	Contacts                    []struct{ ID, Label string }
	Approvals                   []approvalRow
	Delivery                    *deliveryView
	History                     []historyRow
	Find, Family                string
	Families                    []string
	Found                       []foundRow
	FieldErrors                 map[string]string
	CSRF                        string
	// Kind is new, amendment or renewal; an amendment or renewal names
	// its contract. A quote with recurring lines shows its worth.
	Kind, ContractID         string
	CreditsReductions        bool // the amended contract's terms credit fewer seats
	Recurring                bool
	MRR, ARR, TCV, FirstYear string
	MRRChange                string
}

// lineView is one line of the builder: what the rep typed, what pricing
// made of it, and the waterfall that explains the price.
type lineView struct {
	Q                     *quoteView
	N                     int
	ProductID, SKU, Name  string
	Config                string
	Configurable          bool
	Quantity, DiscountPct string
	List, Unit, Net, Tax  string
	TaxRate, Margin       string
	Trace                 []traceStep
	Notes, Conflicts      []string
	Error                 string
	Changed, OOB          bool
	// Terms are a recurring line's: its period, dates and (amendment)
	// the quantity the contract had.
	Terms string
}

// traceStep is a step of a line's price waterfall.
type traceStep struct {
	Step, Ref, Before, After, Detail string
	Priced, Skipped                  bool
}

type taxView struct{ Name, Base, Tax string }

type approvalRow struct{ Rule, Approver, Status, Comment, DecidedBy, DecidedAt string }

type historyRow struct{ At, Who, Kind, Detail string }

type foundRow struct {
	ID, SKU, Name, Family, Price string
	Configurable                 bool
}

// deliveryView is what became of a sent quote: the link, the e-mails and
// the customer's answer.
type deliveryView struct {
	PortalURL, SentTo, SentAt, Expires string
	Emails                             []struct{ To, Subject, Status, Attempts, Error string }
	Decision                           string
}

// seesMargin: managers, finance and admins see costs and margins; a rep
// sees prices.
func seesMargin(r quotient.Role) bool { return r != quotient.RoleSalesRep }

// loadQuote builds the builder's view of a quote (version n, 0: current)
// with page pg of its lines.
func (w *Web) loadQuote(ctx context.Context, p page, id string, n, pg int) (*quoteView, error) {
	x, err := w.app.Quote(ctx, id, n)
	if err != nil {
		return nil, err
	}
	return w.quoteViewOf(ctx, p, x, pg, 0)
}

// quoteViewOf is the view of x with page pg of its lines, or only line
// number only when it is not 0 (an htmx answer to a change of that line).
func (w *Web) quoteViewOf(ctx context.Context, p page, x app.QuoteVersion, pg, only int) (*quoteView, error) {
	rows, err := w.rows(ctx, p.Loc, []app.QuoteVersion{x})
	if err != nil {
		return nil, err
	}
	act, _ := quotient.ActorFrom(ctx)
	q, ver := x.Quote, x.Version
	loc := p.Loc
	v := &quoteView{quoteRow: rows[0], loc: loc, AccountID: q.AccountID, Currency: q.Currency, Version: ver.Version, Current: q.CurrentVersion, Revision: ver.ETag,
		Draft: ver.Status == quote.Draft, MayWrite: quote.MayWrite(act, q), SeesMargin: seesMargin(act.Role), CSRF: p.CSRF,
		HeaderDiscount: ver.HeaderDiscountPct.String(), Notes: ver.Notes, ValidUntilInput: ver.ValidUntil.String(), ContactID: q.ContactID,
		FieldErrors: map[string]string{}}
	v.Editable = v.Draft && v.MayWrite && ver.Version == q.CurrentVersion
	for i := 1; i <= q.CurrentVersion; i++ {
		v.Versions = append(v.Versions, i)
	}
	v.Rep = w.ownerNames(ctx)(q.OwnerID)
	if q.OpportunityID != "" {
		if o, err := w.app.Opportunity(ctx, q.OpportunityID); err == nil {
			v.Opportunity = o.Name
		}
	}
	cur := q.Currency
	r := ver.Priced
	if r == nil {
		r = &pricing.Result{}
	}
	v.Subtotal, v.Discount, v.Net = loc.Money(r.Subtotal, cur), loc.Money(r.DiscountTotal, cur), loc.Money(r.NetTotal, cur)
	v.DiscountPct, v.Conflicts = loc.Percent(r.DiscountPct.Round(1)), r.HasConflicts
	if r.MarginPct != nil {
		v.Margin = loc.Money(*r.Margin, cur) + " (" + loc.Percent(r.MarginPct.Round(1)) + ")"
	}
	for _, t := range r.Taxes {
		v.Taxes = append(v.Taxes, taxView{Name: t.Name, Base: loc.Money(t.Base, cur), Tax: loc.Money(t.Tax, cur)})
	}
	v.Kind, v.ContractID = string(q.Kind), q.ContractID
	v.CreditsReductions = q.ReductionsCredited
	if wv := quote.Worth(q, ver); wv.Recurring {
		v.Recurring = true
		v.MRR, v.ARR, v.TCV, v.FirstYear = loc.Money(wv.MRR, cur), loc.Money(wv.ARR, cur), loc.Money(wv.TCV, cur), loc.Money(wv.FirstYear, cur)
		if q.Kind == quote.Amendment {
			v.MRRChange = loc.Money(wv.MRRChange, cur)
		}
	}
	v.LineCount = len(ver.Lines)
	v.Pages = max(1, (v.LineCount+linesPerPage-1)/linesPerPage)
	v.Page = min(max(pg, 1), v.Pages)
	for i := 1; i <= v.Pages; i++ {
		v.PageLinks = append(v.PageLinks, i)
	}
	products := map[string]catalog.Product{}
	from, to := (v.Page-1)*linesPerPage, min(v.Page*linesPerPage, len(ver.Lines))
	if only > 0 {
		from, to = only-1, min(only, len(ver.Lines))
	}
	for i := from; i < to; i++ {
		l, err := w.lineOf(ctx, v, ver, r, i, products)
		if err != nil {
			return nil, err
		}
		v.Lines = append(v.Lines, l)
	}
	return v, nil
}

// periodNoun and periodAdverb name a billing period: "40.00 a month,
// billed monthly".
var (
	periodNoun   = map[string]string{"month": "month", "quarter": "quarter", "year": "year"}
	periodAdverb = map[string]string{"month": catalog.Month.Adverb(), "quarter": catalog.Quarter.Adverb(), "year": catalog.Year.Adverb()}
)

// lineOf is line i (0-based) of a version as the builder shows it.
func (w *Web) lineOf(ctx context.Context, v *quoteView, ver quote.Version, r *pricing.Result, i int, products map[string]catalog.Product) (lineView, error) {
	in := ver.Lines[i]
	l := lineView{Q: v, N: i + 1, ProductID: in.ProductID, Quantity: in.Quantity.String(), DiscountPct: in.ManualDiscountPct.String()}
	if i >= len(r.Lines) {
		return l, nil
	}
	cur, loc := v.Currency, v.loc
	pl := r.Lines[i]
	l.SKU, l.Name = pl.SKU, pl.Name
	// Only a configured line needs its product: the words of its
	// attributes. A long quote of plain lines reads no product at all.
	if len(pl.Configuration) > 0 {
		pr, ok := products[in.ProductID]
		if !ok {
			var err error
			if pr, err = w.app.Product(ctx, in.ProductID); err != nil {
				return l, err
			}
			products[in.ProductID] = pr
		}
		l.Configurable, l.Config = len(pr.Attributes) > 0, configSummary(loc, pr, pl.Configuration)
	}
	l.List, l.Unit, l.Net, l.Tax = loc.Money(pl.ListPrice, cur), loc.Money(pl.UnitPrice, cur), loc.Money(pl.NetAmount, cur),
		loc.Money(pl.TaxAmount, cur)
	l.TaxRate = loc.Percent(pl.TaxRatePct)
	if pl.BillingPeriod != "" && !in.StartDate.IsZero() {
		l.Terms = loc.T("%s a %s, billed %s, from %s to %s", loc.Money(pl.UnitPrice, cur), loc.T(periodNoun[pl.BillingPeriod]),
			loc.T(periodAdverb[string(in.BillingFrequency)]), loc.Date(in.StartDate), loc.Date(in.EndDate))
		if v.Kind == string(quote.Amendment) {
			l.Terms += " · " + loc.T("the contract has %s", loc.Number(in.PriorQuantity))
		}
	}
	if v.SeesMargin && pl.MarginPct != nil {
		l.Margin = loc.Percent(pl.MarginPct.Round(1))
	}
	for _, w := range pl.Warnings {
		l.Notes = append(l.Notes, traceWords(loc, w))
	}
	for _, c := range pl.Conflicts {
		l.Conflicts = append(l.Conflicts, traceWords(loc, c))
	}
	for _, s := range pl.Trace {
		t := traceStep{Step: loc.T(stepLabel(s.Step)), Detail: traceWords(loc, s.Detail), Priced: s.Priced, Skipped: strings.HasSuffix(s.Step, "_skipped") || s.Step == "rules_not_applicable"}
		if s.Ref != nil {
			t.Ref = s.Ref.Name
		}
		if s.Priced {
			t.After = loc.Money(s.After, cur)
			if s.Step != "tax" { // tax has an amount, not a price before and after
				t.Before = loc.Money(s.Before, cur)
			}
		}
		l.Trace = append(l.Trace, t)
	}
	return l, nil
}

// configSummary names a line's configuration in the product's words:
// "Processor: 32 cores · Memory: 256 GB".
func configSummary(loc i18n.Locale, pr catalog.Product, cfg map[string]string) string {
	var parts []string
	for _, a := range pr.Attributes {
		val, ok := cfg[a.Code]
		if !ok {
			continue
		}
		shown := val
		for _, o := range a.Options {
			if o.Code == val {
				shown = o.Label
			}
		}
		switch {
		case a.Type == catalog.Boolean && val == "true":
			shown = loc.T("yes")
		case a.Type == catalog.Boolean:
			shown = loc.T("no")
		case a.Unit != "":
			shown += " " + a.Unit
		}
		parts = append(parts, a.Name+": "+shown)
	}
	return strings.Join(parts, " · ")
}

var stepLabels = map[string]string{"list_price": "List price", "option": "Option", "bundle_component": "Bundle component",
	"schedule": "Volume schedule", "schedule_skipped": "Volume schedule skipped", "rules_not_applicable": "No price rule applies",
	"rule": "Price rule", "rule_skipped": "Price rule skipped", "clamp": "Floor at zero", "manual_discount": "Your discount", "contract_price": "Contract price",
	"net_amount": "Net amount", "header_discount": "Quote discount", "tax": "Tax"}

func stepLabel(s string) string {
	if l, ok := stepLabels[s]; ok {
		return l
	}
	return label(s)
}

// quote shows a quote the signed-in person may read (any other is the
// API's 404, as a page): the builder when it is a draft they may change.
func (w *Web) quote(c *fiber.Ctx) error {
	p := signedIn(c, "Quote", "quotes")
	n, _ := strconv.Atoi(c.Query("version"))
	pg, _ := strconv.Atoi(c.Query("page"))
	switch c.Query("said") {
	case "created":
		p.Message = p.T("A new draft: find products below and add them; every change prices the quote again.")
	case "amendment":
		p.Message = p.T("An amendment quote of the contract: change the quantities, add products, then submit it and send it to the customer.")
	case "renewal":
		p.Message = p.T("The renewal quote of the contract, at its prices with the uplift: check it, submit it and send it to the customer.")
	}
	return w.quotePage(c, p, 200, n, pg, nil)
}

// quotePage renders version n (0: current) of the quote of the request's
// :id, with page pg of its lines (0: the page the form was on) and p's
// message; keep, when not nil, puts back what the person typed into a
// failed form.
func (w *Web) quotePage(c *fiber.Ctx, p page, status, n, pg int, keep func(*quoteView)) error {
	ctx := c.UserContext()
	if pg == 0 {
		pg, _ = strconv.Atoi(c.FormValue("page"))
	}
	v, err := w.loadQuote(ctx, p, c.Params("id"), n, pg)
	if err != nil {
		return w.fail(c, p, err)
	}
	if err := w.quoteExtras(ctx, c, p, v); err != nil {
		return w.fail(c, p, err)
	}
	if keep != nil {
		keep(v)
	}
	p.Title, p.Quote = p.T("Quote %s", v.Number), v
	return w.render(c, status, "quote", p)
}

// quoteExtras fills what the builder shows beside the lines: the finder,
// contacts, approvals, delivery and history.
func (w *Web) quoteExtras(ctx context.Context, c *fiber.Ctx, p page, v *quoteView) error {
	v.Find, v.Family, v.Families = strings.TrimSpace(c.Query("find")), c.Query("family"), catalogFamilies
	if v.Editable && (v.Find != "" || v.Family != "") {
		found, err := w.find(ctx, v.Find, v.Family)
		if err != nil {
			return err
		}
		v.Found = found
	}
	cons, err := w.app.Contacts(ctx, crm.ContactFilter{AccountID: v.AccountID, Page: quotient.Page{Limit: 100}})
	if err != nil {
		return err
	}
	for _, x := range cons {
		lbl := x.Name
		if x.Email != "" {
			lbl += " <" + x.Email + ">"
		}
		v.Contacts = append(v.Contacts, struct{ ID, Label string }{x.ID, lbl})
	}
	reqs, err := w.app.QuoteApprovals(ctx, v.ID, v.Version)
	if err != nil {
		return err
	}
	name := w.ownerNames(ctx)
	for _, r := range reqs {
		row := approvalRow{Rule: r.RuleName, Status: r.Status, Comment: r.Comment}
		switch {
		case r.ApproverID != "":
			row.Approver = name(r.ApproverID)
		case r.ApproverRole != "":
			row.Approver = p.T("any %s", p.T(label(r.ApproverRole)))
		default:
			row.Approver = p.T(label(r.ApproverKind))
		}
		if r.DecidedBy != "" {
			row.DecidedBy = name(r.DecidedBy)
		}
		if r.DecidedAt != nil {
			row.DecidedAt = p.Loc.Time(*r.DecidedAt)
		}
		v.Approvals = append(v.Approvals, row)
	}
	if v.MayWrite {
		d, err := w.app.QuoteDelivery(ctx, v.ID)
		if err != nil {
			return err
		}
		if d.Send != nil || len(d.Emails) > 0 || d.Decision != nil {
			dv := &deliveryView{PortalURL: d.PortalURL}
			if d.Send != nil {
				dv.SentTo, dv.SentAt, dv.Expires = d.Send.Recipient, p.Loc.Time(d.Send.SentAt), p.Loc.Date(quotient.DateOf(d.Send.ExpiresAt))
			}
			for _, m := range d.Emails {
				dv.Emails = append(dv.Emails, struct{ To, Subject, Status, Attempts, Error string }{m.Email.To, m.Email.Subject, string(m.Status),
					strconv.Itoa(m.Attempts), m.LastError})
			}
			if d.Decision != nil {
				dv.Decision = p.T("%s by %s <%s> on %s", p.T(label(string(d.Decision.Kind))), d.Decision.SignerName, d.Decision.SignerEmail,
					p.Loc.Time(d.Decision.DecidedAt))
			}
			v.Delivery = dv
		}
	}
	evs, err := w.app.QuoteHistory(ctx, v.ID)
	if err != nil {
		return err
	}
	for i := len(evs) - 1; i >= 0 && len(v.History) < 30; i-- {
		e := evs[i]
		who := p.T("the customer")
		if e.ActorID != "" {
			who = name(e.ActorID)
		}
		v.History = append(v.History, historyRow{At: p.Loc.Time(e.At), Who: who, Kind: p.T(label(e.Kind)),
			Detail: p.T("version %d: %s", e.Version, eventDetail(p.Loc, e))})
	}
	return nil
}

// catalogFamilies are the families the finder offers.
var catalogFamilies = []string{"hardware", "software", "services", "support"}

// find searches active products by name, SKU or family.
func (w *Web) find(ctx context.Context, q, family string) ([]foundRow, error) {
	active := true
	prs, err := w.app.Products(ctx, catalog.ProductFilter{Q: q, Family: family, Active: &active, Page: quotient.Page{Limit: 20}})
	if err != nil {
		return nil, err
	}
	out := make([]foundRow, 0, len(prs))
	for _, pr := range prs {
		out = append(out, foundRow{ID: pr.ID, SKU: pr.SKU, Name: pr.Name, Family: pr.Family, Configurable: len(pr.Attributes) > 0})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].SKU < out[j].SKU })
	return out, nil
}

// products answers the finder as the rep types (htmx): the list alone.
func (w *Web) products(c *fiber.Ctx) error {
	p := signedIn(c, "Quote", "quotes")
	ctx := c.UserContext()
	v, err := w.loadQuote(ctx, p, c.Params("id"), 0, 1)
	if err != nil {
		return w.fail(c, p, err)
	}
	if !v.Editable {
		return w.fail(c, p, quotient.Errorf(quotient.Conflict, "quote %s is not a draft you may change", v.Number))
	}
	v.Find, v.Family = strings.TrimSpace(c.Query("find")), c.Query("family")
	if v.Found, err = w.find(ctx, v.Find, v.Family); err != nil {
		return w.fail(c, p, err)
	}
	return w.fragment(c, 200, "quote", p, v, "found")
}

// fragment renders named templates of a page's set, for htmx to swap.
func (w *Web) fragment(c *fiber.Ctx, status int, pageName string, p page, data any, names ...string) error {
	if p.Loc.Tag == "" {
		p.Loc = localeOf(c)
	}
	var b strings.Builder
	for _, n := range names {
		if err := w.pages[p.Loc.Lang][pageName].ExecuteTemplate(&b, n, data); err != nil {
			return err
		}
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(status).SendString(b.String())
}

func htmx(c *fiber.Ctx) bool { return c.Get("HX-Request") == "true" }

// said is the outcome of a change for the page: a sentence, or the
// problem and the field it names.
func said(loc i18n.Locale, err error) (msg, field string, ok bool) {
	var qe *quotient.Error
	if !errors.As(err, &qe) || qe.Code == quotient.Internal || qe.Code == quotient.Unavailable || qe.Code == quotient.NotFound ||
		qe.Code == quotient.Forbidden {
		return "", "", false
	}
	msg = loc.Error(qe)
	if qe.Code == quotient.Stale {
		msg = loc.T("Someone changed this since the page was shown; here it is as it is now.") + " " + msg
	}
	return msg, qe.Field, true
}

// decimalField reads a decimal form field; "" is zero when blank is.
func decimalField(c *fiber.Ctx, name string, blank bool) (*decimal.Decimal, error) {
	s := strings.TrimSpace(c.FormValue(name))
	if s == "" && blank {
		return &decimal.Zero, nil
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return nil, quotient.FieldErrorf(quotient.Invalid, name, "must be a number, such as %s or %s", "2", "12.5")
	}
	return &d, nil
}

// quotePDF is the quote's PDF, for whoever may read the quote.
func (w *Web) quotePDF(c *fiber.Ctx) error {
	n, _ := strconv.Atoi(c.Query("version"))
	f, err := w.app.QuotePDF(c.UserContext(), c.Params("id"), n)
	return w.sendPDF(c, f, err)
}

// quoteList lists the quotes the person may read, filtered by status and
// by "mine" in the URL, newest first.
func (w *Web) quoteList(c *fiber.Ctx) error {
	ctx := c.UserContext()
	p := signedIn(c, "Quotes", "quotes")
	p.Filter.Owner, p.Filter.Segment = c.Query("owner"), c.Query("status")
	f := quote.Filter{OwnerID: p.Filter.Owner, Status: quote.Status(p.Filter.Segment), Page: quotient.Page{Limit: 100}}
	if f.OwnerID != "me" {
		f.OwnerID = ""
	}
	qs, err := w.app.Quotes(ctx, f)
	if msg, field, ok := said(p.Loc, err); ok {
		p.Message, p.IsError = fieldWords(p.Loc, field, msg), true
	} else if err != nil {
		return w.fail(c, p, err)
	}
	if p.Quotes, err = w.rows(ctx, p.Loc, qs); err != nil {
		return w.fail(c, p, err)
	}
	for _, s := range []quote.Status{quote.Draft, quote.PendingApproval, quote.Approved, quote.Sent, quote.Accepted, quote.Rejected, quote.Expired} {
		p.Segments = append(p.Segments, string(s))
	}
	return w.render(c, 200, "quotes", p)
}

// eventDetail says what an event of a quote's history records in the
// reader's language: a customer's decision by who signed it and why, any
// other event as it was said (see quote.Event).
func eventDetail(loc i18n.Locale, e quote.Event) string {
	if strings.HasSuffix(e.Kind, "_by_customer") || strings.HasSuffix(e.Kind, "_on_behalf_of_customer") {
		var d struct {
			Name   string `json:"signer_name"`
			Email  string `json:"signer_email"`
			Reason string `json:"reason"`
		}
		if json.Unmarshal([]byte(e.Detail), &d) == nil && d.Name != "" {
			if d.Reason != "" {
				return loc.T("signed by %s <%s>: %s", d.Name, d.Email, d.Reason)
			}
			return loc.T("signed by %s <%s>", d.Name, d.Email)
		}
	}
	return loc.Say(e.Format, e.Args, e.Detail)
}

// traceWords says a detail, conflict or warning of the pricing engine in
// the page's language (pricing.ParseDetail reads it back into its format
// and values); any other text, such as a rule's message, as it is.
func traceWords(loc i18n.Locale, text string) string {
	if loc.Lang == i18n.English {
		return text
	}
	if format, args, ok := pricing.ParseDetail(text); ok && i18n.Has(format) {
		return loc.T(format, args...)
	}
	return text
}
