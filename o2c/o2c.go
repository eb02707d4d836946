// Package o2c holds the order-to-cash use cases that cross packages in one
// transaction: an accepted quote becomes an order (held by credit control
// or invoiced as its account's policy says), a held order is released, a
// shipment posts its cost and is invoiced, goods received post their cost
// and feed waiting orders. Each runs in the caller's transaction and does
// nothing outside the database.
package o2c

import (
	"context"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/billing"
	"github.com/quotient-cpq/quotient/commission"
	"github.com/quotient-cpq/quotient/inventory"
	"github.com/quotient-cpq/quotient/order"
	"github.com/quotient-cpq/quotient/quote"
)

// Store is what the use cases need: one transaction serving every package.
type Store interface {
	billing.ControlStore
	billing.CreditStore
	commission.AccrueStore
}

// Flows runs the use cases with the domain services.
type Flows struct {
	Orders     *order.Service
	Billing    *billing.Service
	Inventory  *inventory.Service
	Commission *commission.Service
}

// Accept makes the order of an accepted quote. Credit control decides
// first whether it is held; a held order reserves nothing and is not
// invoiced. Otherwise what the account's policy invoices at once is
// invoiced. The account is read before the order locks any stock, and
// invoicing is skipped when there is nothing to invoice, so a hot
// product's stock row is held no longer than reserving needs. created is
// false when the quote already had its order (a repeat).
func (f *Flows) Accept(ctx context.Context, st Store, q quote.Quote, v quote.Version) (o order.Order, created bool, err error) {
	acc, err := st.GetAccount(ctx, q.AccountID)
	if err != nil {
		return order.Order{}, false, err
	}
	hold := ""
	if v.Priced != nil {
		if hold, err = f.Billing.CreditHold(ctx, st, acc, q.Currency, v.Priced.Total); err != nil {
			return order.Order{}, false, err
		}
	}
	o, created, err = f.Orders.FromQuote(ctx, st, q, v, hold)
	if err != nil || !created || o.HoldReason != "" || !billing.HasInvoiceable(o, acc.InvoicingPolicy) {
		return o, created, err
	}
	return o, created, f.invoiceDue(ctx, st, o.ID)
}

// Release lifts an order's credit hold: it reserves its stock and invoices
// what its account's policy invoices on order.
func (f *Flows) Release(ctx context.Context, st Store, id string) (order.Order, error) {
	o, err := f.Orders.Release(ctx, st, id)
	if err != nil {
		return o, err
	}
	acc, err := st.GetAccount(ctx, o.AccountID)
	if err != nil || !billing.HasInvoiceable(o, acc.InvoicingPolicy) {
		return o, err
	}
	if err := f.invoiceDue(ctx, st, o.ID); err != nil {
		return o, err
	}
	return st.GetOrder(ctx, o.ID)
}

// Ship records a shipment, posts its cost of goods and invoices what it
// made invoiceable.
func (f *Flows) Ship(ctx context.Context, st Store, id string, in order.FulfillInput) (order.Order, order.Shipment, error) {
	o, sh, err := f.Orders.Fulfill(ctx, st, id, in)
	if err != nil {
		return o, sh, err
	}
	if err := f.Billing.PostShipmentCost(ctx, st, sh, sh.ActorID); err != nil {
		return o, sh, err
	}
	return o, sh, f.invoiceDue(ctx, st, o.ID)
}

// Receive books goods in, posts them at cost, and lets waiting orders
// reserve what arrived.
func (f *Flows) Receive(ctx context.Context, st Store, in inventory.ReceiptInput) ([]inventory.Movement, error) {
	ms, err := f.Inventory.Receive(ctx, st, in)
	if err != nil {
		return nil, err
	}
	cost := make([]billing.CostLine, len(ms))
	products := make([]string, len(ms))
	for i, m := range ms {
		micro, _ := inventory.Micro(m.Quantity)
		cost[i] = billing.CostLine{ProductID: m.ProductID, Micro: micro, UnitCost: m.UnitCost}
		products[i] = m.ProductID
	}
	if err := f.Billing.PostReceipt(ctx, st, ms[0].ID, ms[0].At.Format("2006-01-02"), in.Reference, ms[0].ActorID, cost); err != nil {
		return nil, err
	}
	_, err = f.Orders.FillBackorders(ctx, st, products)
	return ms, err
}

// Adjust corrects stock; stock that appears goes to waiting orders.
func (f *Flows) Adjust(ctx context.Context, st Store, in inventory.AdjustmentInput) (inventory.Movement, error) {
	m, err := f.Inventory.Adjust(ctx, st, in)
	if err != nil || !m.Quantity.IsPositive() {
		return m, err
	}
	_, err = f.Orders.FillBackorders(ctx, st, []string{m.ProductID})
	return m, err
}

// invoiceDue invoices what an order has that is invoiceable now, if
// anything, as the acting user (or "system"), and accrues its commission.
func (f *Flows) invoiceDue(ctx context.Context, st Store, orderID string) error {
	by := "system"
	if a, ok := quotient.ActorFrom(ctx); ok {
		by = a.UserID
	}
	inv, err := f.Billing.InvoiceOrder(ctx, st, orderID, by, true)
	if err != nil || inv.ID == "" {
		return err
	}
	return f.Commission.AccrueInvoice(ctx, st, inv)
}

// Invoice invoices an order on request and accrues its commission.
func (f *Flows) Invoice(ctx context.Context, st Store, orderID string) (billing.Invoice, error) {
	inv, err := f.Billing.Invoice(ctx, st, orderID)
	if err != nil {
		return inv, err
	}
	return inv, f.Commission.AccrueInvoice(ctx, st, inv)
}

// Pay records a payment and accrues the commission its allocations earn.
func (f *Flows) Pay(ctx context.Context, st Store, in billing.PaymentInput) (billing.Payment, error) {
	p, err := f.Billing.Receive(ctx, st, in)
	if err != nil {
		return p, err
	}
	return p, f.settled(ctx, st, p.Allocations)
}

// ApplyPaymentCredit applies a payment's credit to invoices, accruing the
// commission that money earns on them.
func (f *Flows) ApplyPaymentCredit(ctx context.Context, st Store, id string, allocs []billing.AllocationInput) (billing.Payment, error) {
	before, err := st.GetPayment(ctx, id)
	if err != nil {
		return before, err
	}
	p, err := f.Billing.AllocateCredit(ctx, st, id, allocs)
	if err != nil {
		return p, err
	}
	return p, f.settled(ctx, st, added(before.Allocations, p.Allocations))
}

// IssueCreditNote credits an invoice and claws back the commission it
// earned in proportion.
func (f *Flows) IssueCreditNote(ctx context.Context, st Store, in billing.CreditNoteInput) (billing.CreditNote, error) {
	cn, err := f.Billing.IssueCreditNote(ctx, st, in)
	if err != nil {
		return cn, err
	}
	if err := f.Commission.Clawback(ctx, st, cn); err != nil {
		return cn, err
	}
	return cn, f.payableIfSettled(ctx, st, cn.InvoiceID)
}

// ApplyCreditNote applies a credit note's remaining credit to other
// invoices; that credit is money the customer paid before, so it earns
// commission on them as a payment would.
func (f *Flows) ApplyCreditNote(ctx context.Context, st Store, id string, allocs []billing.AllocationInput) (billing.CreditNote, error) {
	before, err := st.GetCreditNote(ctx, id)
	if err != nil {
		return before, err
	}
	cn, err := f.Billing.AllocateCreditNote(ctx, st, id, allocs)
	if err != nil {
		return cn, err
	}
	return cn, f.settled(ctx, st, added(before.Allocations, cn.Allocations))
}

// added is the allocations in after that are not in before.
func added(before, after []billing.Allocation) []billing.Allocation {
	seen := map[string]bool{}
	for _, a := range before {
		seen[a.ID] = true
	}
	var out []billing.Allocation
	for _, a := range after {
		if !seen[a.ID] {
			out = append(out, a)
		}
	}
	return out
}

// settled accrues paid-basis commission on money applied to invoices and
// makes invoiced-basis commission payable on invoices now settled.
func (f *Flows) settled(ctx context.Context, st Store, als []billing.Allocation) error {
	for _, al := range als {
		inv, err := st.GetInvoice(ctx, al.InvoiceID)
		if err != nil {
			return err
		}
		if err := f.Commission.AccruePayment(ctx, st, inv, al.ID, al.Amount, al.AppliedOn); err != nil {
			return err
		}
		if inv.AmountDue == 0 {
			if err := st.MarkPayable(ctx, inv.ID); err != nil {
				return err
			}
		}
	}
	return nil
}

func (f *Flows) payableIfSettled(ctx context.Context, st Store, invoiceID string) error {
	inv, err := st.GetInvoice(ctx, invoiceID)
	if err != nil || inv.AmountDue != 0 {
		return err
	}
	return st.MarkPayable(ctx, invoiceID)
}
