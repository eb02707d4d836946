package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/billing"
	"github.com/quotient-cpq/quotient/catalog"
	"github.com/quotient-cpq/quotient/commission"
	"github.com/quotient-cpq/quotient/crm"
	"github.com/quotient-cpq/quotient/document"
	"github.com/quotient-cpq/quotient/i18n"
	"github.com/quotient-cpq/quotient/order"
	"github.com/quotient-cpq/quotient/outbox"
	"github.com/quotient-cpq/quotient/pricing"
	"github.com/quotient-cpq/quotient/quote"
)

// File is a rendered document: what a door sends or shows.
type File struct {
	Name        string // without extension
	ContentType string
	Body        []byte
}

func pdfFile(name string, body []byte, err error) (File, error) {
	return File{Name: name, ContentType: "application/pdf", Body: body}, err
}

// company is the company as documents print it, from its settings.
func company(ctx context.Context, tx Tx) (document.Party, error) {
	s, err := settings(ctx, tx)
	out := document.Party{Name: s.CompanyName, Registration: s.RegistrationNumber}
	if s.CompanyAddress != "" {
		out.Lines = strings.Split(s.CompanyAddress, "\n")
	}
	return out, err
}

// customer is an account as documents print it, its address in its
// country's order: a Japanese one reads 〒100-0005 東京都千代田区丸の内…, an
// American one street, then "City, ST 94105".
func customer(acc crm.Account) document.Party {
	return document.Party{Name: acc.Name, Lines: addressLines(acc.BillingAddress)}
}

// addressLines lays an address out as its country writes it.
func addressLines(a crm.Address) []string {
	var lines []string
	add := func(parts ...string) {
		if l := strings.TrimSpace(strings.Join(parts, "")); l != "" {
			lines = append(lines, l)
		}
	}
	switch a.Country {
	case "JP":
		if a.PostalCode != "" {
			add("〒", a.PostalCode)
		}
		add(a.Region, a.City, a.Line1, a.Line2)
	case "US", "CA", "AU":
		add(a.Line1)
		add(a.Line2)
		city := a.City
		if a.Region != "" {
			city = strings.TrimSpace(city + ", " + a.Region)
		}
		add(strings.TrimSpace(city + " " + a.PostalCode))
		add(countryName(a.Country))
	default:
		add(a.Line1)
		add(a.Line2)
		add(strings.TrimSpace(a.PostalCode + " " + a.City))
		add(a.Region)
		add(countryName(a.Country))
	}
	return lines
}

// countryName is how a document names a country code.
func countryName(code string) string {
	if n, ok := map[string]string{"US": "United States", "CA": "Canada", "AU": "Australia", "DE": "Germany", "FR": "France", "GB": "United Kingdom",
		"NL": "Netherlands", "SE": "Sweden", "IT": "Italy", "ES": "Spain", "JP": "Japan"}[code]; ok {
		return n
	}
	return code
}

// langOf is the language of an account's documents: Japanese for a
// customer in Japan.
func langOf(acc crm.Account) document.Lang {
	if acc.BillingAddress.Country == "JP" || strings.HasPrefix(acc.TaxRegion, "JP") {
		return document.Japanese
	}
	return document.English
}

// customerLocale is the language and formats of an account's e-mails:
// its documents' language, with the formats of its country where the
// workspace knows them (a German customer reads 1.234,50 €).
func customerLocale(acc crm.Account) i18n.Locale {
	if langOf(acc) == document.Japanese {
		return i18n.Of("ja-JP")
	}
	switch acc.BillingAddress.Country {
	case "DE", "AT":
		return i18n.Of("de-DE")
	case "FR":
		return i18n.Of("fr-FR")
	case "GB", "IE":
		return i18n.Of("en-GB")
	}
	return i18n.Default
}

// QuotePDF renders a quote version (0: the current one) as the customer
// sees it.
func (a *App) QuotePDF(ctx context.Context, id string, version int) (File, error) {
	doc, err := read(ctx, a, func(tx Tx) (document.Quote, error) {
		q, err := a.quoteVersion(ctx, tx, id, version)
		if err != nil {
			return document.Quote{}, err
		}
		co, err := company(ctx, tx)
		if err != nil {
			return document.Quote{}, err
		}
		acc, err := tx.GetAccount(ctx, q.Quote.AccountID)
		if err != nil {
			return document.Quote{}, err
		}
		return quoteDocument(ctx, tx, co, acc, q.Quote, q.Version)
	})
	if err != nil {
		return File{}, err
	}
	body, err := document.QuotePDF(doc)
	return pdfFile(doc.Number+"-v"+strconv.Itoa(doc.Version), body, err)
}

// quoteDocument gathers what the PDF of a quote version for account acc
// shows; co is the company as company read it.
func quoteDocument(ctx context.Context, tx Tx, co document.Party, acc crm.Account, q quote.Quote, v quote.Version) (document.Quote, error) {
	doc := document.Quote{Lang: langOf(acc), Number: q.Number, Version: v.Version, Date: v.PricingDate, ValidUntil: v.ValidUntil, Currency: q.Currency,
		Terms: v.Terms, Notes: v.Notes, ContentHash: v.Priced.InputHash, Company: co, Customer: customer(acc)}
	if rep, err := tx.GetUser(ctx, q.OwnerID); err == nil {
		doc.PreparedBy = rep.Name
		if rep.Email != "" {
			doc.PreparedBy += " <" + rep.Email + ">"
		}
	}
	if q.ContactID != "" {
		if c, err := tx.GetContact(ctx, q.ContactID); err == nil {
			doc.Customer.Contact, doc.Customer.Email = c.Name, c.Email
		}
	}
	ids := make([]string, 0, len(v.Priced.Lines))
	for _, l := range v.Priced.Lines {
		ids = append(ids, l.ProductID)
	}
	products, err := catalog.WithComponents(ctx, tx, ids)
	if err != nil {
		return doc, err
	}
	cur, _ := quotient.LookupCurrency(q.Currency)
	r := v.Priced
	worth := quote.Worth(q, v)
	if worth.Recurring {
		doc.Worth = &document.Worth{Amendment: q.Kind == quote.Amendment, MRR: worth.MRR, TCV: worth.TCV, MRRChange: worth.MRRChange}
	}
	for i, l := range r.Lines {
		pr := products[l.ProductID]
		unit := cur.Round(l.ListPrice)
		gross := cur.Round(unit.Mul(l.Quantity))
		ql := document.QuoteLine{SKU: l.SKU, Description: l.Name, Quantity: l.Quantity, UOM: pr.UOM, UnitPrice: unit, Gross: gross,
			Discount: gross.Sub(l.NetAmount), Net: l.NetAmount, Options: optionLabels(pr, l.Configuration), Components: componentLabels(pr, products),
			Notes: l.Warnings, Reduced: l.TaxReduced}
		if i < len(worth.Lines) && worth.Lines[i].Recurring {
			ql.Per, ql.Every = l.BillingPeriod, v.Lines[i].BillingFrequency.Adverb()
			ql.Start, ql.End = v.Lines[i].StartDate, v.Lines[i].EndDate
			if q.Kind == quote.Amendment {
				prior := v.Lines[i].PriorQuantity
				ql.Prior = &prior
			}
		}
		doc.Lines = append(doc.Lines, ql)
		doc.Subtotal, doc.Discount, doc.NetTotal = doc.Subtotal.Add(ql.Gross), doc.Discount.Add(ql.Discount), doc.NetTotal.Add(ql.Net)
	}
	doc.Total = r.Total
	for _, t := range r.Taxes {
		doc.Taxes = append(doc.Taxes, document.TaxLine{Name: t.Name, RatePct: t.RatePct, Reduced: t.Reduced, Base: t.Base, Tax: t.Tax})
	}
	return doc, nil
}

// componentLabels lists what a bundle contains: "2 × SSD 1 TB".
func componentLabels(pr catalog.Product, products map[string]catalog.Product) []string {
	var out []string
	for _, c := range pr.Components {
		out = append(out, c.Quantity.String()+" × "+products[c.ProductID].Name)
	}
	return out
}

// optionLabels describes a configuration in the product's words:
// "Memory: 256 GB".
func optionLabels(pr catalog.Product, cfg map[string]string) []string {
	var out []string
	for _, a := range pr.Attributes {
		v, ok := cfg[a.Code]
		if !ok || v == "" {
			continue
		}
		label := v
		switch a.Type {
		case catalog.Enum:
			for _, o := range a.Options {
				if o.Code == v {
					label = o.Label
				}
			}
		case catalog.Number:
			if a.Unit != "" {
				label += " " + a.Unit
			}
		case catalog.Boolean:
			label = map[string]string{"true": "yes", "false": "no"}[v]
		}
		out = append(out, a.Name+": "+label)
	}
	return out
}

// InvoicePDF renders an invoice in the quote's style: lines, tax per
// rate, what was paid and credited, the amount due and how to pay.
func (a *App) InvoicePDF(ctx context.Context, id string) (File, error) {
	doc, err := read(ctx, a, func(tx Tx) (document.Invoice, error) {
		inv, err := a.billing.Get(ctx, tx, id)
		if err != nil {
			return document.Invoice{}, err
		}
		return invoiceDocument(ctx, tx, inv)
	})
	if err != nil {
		return File{}, err
	}
	body, err := document.InvoicePDF(doc)
	return pdfFile(doc.Number, body, err)
}

func invoiceDocument(ctx context.Context, tx Tx, inv billing.Invoice) (document.Invoice, error) {
	o, err := tx.GetOrder(ctx, inv.OrderID)
	if err != nil {
		return document.Invoice{}, err
	}
	cur, _ := quotient.LookupCurrency(inv.Currency)
	m := cur.FromMinor
	terms := inv.PaymentTerms
	t, terr := billing.ParseTerms(inv.PaymentTerms)
	if terr == nil {
		terms = t.String()
	}
	doc := document.Invoice{Number: inv.Number, Order: o.Number, IssueDate: inv.IssueDate, DueDate: inv.DueDate, Terms: terms,
		Currency: inv.Currency, NetTotal: m(inv.Net), Total: m(inv.Total), Settled: m(inv.Total - inv.AmountDue), AmountDue: m(inv.AmountDue)}
	co, err := company(ctx, tx)
	if err != nil {
		return doc, err
	}
	acc, err := tx.GetAccount(ctx, inv.AccountID)
	if err != nil {
		return doc, err
	}
	doc.Company, doc.Customer, doc.Lang = co, customer(acc), langOf(acc)
	if terr == nil && doc.Lang == document.Japanese {
		doc.Terms = t.Japanese()
	}
	// The order's lines give each invoice line its configuration and a
	// bundle its contents; the rates say which are reduced.
	byID := map[string]order.Line{}
	var ids []string
	for _, l := range o.Lines {
		byID[l.ID] = l
		ids = append(ids, l.ProductID)
	}
	products, err := tx.ProductsByID(ctx, ids)
	if err != nil {
		return doc, err
	}
	rates := map[string]pricing.TaxRate{}
	rate := func(id string) pricing.TaxRate {
		if r, ok := rates[id]; ok || id == "" {
			return r
		}
		r, _ := tx.GetTaxRate(ctx, id) // a rate deleted since prints as plain tax
		rates[id] = r
		return r
	}
	for _, l := range inv.Lines {
		ol := byID[l.OrderLineID]
		var parts []string
		for _, c := range o.Lines {
			if c.ParentLineID == ol.ID && ol.ID != "" {
				parts = append(parts, c.Quantity.Decimal().Div(ol.Quantity.Decimal()).String()+" × "+c.Name)
			}
		}
		unit := cur.Round(l.UnitPrice)
		gross := cur.Round(unit.Mul(l.Quantity.Decimal()))
		dl := document.InvoiceLine{SKU: l.SKU, Description: l.Name, Quantity: l.Quantity.Decimal(), UnitPrice: unit,
			Discount: gross.Sub(m(l.Net)), Net: m(l.Net), Options: optionLabels(products[l.ProductID], ol.Configuration), Components: parts,
			Reduced: rate(l.TaxRateID).Reduced, ServiceStart: l.ServiceStart, ServiceEnd: l.ServiceEnd}
		if l.Deferred() { // a period's price, prorated by days where partial: no discount
			dl.Prorated, dl.Discount, gross = !gross.Equal(dl.Net), decimal.Zero, dl.Net
		}
		doc.Lines = append(doc.Lines, dl)
		doc.Subtotal, doc.Discount = doc.Subtotal.Add(gross), doc.Discount.Add(dl.Discount)
	}
	for _, t := range inv.Taxes() {
		r := rate(t.TaxRateID)
		name := r.Name
		if name == "" {
			name = "Tax"
		}
		doc.Taxes = append(doc.Taxes, document.TaxLine{Name: name, RatePct: t.RatePct, Reduced: r.Reduced, Base: m(t.Base), Tax: m(t.Tax)})
	}
	doc.Payment = fmt.Sprintf("Please pay %s by %s, quoting %s.", document.Money(doc.AmountDue, inv.Currency), inv.DueDate, inv.Number)
	if doc.Lang == document.Japanese {
		doc.Payment = fmt.Sprintf("%s を %s までに、請求書番号 %s を添えてお支払いください。", document.Money(doc.AmountDue, inv.Currency), inv.DueDate, inv.Number)
	}
	if !inv.DiscountUntil.IsZero() && inv.AmountDue == inv.Total {
		doc.Payment += fmt.Sprintf(" Paid in full by %s, %s%% off: %s.", inv.DiscountUntil, inv.DiscountPct,
			document.Money(m(inv.Total-inv.EarlyDiscount()), inv.Currency))
	}
	return doc, nil
}

// statementKinds names statement items on paper.
var statementKinds = map[string]string{billing.ItemInvoice: "Invoice", billing.ItemCreditNote: "Credit note", billing.ItemPayment: "Payment",
	billing.ItemDiscount: "Discount"}

// CustomerStatementPDF renders a customer's statement of account: of the
// currency asked for, or one per currency the account dealt in.
func (a *App) CustomerStatementPDF(ctx context.Context, q StatementQuery) (File, error) {
	return read(ctx, a, func(tx Tx) (File, error) { return a.customerStatementFile(ctx, tx, q) })
}

func (a *App) customerStatementFile(ctx context.Context, tx Tx, q StatementQuery) (File, error) {
	type result struct {
		sts               []billing.Statement
		company, customer document.Party
	}
	sts, err := a.statements(ctx, tx, q)
	if err != nil {
		return File{}, err
	}
	co, err := company(ctx, tx)
	if err != nil {
		return File{}, err
	}
	r := result{sts, co, customer(sts[0].Account)}
	docs := make([]document.Statement, len(r.sts))
	for i, st := range r.sts {
		cur, _ := quotient.LookupCurrency(st.Currency)
		m := cur.FromMinor
		doc := document.Statement{Lang: langOf(st.Account), Company: r.company, Customer: r.customer, From: st.From, To: st.To, Date: a.today(),
			Currency: st.Currency, Opening: m(st.Opening), Debits: m(st.Debits), Credits: m(st.Credits), Closing: m(st.Closing),
			Overdue: m(st.Aging.Total - st.Aging.Buckets[0])}
		for _, it := range st.Items {
			doc.Lines = append(doc.Lines, document.StatementLine{Date: it.Date, Kind: statementKinds[it.Kind], Document: it.Document(),
				DueDate: it.DueDate, Debit: m(it.Debit), Credit: m(it.Credit), Balance: m(it.Balance)})
		}
		ja := doc.Lang == document.Japanese
		switch {
		case st.Closing < 0 && ja:
			doc.Note = fmt.Sprintf("%s のお預り金がございます。次回のご請求に充当いたします。", document.Money(m(-st.Closing), st.Currency))
		case st.Closing < 0:
			doc.Note = fmt.Sprintf("You have a credit of %s with us; it will be applied to your next invoice.", document.Money(m(-st.Closing), st.Currency))
		case st.Closing > 0 && ja:
			doc.Note = fmt.Sprintf("残高 %s を記載の期限までにお支払いください。", document.Money(m(st.Closing), st.Currency))
		case st.Closing > 0:
			doc.Note = fmt.Sprintf("Please pay the balance of %s by the due dates shown.", document.Money(m(st.Closing), st.Currency))
		}
		docs[i] = doc
	}
	st := r.sts[0]
	name := "statement-" + st.Account.ID + "-" + st.From.String() + "-" + st.To.String()
	if q.Currency != "" {
		name += "-" + q.Currency
	}
	body, err := document.StatementsPDF(docs)
	return pdfFile(name, body, err)
}

// CommissionStatementPDF renders a rep's commission statement for a month.
func (a *App) CommissionStatementPDF(ctx context.Context, userID, period string) (File, error) {
	doc, err := read(ctx, a, func(tx Tx) (document.CommissionStatement, error) {
		st, err := a.commission.UserStatement(ctx, tx, userID, period)
		if err != nil {
			return document.CommissionStatement{}, err
		}
		u, err := tx.GetUser(ctx, st.UserID)
		if err != nil {
			return document.CommissionStatement{}, err
		}
		co, err := company(ctx, tx)
		if err != nil {
			return document.CommissionStatement{}, err
		}
		return commissionDocument(st, co, u, a.today()), nil
	})
	if err != nil {
		return File{}, err
	}
	body, err := document.CommissionStatementPDF(doc)
	return pdfFile("commission-"+userID+"-"+doc.Period, body, err)
}

func commissionDocument(st commission.Statement, co document.Party, u crm.User, today quotient.Date) document.CommissionStatement {
	doc := document.CommissionStatement{Company: co, Rep: document.Party{Name: u.Name, Lines: []string{u.Email}}, Period: st.Period, Date: today}
	for _, l := range st.Lines {
		cur, _ := quotient.LookupCurrency(l.Currency)
		doc.Lines = append(doc.Lines, document.CommissionLine{Date: l.Date, Invoice: l.InvoiceNumber, SKU: l.SKU, Source: strings.ReplaceAll(l.SourceType, "_", " "),
			Basis: cur.FromMinor(l.Basis), RatePct: l.RatePct, Amount: cur.FromMinor(l.Amount), Status: strings.ReplaceAll(string(l.Status), "_", " "), Currency: l.Currency})
	}
	for _, t := range st.Totals {
		cur, _ := quotient.LookupCurrency(t.Currency)
		doc.Totals = append(doc.Totals, document.CommissionTotal{Currency: t.Currency, Accrued: cur.FromMinor(t.Accrued), Payable: cur.FromMinor(t.Payable),
			Paid: cur.FromMinor(t.Paid), ClawedBack: cur.FromMinor(t.ClawedBack), StatementSum: cur.FromMinor(t.Total)})
	}
	return doc
}

// StatementSent is a customer statement queued for e-mail.
type StatementSent struct {
	OutboxID, To string
}

// EmailCustomerStatement queues an account's statement (the PDF of
// CustomerStatementPDF) for e-mail through the outbox (finance, admins):
// to the address given, or the account's first contact with one.
func (a *App) EmailCustomerStatement(ctx context.Context, q StatementQuery, to string) (StatementSent, error) {
	return change(ctx, a, func(tx Tx) (StatementSent, error) {
		act, err := quotient.RequireActor(ctx)
		if err != nil {
			return StatementSent{}, err
		}
		if act.Role != quotient.RoleAdmin && act.Role != quotient.RoleFinance {
			return StatementSent{}, quotient.Errorf(quotient.Forbidden, "statements are sent by finance")
		}
		f, err := a.customerStatementFile(ctx, tx, q)
		if err != nil {
			return StatementSent{}, err
		}
		acc, err := tx.GetAccount(ctx, q.AccountID)
		if err != nil {
			return StatementSent{}, err
		}
		to = strings.TrimSpace(to)
		if to == "" {
			if to, err = tx.DunningEmail(ctx, acc.ID); err != nil {
				return StatementSent{}, err
			}
		}
		p := quotient.Problems{}
		if to == "" {
			p.Add("email", "the account has no contact with an e-mail address; give one")
		} else if !strings.Contains(to, "@") || len(to) > 254 {
			p.Add("email", "is not an e-mail address")
		}
		if err := p.Err(); err != nil {
			return StatementSent{}, err
		}
		now := a.now().UTC()
		sum := sha256.Sum256(f.Body)
		sha := hex.EncodeToString(sum[:])
		if err := tx.PutDocument(ctx, sha, f.ContentType, f.Body, now); err != nil {
			return StatementSent{}, err
		}
		s, err := settings(ctx, tx)
		if err != nil {
			return StatementSent{}, err
		}
		loc := customerLocale(acc)
		text := loc.T("Hello,\n\n") + loc.T("Please find attached your statement of account with %s.\n\nKind regards,\n%s\n", s.CompanyName, s.CompanyName)
		msg := outbox.New(outbox.CustomerStatement, "", outbox.Email{To: to, Subject: loc.T("Statement of account from %s", s.CompanyName), Text: text,
			Attachments: []outbox.Attachment{{Filename: f.Name + ".pdf", ContentType: f.ContentType, SHA256: sha}}}, now)
		return StatementSent{OutboxID: msg.ID, To: to}, tx.InsertOutbox(ctx, msg)
	})
}
