package server

import (
	"context"
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/billing"
)

// CreditLineRequest credits a quantity of an invoice line, named by its
// order line or its number on the invoice (line, from 1; needed where a
// subscription invoice charges the order line on several lines).
type CreditLineRequest struct {
	OrderLineID string `json:"order_line_id"`
	Line        int    `json:"line"`
	Quantity    *Dec   `json:"quantity"`
}

// CreditNoteRequest credits an invoice by lines or by a gross amount.
type CreditNoteRequest struct {
	InvoiceID string              `json:"invoice_id"`
	Lines     []CreditLineRequest `json:"lines"`
	Amount    *Dec                `json:"amount"`
	Reason    string              `json:"reason" maxLength:"500"`
}

func (r CreditNoteRequest) input() (billing.CreditNoteInput, error) {
	p := quotient.Problems{}
	in := billing.CreditNoteInput{InvoiceID: r.InvoiceID, Reason: r.Reason}
	if r.Amount != nil {
		amt := r.Amount.Value(&p, "amount")
		in.Amount = &amt
	}
	for i, l := range r.Lines {
		f := fmt.Sprintf("lines[%d].quantity", i)
		if l.Quantity == nil {
			p.Add(f, "is required")
		}
		q, ok := quotient.QuantityOf(l.Quantity.Value(&p, f))
		if !ok {
			p.Add(f, "must have at most 6 decimals")
		}
		in.Lines = append(in.Lines, billing.CreditLineInput{OrderLineID: l.OrderLineID, Line: l.Line, Quantity: q})
	}
	return in, p.Err()
}

// CreditLineJSON is what a credit note gives back of an invoice line;
// quantity is 0 for a credit by amount.
type CreditLineJSON struct {
	Line        int    `json:"line"` // the invoice's line
	OrderLineID string `json:"order_line_id"`
	SKU         string `json:"sku"`
	Name        string `json:"name"`
	Quantity    string `json:"quantity" format:"decimal"`
	NetAmount   string `json:"net_amount" format:"decimal"`
	TaxAmount   string `json:"tax_amount" format:"decimal"`
	TaxRateID   string `json:"tax_rate_id"`
	TaxRatePct  string `json:"tax_rate_pct" format:"decimal"`
}

// CreditAllocationJSON is part of a credit note applied to an invoice.
type CreditAllocationJSON struct {
	ID             string    `json:"id"`
	InvoiceID      string    `json:"invoice_id"`
	Amount         string    `json:"amount" format:"decimal"`
	AppliedOn      string    `json:"applied_on" format:"date"`
	JournalEntryID string    `json:"journal_entry_id"`
	CreatedAt      time.Time `json:"created_at"`
}

// CreditNoteJSON is a posted credit note: applied is what it took off its
// invoice, unallocated the customer's credit still left on it.
type CreditNoteJSON struct {
	ID             string                 `json:"id"`
	Number         string                 `json:"number"`
	InvoiceID      string                 `json:"invoice_id"`
	InvoiceNumber  string                 `json:"invoice_number"`
	AccountID      string                 `json:"account_id"`
	Currency       string                 `json:"currency"`
	IssueDate      string                 `json:"issue_date" format:"date"`
	Reason         string                 `json:"reason"`
	NetTotal       string                 `json:"net_total" format:"decimal"`
	TaxTotal       string                 `json:"tax_total" format:"decimal"`
	Total          string                 `json:"total" format:"decimal"`
	Applied        string                 `json:"applied" format:"decimal"`
	Unallocated    string                 `json:"unallocated" format:"decimal"`
	JournalEntryID string                 `json:"journal_entry_id"`
	Version        int                    `json:"version"`
	CreatedAt      time.Time              `json:"created_at"`
	Lines          []CreditLineJSON       `json:"lines,omitempty"`
	Allocations    []CreditAllocationJSON `json:"allocations,omitempty"`
}

func creditNoteJSON(cn billing.CreditNote) CreditNoteJSON {
	m := func(n int64) string { return fmtMinor(n, cn.Currency) }
	out := CreditNoteJSON{ID: cn.ID, Number: cn.Number, InvoiceID: cn.InvoiceID, InvoiceNumber: cn.InvoiceNumber, AccountID: cn.AccountID,
		Currency: cn.Currency, IssueDate: cn.IssueDate.String(), Reason: cn.Reason, NetTotal: m(cn.Net), TaxTotal: m(cn.Tax), Total: m(cn.Total),
		Applied: m(cn.Applied), Unallocated: m(cn.Unallocated), JournalEntryID: cn.JournalEntryID, Version: cn.Version, CreatedAt: cn.CreatedAt}
	for _, l := range cn.Lines {
		out.Lines = append(out.Lines, CreditLineJSON{Line: l.InvoiceLine, OrderLineID: l.OrderLineID, SKU: l.SKU, Name: l.Name, Quantity: l.Quantity.String(),
			NetAmount: m(l.Net), TaxAmount: m(l.Tax), TaxRateID: l.TaxRateID, TaxRatePct: l.TaxRatePct.String()})
	}
	for _, a := range cn.Allocations {
		out.Allocations = append(out.Allocations, CreditAllocationJSON{ID: a.ID, InvoiceID: a.InvoiceID, Amount: m(a.Amount), AppliedOn: a.AppliedOn.String(),
			JournalEntryID: a.JournalEntryID, CreatedAt: a.CreatedAt})
	}
	return out
}

func (s *Server) issueCreditNote() fiber.Handler {
	return func(c *fiber.Ctx) error {
		in, err := decodeWith(c, CreditNoteRequest.input)
		if err != nil {
			return err
		}
		return commit(c, func(ctx context.Context) (billing.CreditNote, error) {
			return s.app.IssueCreditNote(ctx, in)
		}, func(cn billing.CreditNote) response {
			return response{status: fiber.StatusCreated, location: v1 + "/credit-notes/" + cn.ID, body: creditNoteJSON(cn)}
		})
	}
}

func (s *Server) allocateCreditNote() fiber.Handler {
	return func(c *fiber.Ctx) error {
		in, err := decodeWith(c, CreditAllocationRequest.input)
		if err != nil {
			return err
		}
		return commit(c, func(ctx context.Context) (billing.CreditNote, error) {
			return s.app.ApplyCreditNote(ctx, c.Params("id"), in)
		}, func(cn billing.CreditNote) response {
			return response{status: fiber.StatusOK, body: creditNoteJSON(cn)}
		})
	}
}

func (s *Server) getCreditNote() fiber.Handler {
	return func(c *fiber.Ctx) error {
		cn, err := s.app.CreditNote(c.UserContext(), c.Params("id"))
		if err != nil {
			return err
		}
		return send(c, fiber.StatusOK, 0, creditNoteJSON(cn))
	}
}

var creditNoteFilter = []string{"account_id", "invoice_id"}

func (s *Server) listCreditNotes() fiber.Handler {
	return listOf(func(cn billing.CreditNote) string { return cn.ID }, creditNoteJSON, creditNoteFilter,
		func(ctx context.Context, c *fiber.Ctx, p quotient.Page, f map[string]string) ([]billing.CreditNote, error) {
			return s.app.CreditNotes(ctx, f["account_id"], f["invoice_id"], p)
		})
}
