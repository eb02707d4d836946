package server

import (
	"bytes"
	"html/template"
	"net/http"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/app"
	"github.com/quotient-cpq/quotient/document"
	"github.com/quotient-cpq/quotient/quote"
)

// The customer portal: server-rendered, works without JavaScript, readable
// on a phone. Every bad link gets the same 404 page.

var portalPage = template.Must(template.New("portal").Funcs(template.FuncMap{
	"money": func(d any, cur string) string {
		switch x := d.(type) {
		case interface{ String() string }:
			if dec, ok := quotient.ParseDecimal(x.String()); ok {
				return document.Money(dec, cur)
			}
		}
		return ""
	},
}).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
@font-face{font-family:"IPAexGothic";src:url(/assets/ipaexg.ttf) format("truetype");font-display:swap;unicode-range:U+3000-30FF,U+3400-4DBF,U+4E00-9FFF,U+F900-FAFF,U+FF00-FFEF}
body{font-family:system-ui,-apple-system,"Hiragino Sans","Noto Sans JP","IPAexGothic",sans-serif;margin:0;background:#f4f5f7;color:#1d2430}
main{max-width:760px;margin:0 auto;padding:16px}
.card{background:#fff;border-radius:10px;padding:18px;margin:14px 0;box-shadow:0 1px 3px rgba(0,0,0,.08)}
h1{font-size:1.35rem;margin:.2rem 0} h2{font-size:1.05rem;margin:.2rem 0 .8rem}
table{width:100%;border-collapse:collapse;font-size:.92rem} td,th{padding:6px 4px;border-bottom:1px solid #eceef2;text-align:left;vertical-align:top}
td.n,th.n{text-align:right;white-space:nowrap} .muted{color:#5b6474;font-size:.88rem}
.total td{font-weight:600;border-bottom:none} label{display:block;margin:.6rem 0 .2rem;font-weight:500}
input[type=text],input[type=email],textarea{width:100%;box-sizing:border-box;padding:10px;border:1px solid #c9ced8;border-radius:6px;font-size:1rem}
button{margin-top:.9rem;padding:11px 18px;border:0;border-radius:6px;font-size:1rem;cursor:pointer}
.accept{background:#1f7a4d;color:#fff} .reject{background:#e9ecf1;color:#1d2430}
.notice{padding:12px 14px;border-radius:8px;background:#eef6f1;border:1px solid #bfe0cc} .error{background:#fdf0ef;border-color:#f1c2bd}
.hash{overflow-wrap:anywhere;word-break:break-all}
.check{display:flex;gap:.5rem;align-items:flex-start;margin-top:.8rem} .check input{margin-top:.25rem;width:1.1rem;height:1.1rem}
</style></head><body><main>
{{if .Message}}<div class="card notice{{if .IsError}} error{{end}}" id="message"><strong>{{.Message}}</strong>{{if .Detail}}<div class="muted">{{.Detail}}</div>{{end}}</div>{{end}}
{{with .View}}
<div class="card">
  <div class="muted">{{$.Company}}</div>
  <h1>Quote {{.Quote.Number}} <span class="muted">version {{.Version.Version}}</span></h1>
  <div class="muted">For {{.Account.Name}} · valid until {{.Version.ValidUntil}} · {{.Quote.Currency}}</div>
  <p><a href="{{$.PDF}}">Download the PDF</a> <span class="muted hash">(SHA-256 {{.Send.PDFSHA256}})</span></p>
</div>
<div class="card"><h2>Lines</h2>
<table><thead><tr><th>Item</th><th class="n">Qty</th><th class="n">Net</th></tr></thead><tbody>
{{range $i, $l := .Version.Priced.Lines}}<tr><td>{{.Name}}<div class="muted">{{.SKU}}</div>{{with index $.Terms $i}}<div class="muted line-terms">{{.}}</div>{{end}}</td><td class="n">{{.Quantity}}</td><td class="n">{{money .NetAmount $.Currency}}</td></tr>{{end}}
<tr><td colspan="2" class="n">Net total{{if $.Worth.Recurring}} of a period{{end}}</td><td class="n">{{money .Version.Priced.NetTotal $.Currency}}</td></tr>
{{range .Version.Priced.Taxes}}<tr><td colspan="2" class="n">{{.Name}}</td><td class="n">{{money .Tax $.Currency}}</td></tr>{{end}}
<tr class="total"><td colspan="2" class="n">Total{{if $.Worth.Recurring}} of a period{{end}}</td><td class="n">{{money .Version.Priced.Total $.Currency}}</td></tr>
</tbody></table>
{{if $.Worth.Recurring}}<table id="subscription-value"><tbody>
{{if $.Amendment}}<tr><td>Change to the monthly fee</td><td class="n" id="mrr-change">{{money $.Worth.MRRChange $.Currency}}</td></tr>
<tr><td>What the change adds to the contract to its end, before tax</td><td class="n" id="tcv">{{money $.Worth.TCV $.Currency}}</td></tr>
{{else}}<tr><td>Monthly fee, before tax</td><td class="n" id="mrr">{{money $.Worth.MRR $.Currency}}</td></tr>
<tr><td>Total over the term, before tax</td><td class="n" id="tcv">{{money $.Worth.TCV $.Currency}}</td></tr>{{end}}
</tbody></table><p class="muted">Subscriptions are invoiced at the start of each billing period; a partial period is charged by its days.</p>{{end}}
{{if .Version.Terms}}<p class="muted">{{.Version.Terms}}</p>{{end}}
</div>
{{if $.Open}}
<div class="card"><h2>Accept this quote</h2>
<form method="post" action="{{$.Accept}}">
<label for="signer_name">Your full name</label><input type="text" id="signer_name" name="signer_name" required maxlength="200" value="{{$.Name}}">
<label for="signer_email">Your e-mail</label><input type="email" id="signer_email" name="signer_email" required maxlength="254" value="{{$.Email}}">
<div class="check"><input type="checkbox" id="accept" name="accept" value="yes" required><label for="accept" style="margin:0;font-weight:400">On behalf of {{.Account.Name}}, I accept quote {{.Quote.Number}} version {{.Version.Version}} {{if $.Amendment}}changing the contract's monthly fee by {{money $.Worth.MRRChange $.Currency}}{{else if $.Worth.Recurring}}for {{money $.Worth.TCV $.Currency}} before tax over the term{{else}}for {{money .Version.Priced.Total $.Currency}}{{end}}.</label></div>
<button class="accept" type="submit" id="accept-button">Accept quote</button>
</form></div>
<div class="card"><h2>Decline</h2>
<form method="post" action="{{$.Reject}}">
<label for="reason">Reason</label><textarea id="reason" name="reason" rows="3" required maxlength="2000"></textarea>
<button class="reject" type="submit">Decline quote</button>
</form></div>
{{end}}
{{end}}
</main></body></html>`))

type portalData struct {
	Title, Message, Detail, Company, Currency string
	IsError, Open                             bool
	View                                      *quote.PortalView
	PDF, Accept, Reject                       string
	Name, Email                               string
	// A recurring quote's worth, and each line's terms ("" for a
	// one-time line).
	Worth     quote.Value
	Terms     []string
	Amendment bool
}

func (s *Server) renderPortal(c *fiber.Ctx, status int, d portalData) error {
	if d.Title == "" {
		d.Title = "Quote"
	}
	var buf bytes.Buffer
	if err := portalPage.Execute(&buf, d); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set("Cache-Control", "no-store")
	c.Set("Referrer-Policy", "no-referrer")
	c.Set("X-Frame-Options", "DENY")
	return c.Status(status).Send(buf.Bytes())
}

// wantsJSON reports whether the portal request is from a program.
func wantsJSON(c *fiber.Ctx) bool {
	return strings.Contains(c.Get(fiber.HeaderContentType), "json") || strings.Contains(c.Get(fiber.HeaderAccept), "application/json")
}

func pageData(c *fiber.Ctx, pg app.PortalPage) portalData {
	base := "/portal/quotes/" + c.Params("token")
	view := pg.PortalView
	d := portalData{Title: "Quote " + view.Quote.Number, Company: pg.Company, Currency: view.Quote.Currency, View: &view,
		PDF: base + "/pdf", Accept: base + "/accept", Reject: base + "/reject", Open: pg.Open,
		Worth: quote.Worth(view.Quote, view.Version), Amendment: view.Quote.Kind == quote.Amendment}
	for i, l := range view.Version.Lines {
		term := ""
		if d.Worth.Recurring && i < len(d.Worth.Lines) && d.Worth.Lines[i].Recurring && view.Version.Priced != nil {
			var prior *decimal.Decimal
			if d.Amendment {
				prior = &l.PriorQuantity
			}
			term = document.SubscriptionTerms(document.English, view.Version.Priced.Lines[i].BillingPeriod, l.BillingFrequency.Adverb(),
				l.StartDate, l.EndDate, prior)
		}
		d.Terms = append(d.Terms, term)
	}
	return d
}

// portalError renders an error: 404 for any bad link (the same page
// whatever was wrong), 409 pages that say why, 422 with the form again.
func (s *Server) portalError(c *fiber.Ctx, err error, d portalData) error {
	code := quotient.ErrorCode(err)
	status, ok := statusOf[code]
	if !ok || status >= 500 {
		return err
	}
	if wantsJSON(c) {
		return err
	}
	d.IsError = true
	switch code {
	case quotient.NotFound:
		return s.renderPortal(c, http.StatusNotFound, portalData{Title: "Link not valid", IsError: true,
			Message: "This link is not valid.", Detail: "It may have expired or been mistyped. Ask your contact for a new link."})
	case quotient.Conflict:
		d.Message, d.Open = "This quote can no longer be accepted or declined.", false
	default:
		d.Message = "Please check the form."
	}
	var qe *quotient.Error
	if e, ok := err.(*quotient.Error); ok {
		qe = e
	}
	if qe != nil {
		d.Detail = qe.Message
		if len(qe.Fields) > 0 {
			parts := make([]string, len(qe.Fields))
			for i, f := range qe.Fields {
				parts[i] = f.Message
			}
			d.Detail = strings.Join(parts, "; ")
		}
	}
	return s.renderPortal(c, status, d)
}

// PortalDecision is the body of a JSON accept or reject.
type PortalDecision struct {
	SignerName  string `json:"signer_name" maxLength:"200"`
	SignerEmail string `json:"signer_email" maxLength:"254"`
	Accept      bool   `json:"accept"`
	Reason      string `json:"reason" maxLength:"2000"`
}

func (s *Server) portalView() fiber.Handler {
	return func(c *fiber.Ctx) error {
		pg, err := s.app.PortalView(c.UserContext(), c.Params("token"))
		if err != nil {
			return s.portalError(c, err, portalData{})
		}
		d := pageData(c, pg)
		view := pg.PortalView
		switch {
		case view.Decision != nil && view.Decision.Kind == quote.AcceptedDecision:
			d.Message = "Thank you: this quote was accepted by " + view.Decision.SignerName + " on " + view.Decision.DecidedAt.Format("2006-01-02 15:04 MST") + "."
		case view.Decision != nil:
			d.Message = "This quote was declined."
		case view.Current.Version != view.Version.Version:
			d.Message, d.IsError = "A newer version of this quote exists; use the link of the newest version.", true
		case view.Expired:
			d.Message, d.IsError = "This quote expired on "+view.Version.ValidUntil.String()+".", true
		}
		return s.renderPortal(c, fiber.StatusOK, d)
	}
}

func (s *Server) portalPDF() fiber.Handler {
	return func(c *fiber.Ctx) error {
		f, err := s.app.PortalPDF(c.UserContext(), c.Params("token"))
		if err != nil {
			return s.portalError(c, err, portalData{})
		}
		return sendFile(c, f)
	}
}

// portalInput reads a customer's decision from the HTML form or JSON.
func portalInput(c *fiber.Ctx) (PortalDecision, quote.CustomerInput, error) {
	var in PortalDecision
	if wantsJSON(c) {
		if err := decode(c, &in); err != nil {
			return in, quote.CustomerInput{}, err
		}
	} else {
		in = PortalDecision{SignerName: strings.TrimSpace(c.FormValue("signer_name")), SignerEmail: strings.TrimSpace(c.FormValue("signer_email")),
			Accept: c.FormValue("accept") != "", Reason: strings.TrimSpace(c.FormValue("reason"))}
	}
	return in, quote.CustomerInput{SignerName: in.SignerName, SignerEmail: in.SignerEmail, Accept: in.Accept, Reason: in.Reason,
		IP: c.IP(), UserAgent: c.Get(fiber.HeaderUserAgent)}, nil
}

// portalAccept is the customer's acceptance: the quote is accepted and its
// order made.
func (s *Server) portalAccept() fiber.Handler {
	return func(c *fiber.Ctx) error {
		in, ci, err := portalInput(c)
		if err != nil {
			return err
		}
		r, err := s.app.AcceptQuote(c.UserContext(), c.Params("token"), ci)
		return s.portalDecided(c, in, r, err, func(d *portalData) {
			d.Message = "Thank you, " + r.Decision.SignerName + ": quote accepted."
			d.Detail = "We have recorded your acceptance as order " + r.Order.Number + " and will be in touch about delivery."
		})
	}
}

// portalDecline is the customer's rejection, with a reason.
func (s *Server) portalDecline() fiber.Handler {
	return func(c *fiber.Ctx) error {
		in, ci, err := portalInput(c)
		if err != nil {
			return err
		}
		r, err := s.app.DeclineQuote(c.UserContext(), c.Params("token"), ci)
		return s.portalDecided(c, in, r, err, func(d *portalData) {
			d.Message = "The quote was declined. Thank you for letting us know."
		})
	}
}

// portalDecided answers a decision: JSON for programs, the page for
// people (with the form again and what was wrong, when it was refused).
func (s *Server) portalDecided(c *fiber.Ctx, in PortalDecision, r app.Decided, err error, thanks func(*portalData)) error {
	var d portalData
	if r.Page.Quote.ID != "" {
		d = pageData(c, r.Page)
		d.Name, d.Email = in.SignerName, in.SignerEmail
	}
	if err != nil {
		return s.portalError(c, err, d)
	}
	if wantsJSON(c) {
		out := decisionJSON(r.Decision)
		out.OrderNumber = r.Order.Number
		return send(c, fiber.StatusOK, 0, out)
	}
	d.Open = false
	thanks(&d)
	return s.renderPortal(c, fiber.StatusOK, d)
}
