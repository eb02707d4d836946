package app

import (
	"context"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/billing"
	"github.com/quotient-cpq/quotient/crm"
	"github.com/quotient-cpq/quotient/inventory"
	"github.com/quotient-cpq/quotient/order"
	"github.com/quotient-cpq/quotient/quote"
)

// The order-to-cash flows: what happens, in one transaction, when a quote
// is accepted, an order is released, shipped or invoiced, goods arrive,
// money comes in or goes back.

// Ordered is an accepted quote's order, and whether this call made it (a
// repeat returns the first).
type Ordered struct {
	Order   order.Order
	Created bool
}

// ConvertQuote records a signature the rep obtained offline: the current
// version is accepted on the customer's behalf and becomes an order, in
// one transaction. A repeat returns the same order.
func (a *App) ConvertQuote(ctx context.Context, id string, in quote.ConvertInput) (Ordered, error) {
	return change(ctx, a, func(tx Tx) (Ordered, error) {
		q, v, _, err := a.quotes.Convert(ctx, tx, id, in)
		if err != nil {
			return Ordered{}, err
		}
		return a.accepted(ctx, tx, q, v)
	})
}

// accepted makes the order of an accepted quote version. Credit control
// decides first whether it is held; a held order reserves nothing and is
// not invoiced. Otherwise what the account's policy invoices at once is
// invoiced, and its commission accrued. The account is read once, before
// the order locks any stock, and the new order is invoiced as made, so a
// hot product's stock row is held no longer than reserving needs.
func (a *App) accepted(ctx context.Context, tx Tx, q quote.Quote, v quote.Version) (Ordered, error) {
	acc, err := tx.GetAccount(ctx, q.AccountID)
	if err != nil {
		return Ordered{}, err
	}
	hold := ""
	if v.Priced != nil {
		if hold, err = a.billing.CreditHold(ctx, tx, acc, q.Currency, v.Priced.Total); err != nil {
			return Ordered{}, err
		}
	}
	o, created, err := a.orders.FromQuote(ctx, tx, q, v, hold)
	if err != nil || !created {
		return Ordered{o, created}, err
	}
	c, err := a.contracts.Accepted(ctx, tx, q, o)
	if err != nil {
		return Ordered{}, err
	}
	for _, cr := range c.Credits { // seats fewer at once, where the contract's terms credit them
		cn, err := a.billing.CreditServices(ctx, tx, cr.InvoiceID, cr.Parts, cr.Reason, actorID(ctx))
		if err != nil {
			return Ordered{}, err
		}
		if err := a.credited(ctx, tx, cn); err != nil {
			return Ordered{}, err
		}
	}
	if c.ID != "" && o.HoldReason == "" {
		if _, err := a.billContract(ctx, tx, &c, acc); err != nil {
			return Ordered{}, err
		}
	}
	o, err = a.invoiceDue(ctx, tx, o, acc)
	return Ordered{o, true}, err
}

// invoiceDue invoices what an event (an acceptance, a shipment, a
// release) made invoiceable in order o, which the event left as it is in
// this transaction, accrues the commission the invoice earns, and returns
// the order as invoicing left it. Invoicing with an event waits rather
// than fail it: see billing.Service.InvoiceDue.
func (a *App) invoiceDue(ctx context.Context, tx Tx, o order.Order, acc crm.Account) (order.Order, error) {
	if o.HoldReason != "" || !billing.HasInvoiceable(o, acc.InvoicingPolicy) {
		return o, nil
	}
	books, err := a.ledger.Books(ctx, tx, a.today())
	if err != nil {
		return o, err
	}
	inv, o, err := a.billing.InvoiceDue(ctx, tx, books, o, acc, actorID(ctx))
	if err != nil || inv.ID == "" {
		return o, err
	}
	return o, a.commission.AccrueInvoice(ctx, tx, books, inv, acc, nil)
}

// actorID is the acting user, or "system" for work nobody asked for.
func actorID(ctx context.Context) string {
	if a, ok := quotient.ActorFrom(ctx); ok {
		return a.UserID
	}
	return "system"
}

// ReleaseOrder lifts an order's credit hold (finance): it reserves its
// stock and invoices what its account's policy invoices on order.
func (a *App) ReleaseOrder(ctx context.Context, id string) (order.Order, error) {
	return change(ctx, a, func(tx Tx) (order.Order, error) {
		o, err := a.orders.Release(ctx, tx, id)
		if err != nil {
			return o, err
		}
		acc, err := tx.GetAccount(ctx, o.AccountID)
		if err != nil {
			return o, err
		}
		if err := a.billReleased(ctx, tx, o, acc); err != nil {
			return o, err
		}
		return a.invoiceDue(ctx, tx, o, acc)
	})
}

// Shipped is a recorded shipment and its order after it.
type Shipped struct {
	Order    order.Order
	Shipment order.Shipment
}

// ShipOrder records a shipment (admins: the warehouse), posts its cost of
// goods and invoices what it made invoiceable.
func (a *App) ShipOrder(ctx context.Context, id string, in order.FulfillInput) (Shipped, error) {
	return change(ctx, a, func(tx Tx) (Shipped, error) {
		o, sh, err := a.orders.Fulfill(ctx, tx, id, in)
		if err != nil {
			return Shipped{}, err
		}
		if err := a.billing.PostShipmentCost(ctx, tx, sh, sh.ActorID); err != nil {
			return Shipped{}, err
		}
		acc, err := tx.GetAccount(ctx, o.AccountID)
		if err != nil {
			return Shipped{}, err
		}
		o, err = a.invoiceDue(ctx, tx, o, acc)
		return Shipped{o, sh}, err
	})
}

// CancelOrder cancels what has not shipped (the owner, their manager or
// an admin), releasing its stock to the orders waiting for it.
func (a *App) CancelOrder(ctx context.Context, id, reason string) (order.Order, error) {
	return change(ctx, a, func(tx Tx) (order.Order, error) { return a.orders.Cancel(ctx, tx, id, reason) })
}

// ReceiveStock books goods in (admin), posts them at cost, and lets
// waiting orders reserve what arrived.
func (a *App) ReceiveStock(ctx context.Context, in inventory.ReceiptInput) ([]inventory.Movement, error) {
	return change(ctx, a, func(tx Tx) ([]inventory.Movement, error) { return a.ReceiveStockIn(ctx, tx, in) })
}

// ReceiveStockIn is ReceiveStock in the caller's transaction, for tools
// that build a database in one (the demo company).
func (a *App) ReceiveStockIn(ctx context.Context, tx Tx, in inventory.ReceiptInput) ([]inventory.Movement, error) {
	ms, err := a.inventory.Receive(ctx, tx, in)
	if err != nil {
		return nil, err
	}
	var value int64
	products := make([]string, len(ms))
	for i, m := range ms {
		value += m.Value
		products[i] = m.ProductID
	}
	if err := a.billing.PostReceipt(ctx, tx, ms[0].ID, quotient.DateOf(ms[0].At), in.Reference, ms[0].ActorID, value); err != nil {
		return nil, err
	}
	_, err = a.orders.FillBackorders(ctx, tx, products)
	return ms, err
}

// AdjustStock corrects stock (admin); stock that appears goes to waiting
// orders.
func (a *App) AdjustStock(ctx context.Context, in inventory.AdjustmentInput) (inventory.Movement, error) {
	return change(ctx, a, func(tx Tx) (inventory.Movement, error) {
		m, err := a.inventory.Adjust(ctx, tx, in)
		if err != nil {
			return m, err
		}
		if err := a.billing.PostAdjustment(ctx, tx, m); err != nil {
			return m, err
		}
		if !m.Quantity.IsPositive() {
			return m, nil
		}
		_, err = a.orders.FillBackorders(ctx, tx, []string{m.ProductID})
		return m, err
	})
}

// InvoiceOrder invoices an order on request (finance, admin, or the
// order's owner and their manager) and accrues its commission.
func (a *App) InvoiceOrder(ctx context.Context, orderID string) (billing.Invoice, error) {
	return change(ctx, a, func(tx Tx) (billing.Invoice, error) {
		inv, err := a.billing.Invoice(ctx, tx, orderID)
		if err != nil {
			return inv, err
		}
		acc, err := tx.GetAccount(ctx, inv.AccountID)
		if err != nil {
			return inv, err
		}
		books, err := a.ledger.Open(ctx, tx, inv.IssueDate)
		if err != nil {
			return inv, err
		}
		return inv, a.commission.AccrueInvoice(ctx, tx, books, inv, acc, nil)
	})
}

// ReceivePayment records a payment (finance) and accrues the commission
// its allocations earn.
func (a *App) ReceivePayment(ctx context.Context, in billing.PaymentInput) (billing.Payment, error) {
	return change(ctx, a, func(tx Tx) (billing.Payment, error) {
		p, err := a.billing.Receive(ctx, tx, in)
		if err != nil {
			return p, err
		}
		return p, a.settled(ctx, tx, p.Allocations)
	})
}

// ApplyPaymentCredit applies a payment's credit to invoices (finance),
// accruing the commission that money earns on them.
func (a *App) ApplyPaymentCredit(ctx context.Context, id string, allocs []billing.AllocationInput) (billing.Payment, error) {
	return change(ctx, a, func(tx Tx) (billing.Payment, error) {
		before, err := tx.GetPayment(ctx, id)
		if err != nil {
			return before, err
		}
		p, err := a.billing.AllocateCredit(ctx, tx, id, allocs)
		if err != nil {
			return p, err
		}
		return p, a.settled(ctx, tx, added(before.Allocations, p.Allocations))
	})
}

// IssueCreditNote credits an invoice (finance) and claws back the
// commission it earned in proportion.
func (a *App) IssueCreditNote(ctx context.Context, in billing.CreditNoteInput) (billing.CreditNote, error) {
	return change(ctx, a, func(tx Tx) (billing.CreditNote, error) {
		cn, err := a.billing.IssueCreditNote(ctx, tx, in)
		if err != nil {
			return cn, err
		}
		return cn, a.credited(ctx, tx, cn)
	})
}

// credited claws back the commission a credit note's invoice earned in
// proportion, and makes the invoice's commission payable if the credit
// settled it.
func (a *App) credited(ctx context.Context, tx Tx, cn billing.CreditNote) error {
	if cn.ID == "" {
		return nil
	}
	if err := a.commission.Clawback(ctx, tx, cn); err != nil {
		return err
	}
	inv, err := tx.GetInvoice(ctx, cn.InvoiceID)
	if err != nil || inv.AmountDue != 0 {
		return err
	}
	return tx.MarkPayable(ctx, inv.ID)
}

// ApplyCreditNote applies a credit note's remaining credit to other
// invoices (finance); that credit is money the customer paid before, so
// it earns commission on them as a payment would.
func (a *App) ApplyCreditNote(ctx context.Context, id string, allocs []billing.AllocationInput) (billing.CreditNote, error) {
	return change(ctx, a, func(tx Tx) (billing.CreditNote, error) {
		before, err := tx.GetCreditNote(ctx, id)
		if err != nil {
			return before, err
		}
		cn, err := a.billing.AllocateCreditNote(ctx, tx, id, allocs)
		if err != nil {
			return cn, err
		}
		return cn, a.settled(ctx, tx, added(before.Allocations, cn.Allocations))
	})
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
func (a *App) settled(ctx context.Context, tx Tx, als []billing.Allocation) error {
	accounts := map[string]crm.Account{}
	for _, al := range als {
		inv, err := tx.GetInvoice(ctx, al.InvoiceID)
		if err != nil {
			return err
		}
		acc, ok := accounts[inv.AccountID]
		if !ok {
			if acc, err = tx.GetAccount(ctx, inv.AccountID); err != nil {
				return err
			}
			accounts[inv.AccountID] = acc
		}
		if err := a.commission.AccruePayment(ctx, tx, inv, acc, al.ID, al.Amount, al.AppliedOn); err != nil {
			return err
		}
		if inv.AmountDue == 0 {
			if err := tx.MarkPayable(ctx, inv.ID); err != nil {
				return err
			}
		}
	}
	return nil
}
