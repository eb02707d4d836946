package server

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/billing"
	"github.com/quotient-cpq/quotient/inventory"
)

// InvoiceLineJSON is what an invoice charges for an order line.
type InvoiceLineJSON struct {
	OrderLineID string `json:"order_line_id"`
	ProductID   string `json:"product_id"`
	SKU         string `json:"sku"`
	Name        string `json:"name"`
	Quantity    string `json:"quantity" format:"decimal"`
	UnitPrice   string `json:"unit_price" format:"decimal"`
	NetAmount   string `json:"net_amount" format:"decimal"`
	TaxAmount   string `json:"tax_amount" format:"decimal"`
	TaxRateID   string `json:"tax_rate_id"`
	TaxRatePct  string `json:"tax_rate_pct" format:"decimal"`
}

// InvoiceTaxJSON is an invoice's tax of one rate.
type InvoiceTaxJSON struct {
	TaxRateID string `json:"tax_rate_id"`
	RatePct   string `json:"rate_pct" format:"decimal"`
	Base      string `json:"base" format:"decimal"`
	Tax       string `json:"tax" format:"decimal"`
}

// InvoiceJSON is a posted invoice.
type InvoiceJSON struct {
	ID             string            `json:"id"`
	Number         string            `json:"number"`
	OrderID        string            `json:"order_id"`
	AccountID      string            `json:"account_id"`
	Currency       string            `json:"currency"`
	Status         string            `json:"status" enum:"draft,posted,partially_paid,paid,void"`
	IssueDate      string            `json:"issue_date" format:"date"`
	DueDate        string            `json:"due_date" format:"date"`
	PaymentTerms   string            `json:"payment_terms"`
	DiscountPct    string            `json:"early_payment_discount_pct" format:"decimal"`
	DiscountUntil  *string           `json:"early_payment_discount_until" format:"date"`
	NetTotal       string            `json:"net_total" format:"decimal"`
	TaxTotal       string            `json:"tax_total" format:"decimal"`
	Total          string            `json:"total" format:"decimal"`
	AmountDue      string            `json:"amount_due" format:"decimal"`
	JournalEntryID string            `json:"journal_entry_id"`
	Version        int               `json:"version"`
	CreatedAt      time.Time         `json:"created_at"`
	Lines          []InvoiceLineJSON `json:"lines,omitempty"`
	Taxes          []InvoiceTaxJSON  `json:"taxes,omitempty"`
}

func invoiceJSON(inv billing.Invoice) InvoiceJSON {
	c, _ := quotient.LookupCurrency(inv.Currency)
	m := func(n int64) string { return c.Format(c.FromMinor(n)) }
	out := InvoiceJSON{ID: inv.ID, Number: inv.Number, OrderID: inv.OrderID, AccountID: inv.AccountID, Currency: inv.Currency, Status: inv.Status,
		IssueDate: inv.IssueDate, DueDate: inv.DueDate, PaymentTerms: inv.PaymentTerms, DiscountPct: inv.DiscountPct.String(),
		DiscountUntil: optional(inv.DiscountUntil), NetTotal: m(inv.Net), TaxTotal: m(inv.Tax), Total: m(inv.Total), AmountDue: m(inv.AmountDue),
		JournalEntryID: inv.JournalEntryID, Version: inv.Version, CreatedAt: inv.CreatedAt}
	for _, l := range inv.Lines {
		out.Lines = append(out.Lines, InvoiceLineJSON{OrderLineID: l.OrderLineID, ProductID: l.ProductID, SKU: l.SKU, Name: l.Name,
			Quantity: inventory.FromMicro(l.Quantity).String(), UnitPrice: l.UnitPrice.String(), NetAmount: m(l.Net), TaxAmount: m(l.Tax),
			TaxRateID: l.TaxRateID, TaxRatePct: l.TaxRatePct.String()})
	}
	if len(inv.Lines) > 0 {
		for _, t := range inv.Taxes() {
			out.Taxes = append(out.Taxes, InvoiceTaxJSON{TaxRateID: t.TaxRateID, RatePct: t.RatePct.String(), Base: m(t.Base), Tax: m(t.Tax)})
		}
	}
	return out
}

var invoiceFilter = []string{"account_id", "order_id", "status"}

func (s *Server) listInvoices() fiber.Handler {
	return listOf(s, func(inv billing.Invoice) string { return inv.ID }, invoiceJSON, invoiceFilter,
		func(ctx context.Context, tx Tx, c *fiber.Ctx, limit int, after string, f map[string]string) ([]billing.Invoice, error) {
			return s.billing.List(ctx, tx, billing.InvoiceFilter{AccountID: f["account_id"], OrderID: f["order_id"], Status: f["status"], Limit: limit, After: after})
		})
}

func (s *Server) getInvoice() fiber.Handler {
	return func(c *fiber.Ctx) error {
		inv, err := read(s, c, func(ctx context.Context, tx Tx) (billing.Invoice, error) {
			return s.billing.Get(ctx, tx, c.Params("id"))
		})
		if err != nil {
			return err
		}
		return send(c, fiber.StatusOK, inv.Version, invoiceJSON(inv))
	}
}

func (s *Server) invoiceOrder() fiber.Handler {
	return func(c *fiber.Ctx) error {
		return commit(s, c, func(ctx context.Context, tx Tx) (billing.Invoice, error) {
			return s.billing.Invoice(ctx, tx, c.Params("id"))
		}, func(inv billing.Invoice) response {
			return response{status: fiber.StatusCreated, location: v1 + "/invoices/" + inv.ID, body: invoiceJSON(inv)}
		})
	}
}

// autoInvoice invoices what an order has that its account's policy
// invoices now (after the order is made, after each shipment), in the same
// transaction; nothing to invoice is fine.
func (s *Server) autoInvoice(ctx context.Context, tx Tx, orderID string) error {
	by := "system"
	if a, ok := quotient.ActorFrom(ctx); ok {
		by = a.UserID
	}
	_, err := s.billing.InvoiceOrder(ctx, tx, orderID, by, true)
	return err
}
