package server

import (
	"context"
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/billing"
)

// CSVMappingRequest names a bank CSV's columns by their headers: date and
// amount (signed), or credit and debit, are required.
type CSVMappingRequest struct {
	Date         string `json:"date"`
	Amount       string `json:"amount"`
	Credit       string `json:"credit"`
	Debit        string `json:"debit"`
	Reference    string `json:"reference"`
	Counterparty string `json:"counterparty"`
	Description  string `json:"description"`
	DateFormat   string `json:"date_format"`
	Decimal      string `json:"decimal" enum:".,,"`
}

// BankStatementRequest imports a bank statement: its file's text in
// content, as CSV with a column mapping (and the currency and balances a
// CSV does not carry) or as ISO 20022 camt.053 XML.
type BankStatementRequest struct {
	AccountCode    string            `json:"account_code"`
	Format         string            `json:"format" enum:"csv,camt053"`
	Content        string            `json:"content"`
	Mapping        CSVMappingRequest `json:"mapping"`
	Currency       string            `json:"currency"`
	OpeningBalance *Dec              `json:"opening_balance,omitempty"`
	ClosingBalance *Dec              `json:"closing_balance,omitempty"`
}

func (r BankStatementRequest) input() (billing.StatementInput, error) {
	p := quotient.Problems{}
	m := r.Mapping
	in := billing.StatementInput{AccountCode: r.AccountCode, Format: r.Format, Content: r.Content, Currency: r.Currency,
		Mapping: billing.CSVMapping{Date: m.Date, Amount: m.Amount, Credit: m.Credit, Debit: m.Debit, Reference: m.Reference, Counterparty: m.Counterparty,
			Description: m.Description, DateFormat: m.DateFormat, Decimal: m.Decimal}}
	if r.OpeningBalance != nil {
		v := r.OpeningBalance.Value(&p, "opening_balance")
		in.Opening = &v
	}
	if r.ClosingBalance != nil {
		v := r.ClosingBalance.Value(&p, "closing_balance")
		in.Closing = &v
	}
	return in, p.Err()
}

// BankConfirmRequest confirms a line: the proposal to take (the first
// when absent), or the account that paid and, optionally, what it pays.
type BankConfirmRequest struct {
	Proposal    *int                `json:"proposal,omitempty"`
	AccountID   string              `json:"account_id"`
	Allocations []AllocationRequest `json:"allocations"`
}

func (r BankConfirmRequest) input() (billing.ConfirmInput, error) {
	p := quotient.Problems{}
	in := billing.ConfirmInput{Proposal: r.Proposal, AccountID: r.AccountID}
	if len(r.Allocations) > 0 {
		in.Allocations = allocationInputs(&p, r.Allocations)
	}
	return in, p.Err()
}

// BankIgnoreRequest sets a line aside.
type BankIgnoreRequest struct {
	Reason string `json:"reason" maxLength:"500"`
}

func (r BankIgnoreRequest) input() (string, error) { return r.Reason, nil }

// BankSplitRequest splits a line into parts that add up to it.
type BankSplitRequest struct {
	Amounts []*Dec `json:"amounts"`
}

func (r BankSplitRequest) input() ([]decimal.Decimal, error) {
	p := quotient.Problems{}
	out := make([]decimal.Decimal, len(r.Amounts))
	for i, a := range r.Amounts {
		out[i] = a.Value(&p, fmt.Sprintf("amounts[%d]", i))
	}
	return out, p.Err()
}

// ProposedAllocationJSON is an amount a proposal applies to an invoice.
type ProposedAllocationJSON struct {
	InvoiceID string `json:"invoice_id"`
	Number    string `json:"number"`
	Amount    string `json:"amount" format:"decimal"`
}

// ProposalJSON is a payment a line could be, with why.
type ProposalJSON struct {
	AccountID   string                   `json:"account_id"`
	AccountName string                   `json:"account_name"`
	Allocations []ProposedAllocationJSON `json:"allocations"`
	Reason      string                   `json:"reason"`
}

// BankLineJSON is a booking of a statement: matched to a recorded
// payment, proposed as a new one, unmatched, ignored or split into the
// lines that name it in split_of; done when it needs nothing more.
type BankLineJSON struct {
	ID           string         `json:"id"`
	LineNo       int            `json:"line_no"`
	BookedOn     string         `json:"booked_on" format:"date"`
	Amount       string         `json:"amount" format:"decimal"`
	Reference    string         `json:"reference"`
	Counterparty string         `json:"counterparty"`
	Description  string         `json:"description"`
	Status       string         `json:"status" enum:"matched,proposed,unmatched,ignored,split"`
	Confirmed    bool           `json:"confirmed"`
	Done         bool           `json:"done"`
	PaymentID    *string        `json:"payment_id"`
	Reason       string         `json:"reason"`
	Proposals    []ProposalJSON `json:"proposals"`
	SplitOf      *string        `json:"split_of"`
	UpdatedAt    time.Time      `json:"updated_at"`
}

// BankStatementJSON is an imported statement: the bank's closing balance
// beside the cash account's on the same date, and the difference.
type BankStatementJSON struct {
	ID             string         `json:"id"`
	AccountCode    string         `json:"account_code"`
	Currency       string         `json:"currency"`
	Format         string         `json:"format"`
	Reference      string         `json:"reference"`
	OpeningBalance string         `json:"opening_balance" format:"decimal"`
	ClosingBalance *string        `json:"closing_balance" format:"decimal"`
	ClosingDate    string         `json:"closing_date" format:"date"`
	LedgerBalance  string         `json:"ledger_balance" format:"decimal"`
	Difference     *string        `json:"difference" format:"decimal"`
	Reconciled     bool           `json:"reconciled"`
	Duplicates     int            `json:"duplicates"`
	Counts         map[string]int `json:"counts"`
	CreatedBy      string         `json:"created_by"`
	CreatedAt      time.Time      `json:"created_at"`
	Lines          []BankLineJSON `json:"lines"`
}

func bankStatementJSON(bs billing.BankStatement) BankStatementJSON {
	out := BankStatementJSON{ID: bs.ID, AccountCode: bs.AccountCode, Currency: bs.Currency, Format: bs.Format, Reference: bs.Reference,
		OpeningBalance: fmtMinor(bs.Opening, bs.Currency), ClosingDate: bs.ClosingDate.String(), LedgerBalance: fmtMinor(bs.LedgerClosed, bs.Currency),
		Reconciled: bs.Reconciled(), Duplicates: bs.Duplicates, Counts: map[string]int{}, CreatedBy: bs.CreatedBy, CreatedAt: bs.CreatedAt, Lines: []BankLineJSON{}}
	if bs.Closing != nil {
		out.ClosingBalance = optStr(fmtMinor(*bs.Closing, bs.Currency))
		d, _ := bs.Difference()
		out.Difference = optStr(fmtMinor(d, bs.Currency))
	}
	for _, l := range bs.Lines {
		out.Counts[l.Status]++
		lj := BankLineJSON{ID: l.ID, LineNo: l.LineNo, BookedOn: l.BookedOn.String(), Amount: fmtMinor(l.Amount, bs.Currency), Reference: l.Reference,
			Counterparty: l.Counterparty, Description: l.Description, Status: l.Status, Confirmed: l.Confirmed, Done: l.Done(), PaymentID: optStr(l.PaymentID),
			Reason: l.Reason, Proposals: []ProposalJSON{}, SplitOf: optStr(l.SplitOf), UpdatedAt: l.UpdatedAt}
		for _, p := range l.Proposals {
			pj := ProposalJSON{AccountID: p.AccountID, AccountName: p.AccountName, Reason: p.Reason, Allocations: []ProposedAllocationJSON{}}
			for _, al := range p.Allocations {
				pj.Allocations = append(pj.Allocations, ProposedAllocationJSON{InvoiceID: al.InvoiceID, Number: al.Number, Amount: fmtMinor(al.Amount, bs.Currency)})
			}
			lj.Proposals = append(lj.Proposals, pj)
		}
		out.Lines = append(out.Lines, lj)
	}
	return out
}

func (s *Server) importBankStatement() fiber.Handler {
	return func(c *fiber.Ctx) error {
		in, err := decodeWith(c, BankStatementRequest.input)
		if err != nil {
			return err
		}
		type result struct {
			bs      billing.BankStatement
			created bool
		}
		return commit(c, func(ctx context.Context) (result, error) {
			bs, created, err := s.app.ImportBankStatement(ctx, in)
			return result{bs, created}, err
		}, func(r result) response {
			status := fiber.StatusOK
			if r.created {
				status = fiber.StatusCreated
			}
			return response{status: status, location: v1 + "/bank-statements/" + r.bs.ID, body: bankStatementJSON(r.bs)}
		})
	}
}

func (s *Server) getBankStatement() fiber.Handler {
	return func(c *fiber.Ctx) error {
		bs, err := s.app.BankStatement(c.UserContext(), c.Params("id"))
		if err != nil {
			return err
		}
		return send(c, fiber.StatusOK, 0, bankStatementJSON(bs))
	}
}

func (s *Server) listBankStatements() fiber.Handler {
	return listOf(func(b billing.BankStatement) string { return b.ID }, bankStatementJSON, nil,
		func(ctx context.Context, c *fiber.Ctx, p quotient.Page, f map[string]string) ([]billing.BankStatement, error) {
			return s.app.BankStatements(ctx, p)
		})
}

// bankLineAction runs an action on a line and answers the statement.
func bankLineAction[R any, T any](conv func(R) (T, error), act func(ctx context.Context, statementID, lineID string, in T) (billing.BankStatement, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		req, err := decodeOptional[R](c)
		if err != nil {
			return err
		}
		in, err := conv(req)
		if err != nil {
			return err
		}
		sid, lid := c.Params("id"), c.Params("line_id")
		return commit(c, func(ctx context.Context) (billing.BankStatement, error) { return act(ctx, sid, lid, in) },
			func(bs billing.BankStatement) response {
				return response{status: fiber.StatusOK, body: bankStatementJSON(bs)}
			})
	}
}
