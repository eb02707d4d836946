package server

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/billing"
	"github.com/quotient-cpq/quotient/document"
	"github.com/quotient-cpq/quotient/inventory"
)

func wantsPDF(c *fiber.Ctx) bool {
	return strings.Contains(c.Get(fiber.HeaderAccept), "application/pdf")
}

// invoicePDF renders an invoice in the quote's style.
func (s *Server) invoicePDF() fiber.Handler {
	return func(c *fiber.Ctx) error {
		doc, err := read(s, c, func(ctx context.Context, tx Tx) (document.Invoice, error) {
			inv, err := s.billing.Get(ctx, tx, c.Params("id"))
			if err != nil {
				return document.Invoice{}, err
			}
			o, err := tx.GetOrder(ctx, inv.OrderID)
			if err != nil {
				return document.Invoice{}, err
			}
			cur, _ := quotient.LookupCurrency(inv.Currency)
			m := cur.FromMinor
			doc := document.Invoice{Number: inv.Number, Order: o.Number, IssueDate: inv.IssueDate, DueDate: inv.DueDate, Terms: termsText(inv),
				Currency: inv.Currency, NetTotal: m(inv.Net), Total: m(inv.Total), Settled: m(inv.Total - inv.AmountDue), AmountDue: m(inv.AmountDue)}
			if doc.Company, doc.Customer, err = parties(ctx, tx, inv.AccountID); err != nil {
				return doc, err
			}
			for _, l := range inv.Lines {
				doc.Lines = append(doc.Lines, document.InvoiceLine{SKU: l.SKU, Description: l.Name, Quantity: inventory.FromMicro(l.Quantity),
					UnitPrice: l.UnitPrice, Net: m(l.Net)})
			}
			names := map[string]string{}
			for _, t := range inv.Taxes() {
				if _, ok := names[t.TaxRateID]; !ok && t.TaxRateID != "" {
					if r, err := tx.GetTaxRate(ctx, t.TaxRateID); err == nil {
						names[t.TaxRateID] = r.Name
					}
				}
				name := names[t.TaxRateID]
				if name == "" {
					name = "Tax"
				}
				doc.Taxes = append(doc.Taxes, document.TaxLine{Name: name, RatePct: t.RatePct, Base: m(t.Base), Tax: m(t.Tax)})
			}
			doc.Payment = fmt.Sprintf("Please pay %s by %s, quoting %s.", document.Money(doc.AmountDue, inv.Currency), inv.DueDate, inv.Number)
			if inv.DiscountUntil != "" && inv.AmountDue == inv.Total {
				doc.Payment += fmt.Sprintf(" Paid in full by %s, %s%% off: %s.", inv.DiscountUntil, inv.DiscountPct,
					document.Money(m(inv.Total-inv.EarlyDiscount()), inv.Currency))
			}
			return doc, nil
		})
		if err != nil {
			return err
		}
		pdf, err := document.InvoicePDF(doc)
		if err != nil {
			return err
		}
		return sendPDF(c, doc.Number, pdf)
	}
}

// termsText says an invoice's payment terms in words: "net 30",
// "30 days after month end", "2% 10 days, net 30".
func termsText(inv billing.Invoice) string {
	t, err := billing.ParseTerms(inv.PaymentTerms)
	if err != nil {
		return inv.PaymentTerms
	}
	return t.String()
}

// StatementItemJSON is a line of a customer statement.
type StatementItemJSON struct {
	Date     string  `json:"date" format:"date"`
	Kind     string  `json:"kind" enum:"invoice,credit_note,payment,discount"`
	ID       string  `json:"id"`
	Document string  `json:"document"`
	DueDate  *string `json:"due_date" format:"date"`
	Debit    string  `json:"debit" format:"decimal"`
	Credit   string  `json:"credit" format:"decimal"`
	Balance  string  `json:"balance" format:"decimal"`
}

// OpenInvoiceJSON is an invoice still open at the statement's end.
type OpenInvoiceJSON struct {
	InvoiceID string `json:"invoice_id"`
	Number    string `json:"number"`
	DueDate   string `json:"due_date" format:"date"`
	Open      string `json:"open" format:"decimal"`
}

// StatementJSON is a customer's statement of account: the opening balance,
// every invoice, credit note, payment and early-payment discount in the
// period with the running balance, the closing balance (AR less unapplied
// credit), and what is open at the end, aged.
type StatementJSON struct {
	AccountID      string              `json:"account_id"`
	AccountName    string              `json:"account_name"`
	Currency       string              `json:"currency"`
	From           string              `json:"from" format:"date"`
	To             string              `json:"to" format:"date"`
	OpeningBalance string              `json:"opening_balance" format:"decimal"`
	Lines          []StatementItemJSON `json:"lines"`
	TotalDebit     string              `json:"total_debit" format:"decimal"`
	TotalCredit    string              `json:"total_credit" format:"decimal"`
	ClosingBalance string              `json:"closing_balance" format:"decimal"`
	OpenInvoices   []OpenInvoiceJSON   `json:"open_invoices"`
	Aging          AgingRowJSON        `json:"aging"`
}

var statementQuery = []string{"account_id", "currency", "from", "to"}

func statementJSON(st billing.Statement) StatementJSON {
	cur, _ := quotient.LookupCurrency(st.Currency)
	m := func(n int64) string { return fmtMinor(n, st.Currency) }
	out := StatementJSON{AccountID: st.Account.ID, AccountName: st.Account.Name, Currency: st.Currency, From: st.From, To: st.To,
		OpeningBalance: m(st.Opening), Lines: []StatementItemJSON{}, TotalDebit: m(st.Debits), TotalCredit: m(st.Credits),
		ClosingBalance: m(st.Closing), OpenInvoices: []OpenInvoiceJSON{}, Aging: agingRowJSON(st.Aging, cur)}
	for _, it := range st.Items {
		out.Lines = append(out.Lines, StatementItemJSON{Date: it.Date, Kind: it.Kind, ID: it.ID, Document: statementDocument(it), DueDate: optStr(it.DueDate),
			Debit: m(it.Debit), Credit: m(it.Credit), Balance: m(it.Balance)})
	}
	for _, o := range st.Open {
		out.OpenInvoices = append(out.OpenInvoices, OpenInvoiceJSON{InvoiceID: o.InvoiceID, Number: o.Number, DueDate: o.DueDate, Open: m(o.Open)})
	}
	return out
}

// statementDocument names a statement item's document for people.
func statementDocument(it billing.StatementItem) string {
	switch {
	case it.Kind == billing.ItemDiscount:
		return "Early-payment discount on " + it.Number
	case it.Kind == billing.ItemPayment && it.Number == "":
		return "Payment"
	case it.Kind == billing.ItemPayment:
		return "Payment " + it.Number
	}
	return it.Number
}

var statementKinds = map[string]string{billing.ItemInvoice: "Invoice", billing.ItemCreditNote: "Credit note", billing.ItemPayment: "Payment",
	billing.ItemDiscount: "Discount"}

func (s *Server) customerStatement() fiber.Handler {
	return func(c *fiber.Ctx) error {
		_, f, err := parseList(c, statementQuery...)
		if err != nil {
			return err
		}
		type result struct {
			st               billing.Statement
			company, account document.Party
		}
		r, err := read(s, c, func(ctx context.Context, tx Tx) (result, error) {
			st, err := s.billing.CustomerStatement(ctx, tx, f["account_id"], f["currency"], f["from"], f["to"])
			if err != nil || !wantsPDF(c) {
				return result{st: st}, err
			}
			company, account, err := parties(ctx, tx, st.Account.ID)
			return result{st, company, account}, err
		})
		if err != nil {
			return err
		}
		out := statementJSON(r.st)
		name := "statement-" + out.AccountID + "-" + out.From + "-" + out.To
		switch {
		case wantsCSV(c):
			rows := [][]string{{out.From, "opening", "", "Opening balance", "", "", "", out.OpeningBalance}}
			for _, l := range out.Lines {
				due := ""
				if l.DueDate != nil {
					due = *l.DueDate
				}
				rows = append(rows, []string{l.Date, l.Kind, l.ID, l.Document, due, l.Debit, l.Credit, l.Balance})
			}
			rows = append(rows, []string{out.To, "closing", "", "Closing balance", "", out.TotalDebit, out.TotalCredit, out.ClosingBalance})
			return sendCSV(c, name, []string{"date", "kind", "id", "document", "due_date", "debit", "credit", "balance"}, rows)
		case wantsPDF(c):
			cur, _ := quotient.LookupCurrency(out.Currency)
			m := cur.FromMinor
			doc := document.Statement{Company: r.company, Customer: r.account, From: out.From, To: out.To, Date: s.now().UTC().Format(time.DateOnly),
				Currency: out.Currency, Opening: m(r.st.Opening), Debits: m(r.st.Debits), Credits: m(r.st.Credits), Closing: m(r.st.Closing),
				Overdue: m(r.st.Aging.Total - r.st.Aging.Buckets[0])}
			for i, it := range r.st.Items {
				doc.Lines = append(doc.Lines, document.StatementLine{Date: it.Date, Kind: statementKinds[it.Kind], Document: out.Lines[i].Document,
					DueDate: it.DueDate, Debit: m(it.Debit), Credit: m(it.Credit), Balance: m(it.Balance)})
			}
			if r.st.Closing < 0 {
				doc.Note = fmt.Sprintf("You have a credit of %s with us; it will be applied to your next invoice.", document.Money(m(-r.st.Closing), out.Currency))
			} else if r.st.Closing > 0 {
				doc.Note = fmt.Sprintf("Please pay the balance of %s by the due dates shown.", document.Money(m(r.st.Closing), out.Currency))
			}
			pdf, err := document.StatementPDF(doc)
			if err != nil {
				return err
			}
			return sendPDF(c, name, pdf)
		}
		return send(c, fiber.StatusOK, 0, out)
	}
}

// ReconciliationRowJSON is a currency's AR aging total beside the AR
// account's balance.
type ReconciliationRowJSON struct {
	Currency   string `json:"currency"`
	AgingTotal string `json:"aging_total" format:"decimal"`
	ARBalance  string `json:"ar_balance" format:"decimal"`
	Difference string `json:"difference" format:"decimal"`
	OK         bool   `json:"ok"`
}

// ReconciliationJSON is the AR reconciliation on a date.
type ReconciliationJSON struct {
	AsOf string                  `json:"as_of" format:"date"`
	OK   bool                    `json:"ok"`
	Rows []ReconciliationRowJSON `json:"rows"`
}

// arReconciliation shows, per currency, the AR aging's total beside the
// AR account's balance; any difference fails loudly: 409 naming each.
func (s *Server) arReconciliation() fiber.Handler {
	return func(c *fiber.Ctx) error {
		_, f, err := parseList(c, "as_of")
		if err != nil {
			return err
		}
		asOf := f["as_of"]
		if asOf == "" {
			asOf = s.now().UTC().Format(time.DateOnly)
		} else if d, ok := quotient.ParseDate(asOf); !ok || d.Year() < 1900 {
			return quotient.FieldErrorf(quotient.Invalid, "as_of", "must be a date as YYYY-MM-DD")
		}
		rs, err := read(s, c, func(ctx context.Context, tx Tx) ([]billing.Reconciliation, error) {
			if _, err := quotient.RequireActor(ctx); err != nil {
				return nil, err
			}
			curs, err := tx.InvoiceCurrencies(ctx)
			if err != nil {
				return nil, err
			}
			return billing.Reconciliations(ctx, tx, curs, asOf)
		})
		if err != nil {
			return err
		}
		out := ReconciliationJSON{AsOf: asOf, OK: true, Rows: []ReconciliationRowJSON{}}
		var bad []string
		for _, r := range rs {
			row := ReconciliationRowJSON{Currency: r.Currency, AgingTotal: fmtMinor(r.Aging, r.Currency), ARBalance: fmtMinor(r.Ledger, r.Currency),
				Difference: fmtMinor(r.Aging-r.Ledger, r.Currency), OK: r.Aging == r.Ledger}
			if !row.OK {
				out.OK = false
				bad = append(bad, fmt.Sprintf("%s: aging %s, AR account %s", r.Currency, row.AgingTotal, row.ARBalance))
			}
			out.Rows = append(out.Rows, row)
		}
		if !out.OK {
			return quotient.Errorf(quotient.Conflict, "the AR aging and the AR account disagree on %s: %s", asOf, strings.Join(bad, "; "))
		}
		if wantsCSV(c) {
			rows := make([][]string, len(out.Rows))
			for i, r := range out.Rows {
				rows[i] = []string{r.Currency, r.AgingTotal, r.ARBalance, r.Difference}
			}
			return sendCSV(c, "ar-reconciliation-"+asOf, []string{"currency", "aging_total", "ar_balance", "difference"}, rows)
		}
		return send(c, fiber.StatusOK, 0, out)
	}
}
