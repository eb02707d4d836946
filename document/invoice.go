package document

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
)

// InvoiceLine is one row of an invoice: Quantity × UnitPrice is Gross,
// and Gross less Discount (the quote's header discount share) is Net.
type InvoiceLine struct {
	SKU         string
	Description string
	Options     []string // the configuration the customer bought
	Components  []string // a bundle's contents
	Quantity    decimal.Decimal
	UnitPrice   decimal.Decimal
	Discount    decimal.Decimal
	Net         decimal.Decimal
	Reduced     bool
	// A subscription's line is for a period of service (both days
	// included); Prorated when it is part of a billing period, so Net is
	// less than Quantity × UnitPrice by days, not by a discount.
	ServiceStart, ServiceEnd quotient.Date
	Prorated                 bool
}

// Invoice is what the invoice PDF shows.
type Invoice struct {
	Lang      Lang
	Company   Party
	Customer  Party
	Number    string
	Order     string
	IssueDate quotient.Date
	DueDate   quotient.Date
	Terms     string // "2/10 net 30"
	Currency  string
	Lines     []InvoiceLine
	Subtotal  decimal.Decimal // Σ lines' gross
	Discount  decimal.Decimal // Σ lines' discount
	NetTotal  decimal.Decimal
	Taxes     []TaxLine
	Total     decimal.Decimal
	Settled   decimal.Decimal // paid, discounted and credited so far
	AmountDue decimal.Decimal
	Payment   string // how and by when to pay, the early-payment discount
}

// Paid reports whether nothing is left to pay.
func (inv Invoice) Paid() bool { return inv.AmountDue.IsZero() && inv.Total.IsPositive() }

// InvoicePDF renders an invoice in the quote's style. A paid invoice says
// so instead of asking for money.
func InvoicePDF(inv Invoice) ([]byte, error) {
	w := inv.Lang.word
	sh := sheet{lang: inv.Lang, kind: w("INVOICE"), title: "Invoice " + inv.Number, ref: w("INVOICE") + " " + inv.Number, company: inv.Company, customer: inv.Customer,
		partyLabel: w("Bill to"),
		facts: [][2]string{{w("Number"), inv.Number}, {w("Order"), inv.Order}, {w("Issue date"), inv.IssueDate.String()}, {w("Due date"), inv.DueDate.String()},
			{w("Terms"), inv.Terms}, {w("Currency"), inv.Currency}},
		cols: lineColumns(inv.Lang), wrap: 1}
	if inv.Paid() {
		sh.facts = append(sh.facts, [2]string{w("Status"), w("Paid")})
		sh.blocks = [][2]string{{w("How to pay"), w("Paid in full. Thank you.")}}
	} else {
		sh.blocks = [][2]string{{w("How to pay"), inv.Payment}}
	}
	reduced := false
	for _, l := range inv.Lines {
		reduced = reduced || l.Reduced
		opts := l.Options
		if !l.ServiceStart.IsZero() {
			period := fmt.Sprintf(w("Service from %s to %s"), l.ServiceStart, l.ServiceEnd)
			if l.Prorated {
				period += w(", prorated by days")
			}
			opts = append(opts[:len(opts):len(opts)], period)
		}
		sh.rows = append(sh.rows, lineRow(inv.Lang, inv.Currency, l.SKU, describe(inv.Lang, l.Description, opts, l.Components, nil, l.Reduced),
			Quantity(l.Quantity), l.UnitPrice, l.Discount, l.Net))
	}
	if !inv.Discount.IsZero() {
		sh.totals = append(sh.totals, total{label: w("List total"), value: Money(inv.Subtotal, inv.Currency)},
			total{label: w("Discounts"), value: Money(inv.Discount.Neg(), inv.Currency)})
	}
	sh.totals = append(sh.totals, total{label: w("Net total"), value: Money(inv.NetTotal, inv.Currency)})
	sh.totals = append(sh.totals, taxTotals(inv.Lang, inv.Taxes, inv.Currency)...)
	sh.totals = append(sh.totals, total{label: w("Total"), value: Money(inv.Total, inv.Currency), bold: true, rule: true})
	if !inv.Settled.IsZero() {
		sh.totals = append(sh.totals, total{label: w("Paid and credited"), value: Money(inv.Settled.Neg(), inv.Currency)})
	}
	sh.totals = append(sh.totals, total{label: w("Amount due"), value: Money(inv.AmountDue, inv.Currency), bold: true})
	if reduced && inv.Lang == Japanese {
		sh.blocks = append([][2]string{{w("Note"), w("reduced-rate legend")}}, sh.blocks...)
	}
	return sh.render()
}

// StatementLine is one movement on a customer's statement.
type StatementLine struct {
	Date     quotient.Date
	Kind     string // Invoice, Payment, Credit note, Discount
	Document string
	DueDate  quotient.Date // invoices only
	Debit    decimal.Decimal
	Credit   decimal.Decimal
	Balance  decimal.Decimal
}

// Statement is what the customer statement PDF shows.
type Statement struct {
	Lang     Lang
	Company  Party
	Customer Party
	From, To quotient.Date
	Date     quotient.Date
	Currency string
	Opening  decimal.Decimal
	Lines    []StatementLine
	Debits   decimal.Decimal
	Credits  decimal.Decimal
	Closing  decimal.Decimal
	Overdue  decimal.Decimal // of the closing balance, past due on To
	Note     string
}

// StatementPDF renders a customer statement: the opening balance, every
// invoice, payment, discount and credit note in the period with the
// running balance, and the closing balance.
func StatementPDF(st Statement) ([]byte, error) { return statementSheet(st).render() }

// StatementsPDF renders an account's statements (one per currency) in one
// PDF, each starting on a new page.
func StatementsPDF(sts []Statement) ([]byte, error) {
	if len(sts) == 0 {
		return nil, fmt.Errorf("document: no statement to render")
	}
	sheets := make([]sheet, len(sts))
	for i, st := range sts {
		sheets[i] = statementSheet(st)
	}
	return renderSheets(sheets[0].title, sheets)
}

func statementSheet(st Statement) sheet {
	w := st.Lang.word
	ref := fmt.Sprintf("%s %s – %s (%s)", w("STATEMENT"), st.From, st.To, st.Currency)
	sh := sheet{lang: st.Lang, kind: w("STATEMENT"), title: st.Customer.Name + " — " + ref, ref: ref, company: st.Company, customer: st.Customer,
		partyLabel: w("Statement for"),
		facts:      [][2]string{{w("From"), st.From.String()}, {w("To"), st.To.String()}, {w("Date"), st.Date.String()}, {w("Currency"), st.Currency}},
		cols: []column{{w("Date"), 22, "L"}, {w("Type"), 22, "L"}, {w("Document"), 38, "L"}, {w("Due"), 22, "L"}, {w("Debit"), 24, "R"}, {w("Credit"), 24, "R"},
			{w("Balance"), 28, "R"}},
		wrap: 2, blocks: [][2]string{{w("Note"), st.Note}}}
	amt := func(d decimal.Decimal) string {
		if d.IsZero() {
			return ""
		}
		return Money(d, st.Currency)
	}
	sh.rows = append(sh.rows, []string{st.From.String(), "", w("Opening balance"), "", "", "", Money(st.Opening, st.Currency)})
	for _, l := range st.Lines {
		sh.rows = append(sh.rows, []string{l.Date.String(), w(l.Kind), l.Document, l.DueDate.String(), amt(l.Debit), amt(l.Credit), Money(l.Balance, st.Currency)})
	}
	sh.totals = []total{{label: w("Opening balance"), value: Money(st.Opening, st.Currency)},
		{label: w("Invoiced"), value: Money(st.Debits, st.Currency)},
		{label: w("Paid and credited"), value: Money(st.Credits.Neg(), st.Currency)},
		{label: w("Closing balance"), value: Money(st.Closing, st.Currency), bold: true, rule: true}}
	if st.Overdue.IsPositive() {
		sh.totals = append(sh.totals, total{label: w("Of which overdue"), value: Money(st.Overdue, st.Currency), bold: true})
	}
	return sh
}

// CommissionLine is one row of a commission statement.
type CommissionLine struct {
	Date                 quotient.Date
	Invoice, SKU, Source string
	Basis                decimal.Decimal
	RatePct              decimal.Decimal
	Amount               decimal.Decimal
	Status               string
	Currency             string
}

// CommissionTotal is a commission statement's sums in one currency.
type CommissionTotal struct {
	Currency                 string
	Accrued, Payable, Paid   decimal.Decimal
	ClawedBack, StatementSum decimal.Decimal
}

// CommissionStatement is what a rep's monthly statement shows.
type CommissionStatement struct {
	Company Party
	Rep     Party
	Period  string
	Date    quotient.Date
	Lines   []CommissionLine
	Totals  []CommissionTotal
}

// CommissionStatementPDF renders a rep's commission statement.
func CommissionStatementPDF(st CommissionStatement) ([]byte, error) {
	ref := "Commission statement " + st.Period
	sh := sheet{kind: "COMMISSION", title: st.Rep.Name + " — " + ref, ref: ref, company: st.Company, customer: st.Rep, partyLabel: "Statement for",
		facts: [][2]string{{"Period", st.Period}, {"Date", st.Date.String()}},
		cols: []column{{"Date", 20, "L"}, {"Invoice", 32, "L"}, {"SKU", 26, "L"}, {"Source", 24, "L"}, {"Basis", 24, "R"}, {"Rate", 14, "R"},
			{"Amount", 22, "R"}, {"Status", 18, "L"}},
		wrap: 1}
	for _, l := range st.Lines {
		sh.rows = append(sh.rows, []string{l.Date.String(), l.Invoice, l.SKU, l.Source, Money(l.Basis, l.Currency), Percent(l.RatePct), Money(l.Amount, l.Currency), l.Status})
	}
	for _, t := range st.Totals {
		sh.totals = append(sh.totals, total{label: "Accrued (" + t.Currency + ")", value: Money(t.Accrued, t.Currency)},
			total{label: "Clawed back", value: Money(t.ClawedBack, t.Currency)},
			total{label: "Paid", value: Money(t.Paid, t.Currency)},
			total{label: "Payable", value: Money(t.Payable, t.Currency), bold: true, rule: true},
			total{label: "Statement total", value: Money(t.StatementSum, t.Currency)})
	}
	return sh.render()
}
