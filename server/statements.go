package server

import (
	"context"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/app"
	"github.com/quotient-cpq/quotient/billing"
)

func wantsPDF(c *fiber.Ctx) bool {
	return strings.Contains(c.Get(fiber.HeaderAccept), "application/pdf")
}

// invoicePDF renders an invoice in the quote's style.
func (s *Server) invoicePDF() fiber.Handler {
	return func(c *fiber.Ctx) error {
		f, err := s.app.InvoicePDF(c.UserContext(), c.Params("id"))
		return pdf(c, f, err)
	}
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
	out := StatementJSON{AccountID: st.Account.ID, AccountName: st.Account.Name, Currency: st.Currency, From: st.From.String(), To: st.To.String(),
		OpeningBalance: m(st.Opening), Lines: []StatementItemJSON{}, TotalDebit: m(st.Debits), TotalCredit: m(st.Credits),
		ClosingBalance: m(st.Closing), OpenInvoices: []OpenInvoiceJSON{}, Aging: agingRowJSON(st.Aging, cur)}
	for _, it := range st.Items {
		out.Lines = append(out.Lines, StatementItemJSON{Date: it.Date.String(), Kind: it.Kind, ID: it.ID, Document: it.Document(), DueDate: optStr(it.DueDate.String()),
			Debit: m(it.Debit), Credit: m(it.Credit), Balance: m(it.Balance)})
	}
	for _, o := range st.Open {
		out.OpenInvoices = append(out.OpenInvoices, OpenInvoiceJSON{InvoiceID: o.InvoiceID, Number: o.Number, DueDate: o.DueDate.String(), Open: m(o.Open)})
	}
	return out
}

func (s *Server) customerStatement() fiber.Handler {
	return func(c *fiber.Ctx) error {
		_, f, err := parseList(c, statementQuery...)
		if err != nil {
			return err
		}
		d, err := queryDays(f, "from", "to")
		if err != nil {
			return err
		}
		q := app.StatementQuery{AccountID: f["account_id"], Currency: f["currency"], From: d[0], To: d[1]}
		if wantsPDF(c) && !wantsCSV(c) {
			f, err := s.app.CustomerStatementPDF(c.UserContext(), q)
			return pdf(c, f, err)
		}
		sts, err := s.app.CustomerStatementAll(c.UserContext(), q)
		if err != nil {
			return err
		}
		secs := mapSlice(sts, statementJSON)
		first := secs[0] // every section has the account and the period
		return sendReport(c, report[StatementJSON]{named: q.Currency, sections: secs, csvName: "statement-" + first.AccountID + "-" + first.From + "-" + first.To,
			header:   []string{"date", "kind", "id", "document", "due_date", "debit", "credit", "balance"},
			currency: func(s StatementJSON) string { return s.Currency },
			wrap: func(s []StatementJSON) any {
				return StatementReportJSON{AccountID: first.AccountID, AccountName: first.AccountName, From: first.From, To: first.To, Sections: s}
			},
			rows: func(out StatementJSON) [][]string {
				rows := [][]string{{out.From, "opening", "", "Opening balance", "", "", "", out.OpeningBalance}}
				for _, l := range out.Lines {
					due := ""
					if l.DueDate != nil {
						due = *l.DueDate
					}
					rows = append(rows, []string{l.Date, l.Kind, l.ID, l.Document, due, l.Debit, l.Credit, l.Balance})
				}
				return append(rows, []string{out.To, "closing", "", "Closing balance", "", out.TotalDebit, out.TotalCredit, out.ClosingBalance})
			}})
	}
}

// StatementReportJSON is an account's statement in every currency it
// dealt in, when none is named.
type StatementReportJSON struct {
	AccountID   string          `json:"account_id"`
	AccountName string          `json:"account_name"`
	From        string          `json:"from" format:"date"`
	To          string          `json:"to" format:"date"`
	Sections    []StatementJSON `json:"sections"`
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
		d, err := queryDays(f, "as_of")
		if err != nil {
			return err
		}
		r, err := s.app.ReconcileAR(c.UserContext(), d[0])
		if err != nil {
			return err
		}
		out := ReconciliationJSON{AsOf: r.AsOf.String(), OK: true, Rows: []ReconciliationRowJSON{}}
		for _, x := range r.Rows {
			out.Rows = append(out.Rows, ReconciliationRowJSON{Currency: x.Currency, AgingTotal: fmtMinor(x.Aging, x.Currency),
				ARBalance: fmtMinor(x.Ledger, x.Currency), Difference: fmtMinor(x.Aging-x.Ledger, x.Currency), OK: x.Aging == x.Ledger})
		}
		if wantsCSV(c) {
			rows := make([][]string, len(out.Rows))
			for i, r := range out.Rows {
				rows[i] = []string{r.Currency, r.AgingTotal, r.ARBalance, r.Difference}
			}
			return sendCSV(c, "ar-reconciliation-"+out.AsOf, []string{"currency", "aging_total", "ar_balance", "difference"}, rows)
		}
		return send(c, fiber.StatusOK, 0, out)
	}
}

// StatementEmailRequest sends an account its statement: the period (the
// first of to's month to today by default), one currency or all, and the
// address (the account's first contact with one when empty).
type StatementEmailRequest struct {
	From     string `json:"from" format:"date"`
	To       string `json:"to" format:"date"`
	Currency string `json:"currency"`
	Email    string `json:"email"`
}

// StatementEmailJSON is a statement queued for e-mail.
type StatementEmailJSON struct {
	OutboxID string `json:"outbox_id"`
	Email    string `json:"email"`
}

func (s *Server) emailStatement() fiber.Handler {
	return func(c *fiber.Ctx) error {
		req, err := decodeOptional[StatementEmailRequest](c)
		if err != nil {
			return err
		}
		p := quotient.Problems{}
		q := app.StatementQuery{AccountID: c.Params("id"), Currency: req.Currency, From: p.Date("from", req.From, quotient.Optional), To: p.Date("to", req.To, quotient.Optional)}
		if err := p.Err(); err != nil {
			return err
		}
		return commit(c, func(ctx context.Context) (app.StatementSent, error) {
			return s.app.EmailCustomerStatement(ctx, q, req.Email)
		},
			func(r app.StatementSent) response {
				return response{status: fiber.StatusAccepted, body: StatementEmailJSON{OutboxID: r.OutboxID, Email: r.To}}
			})
	}
}
