package web

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/app"
	"github.com/quotient-cpq/quotient/contract"
)

// contractRow is a contract in the list.
type contractRow struct {
	ID, Number, Account, Status, StatusLabel string
	Start, End, MRR, Renewal                 string
}

func (w *Web) contractRowOf(p page, c contract.Contract, account string) contractRow {
	cur, _ := quotient.LookupCurrency(c.Currency)
	r := contractRow{ID: c.ID, Number: c.Number, Account: account, Status: string(c.Status), StatusLabel: p.T(label(string(c.Status))),
		Start: p.Loc.Date(c.StartDate), End: p.Loc.Date(c.EndDate), MRR: p.Loc.Money(cur.Round(c.MRRShown(quotient.DateOf(w.app.Now()))), c.Currency)}
	if !c.RenewOn.IsZero() {
		r.Renewal = p.Loc.Date(c.RenewOn)
	}
	return r
}

// contractsView is the contracts list.
type contractsView struct {
	Status    string
	Statuses  []string
	Contracts []contractRow
}

// contracts lists the contracts the person may read.
func (w *Web) contracts(c *fiber.Ctx) error {
	ctx := c.UserContext()
	p := signedIn(c, "Contracts", "contracts")
	v := &contractsView{Status: c.Query("status"), Statuses: []string{"active", "ended", "cancelled"}}
	cs, err := w.app.ListContracts(ctx, contract.Filter{Status: contract.Status(v.Status), Page: quotient.Page{Limit: 200}})
	if err != nil {
		return w.fail(c, p, err)
	}
	names := map[string]string{}
	for _, k := range cs {
		if _, ok := names[k.AccountID]; !ok {
			acc, err := w.app.Account(ctx, k.AccountID)
			if err != nil {
				return w.fail(c, p, err)
			}
			names[k.AccountID] = acc.Name
		}
		v.Contracts = append(v.Contracts, w.contractRowOf(p, k, names[k.AccountID]))
	}
	p.Data = v
	return w.render(c, 200, "contracts", p)
}

// contractView is a contract's page.
type contractView struct {
	contractRow
	AccountID, Owner, ARR, Uplift, NextInvoice string
	RenewalQuoteID, RenewalLead, InvoiceLead   string
	CancelledOn, CancelReason                  string
	Version                                    int
	MayWrite, Active                           bool
	Subscriptions                              []struct{ SKU, Name, Quantity, Price, Period, Start, End, MRR, QuoteID string }
	Billings                                   []struct{ Period, Amount, InvoiceID, Invoice string }
	Invoices                                   []struct{ ID, Number, Date, Net, Total, Due, Status string }
	// Form keeps what the person typed in a form that failed.
	Form  map[string]string
	Today string
}

func (w *Web) contractPage(c *fiber.Ctx, p page, status int, form map[string]string) error {
	ctx := c.UserContext()
	x, err := w.app.GetContract(ctx, c.Params("id"))
	if err != nil {
		return w.fail(c, p, err)
	}
	acc, err := w.app.Account(ctx, x.AccountID)
	if err != nil {
		return w.fail(c, p, err)
	}
	act, _ := quotient.ActorFrom(ctx)
	today := quotient.DateOf(w.app.Now())
	cur, _ := quotient.LookupCurrency(x.Currency)
	mrr := x.MRRShown(today)
	v := &contractView{contractRow: w.contractRowOf(p, x.Contract, acc.Name), AccountID: x.AccountID, Owner: w.ownerNames(ctx)(x.OwnerID),
		ARR: p.Loc.Money(cur.Round(mrr.Mul(decimal.NewFromInt(12))), x.Currency), Uplift: p.Loc.Percent(x.RenewalUpliftPct),
		RenewalQuoteID: x.RenewalQuoteID, RenewalLead: fmt.Sprint(x.RenewalLeadDays), InvoiceLead: fmt.Sprint(x.InvoiceLeadDays),
		CancelReason: x.CancelReason, Version: x.Version, MayWrite: act.MayWriteOwnedBy(x.OwnerID), Active: x.Status == contract.Active,
		Form: form, Today: today.String()}
	if v.Form == nil {
		v.Form = map[string]string{"uplift": x.RenewalUpliftPct.String(), "renewal_lead_days": v.RenewalLead, "invoice_lead_days": v.InvoiceLead,
			"effective_date": today.String(), "credit_reductions": onIf(x.CreditReductions)}
	}
	if !x.CancelledOn.IsZero() {
		v.CancelledOn = p.Loc.Date(x.CancelledOn)
	}
	for _, s := range x.Subscriptions {
		v.Subscriptions = append(v.Subscriptions, struct{ SKU, Name, Quantity, Price, Period, Start, End, MRR, QuoteID string }{s.SKU, s.Name,
			p.Loc.Number(s.Quantity.Decimal()), p.Loc.Money(s.UnitPrice, x.Currency), p.T(periodNoun[string(s.BillingPeriod)]),
			p.Loc.Date(s.StartDate), p.Loc.Date(s.EndDate), p.Loc.Money(cur.Round(s.MRR()), x.Currency), s.QuoteID})
	}
	if next := x.NextInvoice(); !next.IsZero() {
		v.NextInvoice = p.Loc.Date(next)
	}
	numbers := map[string]string{}
	for _, inv := range x.Invoices {
		numbers[inv.ID] = inv.Number
		v.Invoices = append(v.Invoices, struct{ ID, Number, Date, Net, Total, Due, Status string }{inv.ID, inv.Number, p.Loc.Date(inv.IssueDate),
			minorMoney(p.Loc, inv.Net, x.Currency), minorMoney(p.Loc, inv.Total, x.Currency), minorMoney(p.Loc, inv.AmountDue, x.Currency), inv.Status})
	}
	for _, b := range x.Billings {
		v.Billings = append(v.Billings, struct{ Period, Amount, InvoiceID, Invoice string }{p.Loc.Date(b.PeriodStart) + " – " + p.Loc.Date(b.PeriodEnd),
			minorMoney(p.Loc, b.Amount, x.Currency), b.InvoiceID, numbers[b.InvoiceID]})
	}
	p.Title, p.Data = p.T("Contract %s", x.Number), v
	return w.render(c, status, "contract", p)
}

// contractShown is a contract's page with what an action did.
func (w *Web) contractShown(c *fiber.Ctx) error {
	p := signedIn(c, "Contract", "contracts")
	switch c.Query("said") {
	case "cancelled":
		p.Message = p.T("Contract cancelled; nothing is invoiced after its new end.")
	case "terms":
		p.Message = p.T("Renewal and invoicing terms saved.")
	}
	return w.contractPage(c, p, 200, nil)
}

// contractRefused shows a contract action's problem on its page, with
// what the person typed; anything else is the error page.
func (w *Web) contractRefused(c *fiber.Ctx, p page, err error, form map[string]string) error {
	if msg, ok := problem(p.Loc, err); ok {
		p.Message, p.IsError = msg, true
		return w.contractPage(c, p, fiber.StatusUnprocessableEntity, form)
	}
	return w.fail(c, p, err)
}

// amendContract starts an amendment quote and opens it in the builder.
func (w *Web) amendContract(c *fiber.Ctx) error {
	p := signedIn(c, "Contract", "contracts")
	form := map[string]string{"effective_date": c.FormValue("effective_date")}
	pr := quotient.Problems{}
	eff := pr.Date("effective_date", form["effective_date"], quotient.Optional)
	err := pr.Err()
	var x app.QuoteVersion
	if err == nil {
		x, err = w.app.AmendContract(c.UserContext(), c.Params("id"), eff)
	}
	if err != nil {
		return w.contractRefused(c, p, err, form)
	}
	return c.Redirect("/quotes/"+x.Quote.ID+"?said=amendment", fiber.StatusSeeOther)
}

// renewContract makes the renewal quote now and opens it.
func (w *Web) renewContract(c *fiber.Ctx) error {
	p := signedIn(c, "Contract", "contracts")
	x, err := w.app.RenewContract(c.UserContext(), c.Params("id"))
	if err != nil {
		return w.contractRefused(c, p, err, nil)
	}
	return c.Redirect("/quotes/"+x.Quote.ID+"?said=renewal", fiber.StatusSeeOther)
}

// cancelContract cancels from an effective date.
func (w *Web) cancelContract(c *fiber.Ctx) error {
	p := signedIn(c, "Contract", "contracts")
	form := map[string]string{"cancel_date": c.FormValue("effective_date"), "reason": c.FormValue("reason")}
	pr := quotient.Problems{}
	eff := pr.Date("effective_date", form["cancel_date"], quotient.Required)
	err := pr.Err()
	if err == nil {
		_, err = w.app.CancelContract(c.UserContext(), c.Params("id"), eff, form["reason"])
	}
	if err != nil {
		return w.contractRefused(c, p, err, form)
	}
	return c.Redirect("/contracts/"+c.Params("id")+"?said=cancelled", fiber.StatusSeeOther)
}

// contractTerms saves the renewal uplift and lead days.
func (w *Web) contractTerms(c *fiber.Ctx) error {
	p := signedIn(c, "Contract", "contracts")
	form := map[string]string{"uplift": c.FormValue("uplift"), "renewal_lead_days": c.FormValue("renewal_lead_days"),
		"invoice_lead_days": c.FormValue("invoice_lead_days"), "credit_reductions": c.FormValue("credit_reductions")}
	credit := form["credit_reductions"] == "on"
	patch := contract.Patch{CreditReductions: &credit}
	up, err := decimalField(c, "uplift", false)
	if err == nil {
		patch.RenewalUpliftPct = up
		var rl, il int
		if rl, err = intField(c, "renewal_lead_days"); err == nil {
			if il, err = intField(c, "invoice_lead_days"); err == nil {
				patch.RenewalLeadDays, patch.InvoiceLeadDays = &rl, &il
			}
		}
	}
	if err == nil {
		_, err = w.app.UpdateContract(c.UserContext(), c.Params("id"), version(c), patch)
	}
	if err != nil {
		return w.contractRefused(c, p, err, form)
	}
	return c.Redirect("/contracts/"+c.Params("id")+"?said=terms", fiber.StatusSeeOther)
}

// onIf is a checkbox's form value.
func onIf(b bool) string {
	if b {
		return "on"
	}
	return ""
}

// intField reads a whole number from a form.
func intField(c *fiber.Ctx, name string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(c.FormValue(name)))
	if err != nil {
		return 0, quotient.FieldErrorf(quotient.Invalid, name, "must be a whole number of days, such as %s", "30")
	}
	return n, nil
}

// metricsView is the subscription metrics page.
type metricsView struct {
	From, To, Currency    string
	MRR, ARR, StartMRR    string
	NRR, GRR, RenewalRate string
	Renewed, Due          int
	Bars                  []bar
	Months                []struct{ Month, MRR, New, Expansion, Contraction, Churn string }
	Query                 string
}

func (w *Web) metricsOf(c *fiber.Ctx) (contract.Metrics, error) {
	pr := quotient.Problems{Code: quotient.Invalid}
	from := pr.Date("from", c.Query("from"), quotient.Optional)
	to := pr.Date("to", c.Query("to"), quotient.Optional)
	if err := pr.Err(); err != nil {
		return contract.Metrics{}, err
	}
	return w.app.SubscriptionMetrics(c.UserContext(), c.Query("currency"), from, to)
}

// subscriptionMetrics is MRR month by month with its movements, as a
// chart and a table.
func (w *Web) subscriptionMetrics(c *fiber.Ctx) error {
	p := signedIn(c, "Subscription metrics", "subscriptions")
	m, err := w.metricsOf(c)
	if err != nil {
		return w.fail(c, p, err)
	}
	cur, _ := quotient.LookupCurrency(m.Currency)
	money := func(d decimal.Decimal) string { return p.Loc.Money(cur.Round(d), m.Currency) }
	pct := func(d *decimal.Decimal) string {
		if d == nil {
			return "–"
		}
		return p.Loc.Percent(*d)
	}
	v := &metricsView{From: m.From.String(), To: m.To.String(), Currency: m.Currency, MRR: money(m.MRR), ARR: money(m.ARR), StartMRR: money(m.StartMRR),
		NRR: pct(m.NRRPct), GRR: pct(m.GRRPct), RenewalRate: pct(m.RenewalRatePct), Renewed: m.Renewed, Due: m.RenewalsDue,
		Query: "from=" + m.From.String() + "&to=" + m.To.String() + "&currency=" + m.Currency}
	top := decimal.NewFromInt(1)
	for _, mm := range m.Months {
		if mm.MRR.GreaterThan(top) {
			top = mm.MRR
		}
	}
	width := 540 / max(len(m.Months), 1)
	for i, mm := range m.Months {
		b := bar{Label: mm.Month[2:], Value: money(mm.MRR), X: 10 + i*width, W: max(width*2/3, 4), Tone: "ok"}
		b.H = int(mm.MRR.Mul(decimal.NewFromInt(160)).Div(top).IntPart())
		b.Y = 180 - b.H
		v.Bars = append(v.Bars, b)
		v.Months = append(v.Months, struct{ Month, MRR, New, Expansion, Contraction, Churn string }{mm.Month, money(mm.MRR), money(mm.New),
			money(mm.Expansion), money(mm.Contraction.Neg()), money(mm.Churn.Neg())})
	}
	p.Data = v
	return w.render(c, 200, "subscriptions", p)
}

// metricsCSV is the metrics table as CSV, exactly as shown.
func (w *Web) metricsCSV(c *fiber.Ctx) error {
	p := signedIn(c, "Subscription metrics", "subscriptions")
	m, err := w.metricsOf(c)
	if err != nil {
		return w.fail(c, p, err)
	}
	cur, _ := quotient.LookupCurrency(m.Currency)
	f := func(d decimal.Decimal) string { return cur.Round(d).StringFixed(int32(cur.MinorUnits)) }
	var b bytes.Buffer
	cw := csv.NewWriter(&b)
	_ = cw.Write([]string{"month", "currency", "mrr", "new", "expansion", "contraction", "churn", "customers"})
	for _, mm := range m.Months {
		_ = cw.Write([]string{mm.Month, m.Currency, f(mm.MRR), f(mm.New), f(mm.Expansion), f(mm.Contraction), f(mm.Churn), fmt.Sprint(mm.Customers)})
	}
	cw.Flush()
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="subscription-metrics-`+m.Currency+`-`+m.From.String()+`-`+m.To.String()+`.csv"`)
	return c.Send(b.Bytes())
}
