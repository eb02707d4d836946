package web

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/app"
	"github.com/quotient-cpq/quotient/billing"
	"github.com/quotient-cpq/quotient/i18n"
)

// mayFinance is who sees the finance pages in the menu: what they read
// the application layer decides (reps get its 403).
func mayFinance(role quotient.Role) bool {
	return role == quotient.RoleFinance || role == quotient.RoleAdmin || role == quotient.RoleSalesManager
}

func minorMoney(loc i18n.Locale, minor int64, cur string) string {
	c, _ := quotient.LookupCurrency(cur)
	return loc.Money(c.FromMinor(minor), cur)
}

// problem is an application error a form shows beside the page (a 4xx the
// person can fix), or nil when it is not one.
func problem(loc i18n.Locale, err error) (string, bool) {
	var qe *quotient.Error
	if errors.As(err, &qe) && qe.Code != quotient.Internal && qe.Code != quotient.Unavailable && qe.Code != quotient.NotFound && qe.Code != quotient.Forbidden {
		return fieldWords(loc, qe.Field, loc.Error(qe)), true
	}
	return "", false
}

// bar is a bar of a chart with its figure: the table beside the chart
// says the same in words.
type bar struct {
	Label, Value, Link string
	X, Y, H, W         int
	Tone               string
}

// receivablesView is the receivables page: the aging in base with its
// chart, days sales outstanding by month, the largest overdue accounts,
// and the open invoices.
type receivablesView struct {
	Base, AsOf, Total, Overdue string
	Buckets                    []bar
	DSO                        []bar
	Largest                    []struct{ ID, Name, Overdue, Total string }
	Invoices                   []struct{ ID, Number, AccountID, Account, Due, Status, StatusLabel, Total, Open string }
	Status, Bucket, BucketName string
	Currencies                 []struct {
		Currency string
		Buckets  []string
		Total    string
	}
}

var bucketWords = []string{"Current", "1–30 days", "31–60 days", "61–90 days", "Over 90 days"}

// receivables is the finance overview of what customers owe.
func (w *Web) receivables(c *fiber.Ctx) error {
	ctx := c.UserContext()
	p := signedIn(c, "Receivables", "receivables")
	ag, err := w.app.ARAging(ctx, "", quotient.Date{})
	if err != nil {
		return w.fail(c, p, err)
	}
	v := &receivablesView{Base: ag.Currency, AsOf: p.Loc.Date(ag.AsOf), Total: minorMoney(p.Loc, ag.Total.Total, ag.Currency),
		Overdue: minorMoney(p.Loc, ag.Total.Total-ag.Total.Buckets[0], ag.Currency), Status: c.Query("status")}
	top := int64(1)
	for _, n := range ag.Total.Buckets {
		top = max(top, n)
	}
	for i, n := range ag.Total.Buckets {
		h := int(n * 160 / top)
		tone := "ok"
		if i > 0 {
			tone = "late"
		}
		v.Buckets = append(v.Buckets, bar{Label: p.T(bucketWords[i]), Value: minorMoney(p.Loc, n, ag.Currency), X: 20 + i*110, Y: 180 - h, H: h, W: 80, Tone: tone,
			Link: "/receivables?bucket=" + billing.Buckets[i] + "#invoices-h"})
	}
	v.Bucket = c.Query("bucket")
	for i, b := range billing.Buckets {
		if b == v.Bucket {
			v.BucketName = p.T(bucketWords[i])
		}
	}
	byCur, err := w.app.ARAgingAll(ctx, "", "document", quotient.Date{})
	if err != nil {
		return w.fail(c, p, err)
	}
	for _, a := range byCur {
		row := struct {
			Currency string
			Buckets  []string
			Total    string
		}{Currency: a.Currency, Total: minorMoney(p.Loc, a.Total.Total, a.Currency)}
		for _, n := range a.Total.Buckets {
			row.Buckets = append(row.Buckets, minorMoney(p.Loc, n, a.Currency))
		}
		v.Currencies = append(v.Currencies, row)
	}
	today := quotient.DateOf(w.app.Now())
	rows := append([]billing.AgingRow(nil), ag.Accounts...)
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].Total-rows[i].Buckets[0] > rows[j].Total-rows[j].Buckets[0] })
	for _, r := range rows[:min(5, len(rows))] {
		if r.Total == r.Buckets[0] {
			break
		}
		v.Largest = append(v.Largest, struct{ ID, Name, Overdue, Total string }{r.AccountID, r.AccountName, minorMoney(p.Loc, r.Total-r.Buckets[0], ag.Currency),
			minorMoney(p.Loc, r.Total, ag.Currency)})
	}
	_, dso, err := w.app.DSOTrend(ctx, quotient.Date{}, 12)
	if err != nil {
		return w.fail(c, p, err)
	}
	topDays := decimal.NewFromInt(1)
	for _, d := range dso {
		if d.Days != nil && d.Days.GreaterThan(topDays) {
			topDays = *d.Days
		}
	}
	for i, d := range dso {
		b := bar{Label: d.Month, Value: "–", X: 10 + i*45, W: 30, Y: 180, Tone: "ok"}
		if d.Days != nil {
			b.Value = p.T("%s days", p.Loc.Number(*d.Days))
			b.H = int(d.Days.Mul(decimal.NewFromInt(160)).Div(topDays).IntPart())
			b.Y = 180 - b.H
		}
		v.DSO = append(v.DSO, b)
	}
	invs, err := w.app.Invoices(ctx, billing.InvoiceFilter{Status: v.Status, Page: quotient.Page{Limit: 200}})
	if err != nil {
		return w.fail(c, p, err)
	}
	names := map[string]string{}
	for _, r := range ag.Accounts {
		names[r.AccountID] = r.AccountName
	}
	for _, inv := range invs {
		if v.Status == "" && inv.AmountDue == 0 || v.Bucket != "" && inBucket(today, inv.DueDate) != v.Bucket {
			continue
		}
		name, ok := names[inv.AccountID]
		if !ok {
			if acc, err := w.app.Account(ctx, inv.AccountID); err == nil {
				name = acc.Name
			}
			names[inv.AccountID] = name
		}
		v.Invoices = append(v.Invoices, struct{ ID, Number, AccountID, Account, Due, Status, StatusLabel, Total, Open string }{inv.ID, inv.Number, inv.AccountID,
			name, p.Loc.Date(inv.DueDate), inv.Status, p.T(label(inv.Status)), minorMoney(p.Loc, inv.Total, inv.Currency), minorMoney(p.Loc, inv.AmountDue, inv.Currency)})
	}
	p.Data = v
	return w.render(c, 200, "receivables", p)
}

// paymentView is the form that records a payment: the account, the
// money, and its allocation to the account's open invoices, suggested
// oldest due first.
type paymentView struct {
	Accounts                                 []choice
	AccountID, Amount, ReceivedOn, Reference string
	Method                                   string
	Methods                                  []choice
	Currency                                 string
	Open                                     []struct{ ID, Number, Due, Open, Give string }
	Unallocated                              string
	Errors                                   map[string]string
	Recorded                                 string
}

var methodWords = map[string]string{"bank_transfer": "Bank transfer", "card": "Card", "cash": "Cash", "check": "Check", "direct_debit": "Direct debit", "other": "Other"}

// paymentForm shows the payment form; with an account and an amount it
// suggests the allocations.
func (w *Web) paymentForm(c *fiber.Ctx) error {
	p := signedIn(c, "Record a payment", "receivables")
	v := &paymentView{AccountID: c.Query("account_id"), Amount: c.Query("amount"), ReceivedOn: c.Query("received_on"), Reference: c.Query("reference"),
		Method: c.Query("method", "bank_transfer"), Errors: map[string]string{}}
	return w.paymentPage(c, p, v, 200, nil)
}

func (w *Web) paymentPage(c *fiber.Ctx, p page, v *paymentView, status int, given map[string]string) error {
	ctx := c.UserContext()
	ag, err := w.app.ARAgingAll(ctx, "", "document", quotient.Date{})
	if err != nil {
		return w.fail(c, p, err)
	}
	seen := map[string]bool{}
	for _, a := range ag {
		for _, r := range a.Accounts {
			if !seen[r.AccountID] {
				seen[r.AccountID] = true
				v.Accounts = append(v.Accounts, choice{r.AccountID, r.AccountName + " (" + a.Currency + ")"})
			}
		}
	}
	sort.Slice(v.Accounts, func(i, j int) bool { return v.Accounts[i].Label < v.Accounts[j].Label })
	for _, m := range []string{"bank_transfer", "card", "cash", "check", "direct_debit", "other"} {
		v.Methods = append(v.Methods, choice{m, p.T(methodWords[m])})
	}
	if v.AccountID != "" {
		acc, err := w.app.Account(ctx, v.AccountID)
		if err != nil {
			return w.fail(c, p, err)
		}
		v.Currency = acc.Currency
		cur, _ := quotient.LookupCurrency(acc.Currency)
		invs, err := w.app.Invoices(ctx, billing.InvoiceFilter{AccountID: acc.ID, Page: quotient.Page{Limit: 500}})
		if err != nil {
			return w.fail(c, p, err)
		}
		sort.SliceStable(invs, func(i, j int) bool { return invs[i].DueDate.Before(invs[j].DueDate) })
		left, _ := cur.ToMinor(parseDec(v.Amount))
		for _, inv := range invs {
			if inv.AmountDue == 0 || inv.Currency != acc.Currency {
				continue
			}
			give := min(max(left, 0), inv.AmountDue)
			left -= give
			g := cur.FromMinor(give).StringFixed(int32(cur.MinorUnits))
			if s, ok := given[inv.ID]; ok {
				g = s
			}
			v.Open = append(v.Open, struct{ ID, Number, Due, Open, Give string }{inv.ID, inv.Number, p.Loc.Date(inv.DueDate),
				minorMoney(p.Loc, inv.AmountDue, inv.Currency), g})
		}
		if left > 0 {
			v.Unallocated = minorMoney(p.Loc, left, acc.Currency)
		}
	}
	p.Data = v
	return w.render(c, status, "payment", p)
}

func parseDec(s string) decimal.Decimal {
	d, err := decimal.NewFromString(strings.TrimSpace(strings.ReplaceAll(s, ",", "")))
	if err != nil {
		return decimal.Zero
	}
	return d
}

// recordPayment records the payment the form describes, allocated as it
// says.
func (w *Web) recordPayment(c *fiber.Ctx) error {
	p := signedIn(c, "Record a payment", "receivables")
	v := &paymentView{AccountID: c.FormValue("account_id"), Amount: c.FormValue("amount"), ReceivedOn: c.FormValue("received_on"),
		Reference: c.FormValue("reference"), Method: c.FormValue("method"), Errors: map[string]string{}}
	given := map[string]string{}
	in := billing.PaymentInput{AccountID: v.AccountID, Method: v.Method, Reference: strings.TrimSpace(v.Reference)}
	amt, err := decimal.NewFromString(strings.TrimSpace(v.Amount))
	if err != nil {
		v.Errors["amount"] = p.T("Enter the amount received, such as 1250.00.")
	}
	in.Amount = amt
	if v.ReceivedOn != "" {
		d, ok := quotient.ParseDate(v.ReceivedOn)
		if !ok {
			v.Errors["received_on"] = p.T("Enter the date as YYYY-MM-DD.")
		}
		in.ReceivedOn = d
	}
	args := c.Request().PostArgs()
	for _, k := range strings.Fields(string(c.FormValue("invoices"))) {
		s := strings.TrimSpace(string(args.Peek("give_" + k)))
		given[k] = s
		if s == "" {
			continue
		}
		d, err := decimal.NewFromString(s)
		if err != nil {
			v.Errors["give_"+k] = p.T("Enter an amount, such as 500.00.")
			continue
		}
		if d.IsPositive() {
			in.Allocations = append(in.Allocations, billing.AllocationInput{InvoiceID: k, Amount: d})
		}
	}
	if len(v.Errors) > 0 {
		p.Message, p.IsError = p.T("The payment was not recorded: check the fields marked."), true
		return w.paymentPage(c, p, v, fiber.StatusUnprocessableEntity, given)
	}
	if len(in.Allocations) == 0 {
		in.Allocations = nil
	}
	pay, err := w.app.ReceivePayment(c.UserContext(), in)
	if msg, ok := problem(p.Loc, err); ok {
		p.Message, p.IsError = p.T("The payment was not recorded: %s", msg), true
		return w.paymentPage(c, p, v, fiber.StatusUnprocessableEntity, given)
	}
	if err != nil {
		return w.fail(c, p, err)
	}
	p.Message = p.T("Payment of %s recorded and posted.", minorMoney(p.Loc, pay.Amount, pay.Currency))
	v = &paymentView{Method: "bank_transfer", Errors: map[string]string{}, Recorded: pay.ID}
	return w.paymentPage(c, p, v, 200, nil)
}

// bankListView is the bank page: statements imported and the import form.
type bankListView struct {
	Statements []struct {
		ID, Reference, Account, Currency, Closing, Lines, Open, Difference string
		Reconciled                                                         bool
	}
	Form map[string]string
}

func (w *Web) bank(c *fiber.Ctx) error {
	return w.bankPage(c, signedIn(c, "Bank reconciliation", "bank"), 200, nil)
}

func (w *Web) bankPage(c *fiber.Ctx, p page, status int, form map[string]string) error {
	sts, err := w.app.BankStatements(c.UserContext(), quotient.Page{Limit: 100})
	if err != nil {
		return w.fail(c, p, err)
	}
	if form == nil {
		form = map[string]string{"account_code": "1000", "format": "camt053", "currency": "", "date": "Date", "amount": "Amount", "reference": "Reference",
			"counterparty": "Payer", "description": "Details", "date_format": "2006-01-02", "decimal": "."}
	}
	v := &bankListView{Form: form}
	for _, full := range sts {
		open := 0
		for _, l := range full.Lines {
			if !l.Done() {
				open++
			}
		}
		diff := "–"
		if d, ok := full.Difference(); ok {
			diff = minorMoney(p.Loc, d, full.Currency)
		}
		closing := "–"
		if full.Closing != nil {
			closing = minorMoney(p.Loc, *full.Closing, full.Currency) + " · " + p.Loc.Date(full.ClosingDate)
		}
		v.Statements = append(v.Statements, struct {
			ID, Reference, Account, Currency, Closing, Lines, Open, Difference string
			Reconciled                                                         bool
		}{
			full.ID, firstOf(full.Reference, p.T("Statement of %s", p.Loc.Date(full.ClosingDate))), full.AccountCode, full.Currency, closing,
			fmt.Sprint(len(full.Lines)), fmt.Sprint(open), diff, full.Reconciled()})
	}
	p.Data = v
	return w.render(c, status, "bank", p)
}

func firstOf(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// importStatement imports the file uploaded (or pasted) and opens the
// statement.
func (w *Web) importStatement(c *fiber.Ctx) error {
	p := signedIn(c, "Bank reconciliation", "bank")
	form := map[string]string{}
	for _, k := range []string{"account_code", "format", "currency", "opening_balance", "closing_balance", "date", "amount", "reference", "counterparty",
		"description", "date_format", "decimal"} {
		form[k] = strings.TrimSpace(c.FormValue(k))
	}
	content := c.FormValue("content")
	if b, ok, err := uploaded(c, "file"); err != nil {
		return w.fail(c, p, err)
	} else if ok {
		content = string(b)
	}
	in := billing.StatementInput{AccountCode: form["account_code"], Format: form["format"], Content: content, Currency: form["currency"],
		Mapping: billing.CSVMapping{Date: form["date"], Amount: form["amount"], Reference: form["reference"], Counterparty: form["counterparty"],
			Description: form["description"], DateFormat: form["date_format"], Decimal: form["decimal"]}}
	for k, dst := range map[string]**decimal.Decimal{"opening_balance": &in.Opening, "closing_balance": &in.Closing} {
		if form[k] == "" {
			continue
		}
		d, err := decimal.NewFromString(form[k])
		if err != nil {
			p.Message, p.IsError = p.T("The statement was not imported: %s", p.Loc.FieldProblem(k, p.T("Enter an amount, such as 500.00."))), true
			return w.bankPage(c, p, fiber.StatusUnprocessableEntity, form)
		}
		*dst = &d
	}
	bs, created, err := w.app.ImportBankStatement(c.UserContext(), in)
	if msg, ok := problem(p.Loc, err); ok {
		p.Message, p.IsError = p.T("The statement was not imported: %s", msg), true
		return w.bankPage(c, p, fiber.StatusUnprocessableEntity, form)
	}
	if err != nil {
		return w.fail(c, p, err)
	}
	said := "imported"
	if !created {
		said = "again"
	}
	return c.Redirect("/bank/"+bs.ID+"?said="+said, fiber.StatusSeeOther)
}

// statementView is a bank statement's page.
type statementView struct {
	ID, Reference, Account, Currency, Opening, Closing, ClosingDate, Ledger, Difference string
	Reconciled, Differs                                                                 bool
	Duplicates                                                                          int
	Lines                                                                               []bankLineView
}

type bankLineView struct {
	ID, Booked, Amount, Payer, Text, Status, StatusLabel, Reason, PaymentID string
	Confirmed, Done, In                                                     bool
	Proposal                                                                string
}

func (w *Web) bankStatement(c *fiber.Ctx) error {
	p := signedIn(c, "Bank statement", "bank")
	switch c.Query("said") {
	case "imported":
		p.Message = p.T("Statement imported; its lines are matched below.")
	case "again":
		p.Message = p.T("This file was imported before; nothing was added.")
	}
	return w.statementPage(c, p, 200)
}

func (w *Web) statementPage(c *fiber.Ctx, p page, status int) error {
	bs, err := w.app.BankStatement(c.UserContext(), c.Params("id"))
	if err != nil {
		return w.fail(c, p, err)
	}
	v := &statementView{ID: bs.ID, Reference: bs.Reference, Account: bs.AccountCode, Currency: bs.Currency, Opening: minorMoney(p.Loc, bs.Opening, bs.Currency),
		Closing: "–", ClosingDate: p.Loc.Date(bs.ClosingDate), Ledger: minorMoney(p.Loc, bs.LedgerClosed, bs.Currency), Difference: "–", Reconciled: bs.Reconciled(),
		Duplicates: bs.Duplicates}
	if bs.Closing != nil {
		d, _ := bs.Difference()
		v.Closing, v.Difference, v.Differs = minorMoney(p.Loc, *bs.Closing, bs.Currency), minorMoney(p.Loc, d, bs.Currency), d != 0
	}
	for _, l := range bs.Lines {
		lv := bankLineView{ID: l.ID, Booked: p.Loc.Date(l.BookedOn), Amount: minorMoney(p.Loc, l.Amount, bs.Currency), Payer: l.Counterparty,
			Text: strings.TrimSpace(l.Reference + " " + l.Description), Status: l.Status, StatusLabel: p.T(label(l.Status)), Reason: l.Reason,
			PaymentID: l.PaymentID, Confirmed: l.Confirmed, Done: l.Done(), In: l.Amount > 0}
		if len(l.Proposals) > 0 && l.Status == billing.LineProposed {
			pr := l.Proposals[0]
			var nums []string
			for _, al := range pr.Allocations {
				nums = append(nums, al.Number+" "+minorMoney(p.Loc, al.Amount, bs.Currency))
			}
			lv.Proposal = pr.AccountName + ": " + strings.Join(nums, ", ")
		}
		v.Lines = append(v.Lines, lv)
	}
	p.Title, p.Data = p.T("Bank statement %s", firstOf(bs.Reference, v.ClosingDate)), v
	return w.render(c, status, "bankstatement", p)
}

// lineAction confirms, ignores or splits a line and shows the statement
// again, saying what happened or why not.
func (w *Web) lineAction(c *fiber.Ctx) error {
	p := signedIn(c, "Bank statement", "bank")
	ctx, sid, lid := c.UserContext(), c.Params("id"), c.Params("line")
	var err error
	switch c.Params("action") {
	case "confirm":
		_, err = w.app.ConfirmBankLine(ctx, sid, lid, billing.ConfirmInput{AccountID: strings.TrimSpace(c.FormValue("account_id"))})
		p.Message = p.T("Line confirmed.")
	case "ignore":
		_, err = w.app.IgnoreBankLine(ctx, sid, lid, c.FormValue("reason"))
		p.Message = p.T("Line set aside.")
	case "split":
		var parts []decimal.Decimal
		for _, s := range strings.FieldsFunc(c.FormValue("amounts"), func(r rune) bool { return r == ';' || r == ' ' || r == '+' }) {
			d, perr := decimal.NewFromString(s)
			if perr != nil {
				err = quotient.FieldErrorf(quotient.Invalid, "amounts", "%q is not an amount; separate the parts with spaces or semicolons", s)
				break
			}
			parts = append(parts, d)
		}
		if err == nil {
			_, err = w.app.SplitBankLine(ctx, sid, lid, parts)
		}
		p.Message = p.T("Line split; each part is matched again.")
	default:
		return w.fail(c, p, quotient.Errorf(quotient.NotFound, "no such action"))
	}
	if msg, ok := problem(p.Loc, err); ok {
		p.Message, p.IsError = p.T("Not done: %s", msg), true
		return w.statementPage(c, p, fiber.StatusUnprocessableEntity)
	}
	if err != nil {
		return w.fail(c, p, err)
	}
	return w.statementPage(c, p, 200)
}

// uploaded is the file a form uploaded in field (at most 8 MiB read), if
// it uploaded one.
func uploaded(c *fiber.Ctx, field string) ([]byte, bool, error) {
	fh, err := c.FormFile(field)
	if err != nil || fh.Size == 0 {
		return nil, false, nil
	}
	f, err := fh.Open()
	if err != nil {
		return nil, false, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, 8<<20))
	return b, err == nil, err
}

// sendPDF answers a document to show in the browser, or the page of the
// error that kept it.
func (w *Web) sendPDF(c *fiber.Ctx, f app.File, err error) error {
	if err != nil {
		return w.fail(c, signedIn(c, "", ""), err)
	}
	c.Set(fiber.HeaderContentType, f.ContentType)
	c.Set(fiber.HeaderContentDisposition, `inline; filename="`+f.Name+`.pdf"`)
	return c.Send(f.Body)
}

// inBucket is the aging bucket of an invoice due on due, seen on day.
func inBucket(day, due quotient.Date) string {
	switch d := day.DaysSince(due); {
	case d <= 0:
		return billing.Buckets[0]
	case d <= 30:
		return billing.Buckets[1]
	case d <= 60:
		return billing.Buckets[2]
	case d <= 90:
		return billing.Buckets[3]
	}
	return billing.Buckets[4]
}
