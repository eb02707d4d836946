package document

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
)

// InvoiceLine is one row of an invoice.
type InvoiceLine struct {
	SKU         string
	Description string
	Quantity    decimal.Decimal
	UnitPrice   decimal.Decimal
	Net         decimal.Decimal
}

// Invoice is what the invoice PDF shows.
type Invoice struct {
	Company   Party
	Customer  Party
	Number    string
	Order     string
	IssueDate quotient.Date
	DueDate   quotient.Date
	Terms     string // "2/10 net 30"
	Currency  string
	Lines     []InvoiceLine
	NetTotal  decimal.Decimal
	Taxes     []TaxLine
	Total     decimal.Decimal
	Settled   decimal.Decimal // paid, discounted and credited so far
	AmountDue decimal.Decimal
	Payment   string // how and by when to pay, the early-payment discount
}

// InvoicePDF renders an invoice in the quote's style.
func InvoicePDF(inv Invoice) ([]byte, error) {
	sh := sheet{kind: "INVOICE", title: "Invoice " + inv.Number, ref: "Invoice " + inv.Number, company: inv.Company, customer: inv.Customer,
		partyLabel: "Bill to",
		facts: [][2]string{{"Number", inv.Number}, {"Order", inv.Order}, {"Issue date", inv.IssueDate.String()}, {"Due date", inv.DueDate.String()},
			{"Terms", inv.Terms}, {"Currency", inv.Currency}},
		cols: []column{{"SKU", 28, "L"}, {"Description", 70, "L"}, {"Qty", 18, "R"}, {"Unit price", 28, "R"}, {"Net", 36, "R"}},
		wrap: 1, blocks: [][2]string{{"Payment", inv.Payment}}}
	for _, l := range inv.Lines {
		sh.rows = append(sh.rows, []string{l.SKU, l.Description, Quantity(l.Quantity), Money(l.UnitPrice, inv.Currency), Money(l.Net, inv.Currency)})
	}
	sh.totals = append(sh.totals, total{label: "Net total", value: Money(inv.NetTotal, inv.Currency)})
	sh.totals = append(sh.totals, taxTotals(inv.Taxes, inv.Currency)...)
	sh.totals = append(sh.totals, total{label: "Total", value: Money(inv.Total, inv.Currency), bold: true, rule: true})
	if !inv.Settled.IsZero() {
		sh.totals = append(sh.totals, total{label: "Paid and credited", value: Money(inv.Settled.Neg(), inv.Currency)})
	}
	sh.totals = append(sh.totals, total{label: "Amount due", value: Money(inv.AmountDue, inv.Currency), bold: true})
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
	ref := fmt.Sprintf("Statement %s to %s (%s)", st.From, st.To, st.Currency)
	sh := sheet{kind: "STATEMENT", title: st.Customer.Name + " — " + ref, ref: ref, company: st.Company, customer: st.Customer,
		partyLabel: "Statement for",
		facts:      [][2]string{{"From", st.From.String()}, {"To", st.To.String()}, {"Date", st.Date.String()}, {"Currency", st.Currency}},
		cols: []column{{"Date", 22, "L"}, {"Type", 22, "L"}, {"Document", 38, "L"}, {"Due", 22, "L"}, {"Debit", 24, "R"}, {"Credit", 24, "R"},
			{"Balance", 28, "R"}},
		wrap: 2, blocks: [][2]string{{"Note", st.Note}}}
	amt := func(d decimal.Decimal) string {
		if d.IsZero() {
			return ""
		}
		return Money(d, st.Currency)
	}
	sh.rows = append(sh.rows, []string{st.From.String(), "", "Opening balance", "", "", "", Money(st.Opening, st.Currency)})
	for _, l := range st.Lines {
		sh.rows = append(sh.rows, []string{l.Date.String(), l.Kind, l.Document, l.DueDate.String(), amt(l.Debit), amt(l.Credit), Money(l.Balance, st.Currency)})
	}
	sh.totals = []total{{label: "Opening balance", value: Money(st.Opening, st.Currency)},
		{label: "Invoiced", value: Money(st.Debits, st.Currency)},
		{label: "Paid and credited", value: Money(st.Credits.Neg(), st.Currency)},
		{label: "Closing balance", value: Money(st.Closing, st.Currency), bold: true, rule: true}}
	if st.Overdue.IsPositive() {
		sh.totals = append(sh.totals, total{label: "Of which overdue", value: Money(st.Overdue, st.Currency), bold: true})
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
