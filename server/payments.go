package server

import (
	"context"
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/billing"
)

// AllocationRequest applies an amount to an invoice.
type AllocationRequest struct {
	InvoiceID string `json:"invoice_id"`
	Amount    *Dec   `json:"amount"`
}

// PaymentRequest records money received. Without allocations it pays the
// account's open invoices oldest due first; what is left stays as credit.
type PaymentRequest struct {
	AccountID   string              `json:"account_id"`
	Currency    string              `json:"currency"`
	Amount      *Dec                `json:"amount"`
	ReceivedOn  string              `json:"received_on" format:"date"`
	Method      string              `json:"method" enum:"bank_transfer,card,cash,check,direct_debit,other"`
	Reference   string              `json:"reference" maxLength:"200"`
	Allocations []AllocationRequest `json:"allocations"`
}

// CreditAllocationRequest applies a payment's credit to invoices.
type CreditAllocationRequest struct {
	Allocations []AllocationRequest `json:"allocations"`
}

func allocationInputs(p *quotient.Problems, in []AllocationRequest) []billing.AllocationInput {
	out := make([]billing.AllocationInput, len(in))
	for i, a := range in {
		f := fmt.Sprintf("allocations[%d].amount", i)
		if a.Amount == nil {
			p.Add(f, "is required")
		}
		out[i] = billing.AllocationInput{InvoiceID: a.InvoiceID, Amount: a.Amount.Value(p, f)}
	}
	return out
}

func (r PaymentRequest) input() (billing.PaymentInput, error) {
	p := quotient.Problems{}
	if r.Amount == nil {
		p.Add("amount", "is required")
	}
	in := billing.PaymentInput{AccountID: r.AccountID, Currency: r.Currency, Amount: r.Amount.Value(&p, "amount"), ReceivedOn: p.Date("received_on", r.ReceivedOn, quotient.Optional),
		Method: r.Method, Reference: r.Reference, Allocations: allocationInputs(&p, r.Allocations)}
	return in, p.Err()
}

func (r CreditAllocationRequest) input() ([]billing.AllocationInput, error) {
	p := quotient.Problems{}
	out := allocationInputs(&p, r.Allocations)
	return out, p.Err()
}

// AllocationJSON is part of a payment applied to an invoice.
type AllocationJSON struct {
	ID             string    `json:"id"`
	InvoiceID      string    `json:"invoice_id"`
	Amount         string    `json:"amount" format:"decimal"`
	Discount       string    `json:"discount" format:"decimal"`
	JournalEntryID string    `json:"journal_entry_id"`
	CreatedAt      time.Time `json:"created_at"`
}

// PaymentJSON is a payment with its allocations; unallocated is the
// customer's credit left on it.
type PaymentJSON struct {
	ID             string           `json:"id"`
	AccountID      string           `json:"account_id"`
	Currency       string           `json:"currency"`
	Amount         string           `json:"amount" format:"decimal"`
	Unallocated    string           `json:"unallocated" format:"decimal"`
	ReceivedOn     string           `json:"received_on" format:"date"`
	Method         string           `json:"method"`
	Reference      string           `json:"reference"`
	JournalEntryID string           `json:"journal_entry_id"`
	Version        int              `json:"version"`
	CreatedAt      time.Time        `json:"created_at"`
	Allocations    []AllocationJSON `json:"allocations"`
}

func paymentJSON(p billing.Payment) PaymentJSON {
	m := func(n int64) string { return fmtMinor(n, p.Currency) }
	out := PaymentJSON{ID: p.ID, AccountID: p.AccountID, Currency: p.Currency, Amount: m(p.Amount), Unallocated: m(p.Unallocated),
		ReceivedOn: p.ReceivedOn.String(), Method: p.Method, Reference: p.Reference, JournalEntryID: p.JournalEntryID, Version: p.Version,
		CreatedAt: p.CreatedAt, Allocations: []AllocationJSON{}}
	for _, a := range p.Allocations {
		out.Allocations = append(out.Allocations, AllocationJSON{ID: a.ID, InvoiceID: a.InvoiceID, Amount: m(a.Amount), Discount: m(a.Discount),
			JournalEntryID: a.JournalEntryID, CreatedAt: a.CreatedAt})
	}
	return out
}

func (s *Server) receivePayment() fiber.Handler {
	return func(c *fiber.Ctx) error {
		in, err := decodeWith(c, PaymentRequest.input)
		if err != nil {
			return err
		}
		return commit(c, func(ctx context.Context) (billing.Payment, error) {
			return s.app.ReceivePayment(ctx, in)
		}, func(p billing.Payment) response {
			return response{status: fiber.StatusCreated, location: v1 + "/payments/" + p.ID, body: paymentJSON(p)}
		})
	}
}

func (s *Server) allocateCredit() fiber.Handler {
	return func(c *fiber.Ctx) error {
		in, err := decodeWith(c, CreditAllocationRequest.input)
		if err != nil {
			return err
		}
		return commit(c, func(ctx context.Context) (billing.Payment, error) {
			return s.app.ApplyPaymentCredit(ctx, c.Params("id"), in)
		}, func(p billing.Payment) response { return response{status: fiber.StatusOK, body: paymentJSON(p)} })
	}
}

func (s *Server) getPayment() fiber.Handler {
	return func(c *fiber.Ctx) error {
		p, err := s.app.Payment(c.UserContext(), c.Params("id"))
		if err != nil {
			return err
		}
		return send(c, fiber.StatusOK, 0, paymentJSON(p))
	}
}

func (s *Server) listPayments() fiber.Handler {
	return listOf(func(p billing.Payment) string { return p.ID }, paymentJSON, []string{"account_id"},
		func(ctx context.Context, c *fiber.Ctx, p quotient.Page, f map[string]string) ([]billing.Payment, error) {
			return s.app.Payments(ctx, f["account_id"], p)
		})
}
