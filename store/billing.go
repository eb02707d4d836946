package store

import (
	"context"
	"fmt"

	"github.com/quotient-cpq/quotient/billing"
	"github.com/quotient-cpq/quotient/order"
)

// NextYearNumber advances the gapless counter "name-year", creating it at
// the year's first document, in the caller's transaction: a rolled-back
// document gives its number back.
func (t *Tx) NextYearNumber(ctx context.Context, name string, year int) (int64, error) {
	key := fmt.Sprintf("%s-%d", name, year)
	if _, err := t.exec(ctx, `INSERT INTO counters (name, value) VALUES (?, 0) ON CONFLICT (name) DO NOTHING`, key); err != nil {
		return 0, err
	}
	return t.NextNumber(ctx, key)
}

const invoiceCols = `id, number, order_id, account_id, currency, status, issue_date, due_date, payment_terms, discount_pct, discount_until,
	net_minor, tax_minor, total_minor, amount_due_minor, journal_entry_id, version, created_at, updated_at`

type invoiceRow struct {
	ID             string  `db:"id"`
	Number         string  `db:"number"`
	OrderID        string  `db:"order_id"`
	AccountID      string  `db:"account_id"`
	Currency       string  `db:"currency"`
	Status         string  `db:"status"`
	IssueDate      dbDate  `db:"issue_date"`
	DueDate        dbDate  `db:"due_date"`
	PaymentTerms   string  `db:"payment_terms"`
	DiscountPct    dbDec   `db:"discount_pct"`
	DiscountUntil  *dbDate `db:"discount_until"`
	Net            int64   `db:"net_minor"`
	Tax            int64   `db:"tax_minor"`
	Total          int64   `db:"total_minor"`
	AmountDue      int64   `db:"amount_due_minor"`
	JournalEntryID string  `db:"journal_entry_id"`
	Version        int     `db:"version"`
	CreatedAt      dbTime  `db:"created_at"`
	UpdatedAt      dbTime  `db:"updated_at"`
}

func (r invoiceRow) invoice() billing.Invoice {
	inv := billing.Invoice{ID: r.ID, Number: r.Number, OrderID: r.OrderID, AccountID: r.AccountID, Currency: r.Currency, Status: r.Status,
		IssueDate: string(r.IssueDate), DueDate: string(r.DueDate), PaymentTerms: r.PaymentTerms, DiscountPct: r.DiscountPct.Decimal,
		Net: r.Net, Tax: r.Tax, Total: r.Total, AmountDue: r.AmountDue, JournalEntryID: r.JournalEntryID, Version: r.Version,
		CreatedAt: r.CreatedAt.Time, UpdatedAt: r.UpdatedAt.Time}
	if r.DiscountUntil != nil {
		inv.DiscountUntil = string(*r.DiscountUntil)
	}
	return inv
}

// InsertInvoice stores an invoice with its lines.
func (t *Tx) InsertInvoice(ctx context.Context, inv billing.Invoice) error {
	var until any
	if inv.DiscountUntil != "" {
		until = date(inv.DiscountUntil)
	}
	if _, err := t.exec(ctx, `INSERT INTO invoices (`+invoiceCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		inv.ID, inv.Number, inv.OrderID, inv.AccountID, inv.Currency, inv.Status, date(inv.IssueDate), date(inv.DueDate), inv.PaymentTerms,
		dec(inv.DiscountPct), until, inv.Net, inv.Tax, inv.Total, inv.AmountDue, inv.JournalEntryID, inv.Version,
		t.ts(inv.CreatedAt), t.ts(inv.UpdatedAt)); err != nil {
		return err
	}
	for i, l := range inv.Lines {
		if _, err := t.exec(ctx, `INSERT INTO invoice_lines (invoice_id, line_no, order_line_id, product_id, sku, name, quantity_micro, unit_price,
			net_minor, tax_minor, tax_rate_id, tax_rate_pct, family) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			inv.ID, i+1, l.OrderLineID, l.ProductID, l.SKU, l.Name, l.Quantity, dec(l.UnitPrice), l.Net, l.Tax, l.TaxRateID, dec(l.TaxRatePct), l.Family); err != nil {
			return err
		}
	}
	return nil
}

// GetInvoice loads an invoice with its lines.
func (t *Tx) GetInvoice(ctx context.Context, id string) (billing.Invoice, error) {
	var r invoiceRow
	if err := t.get(ctx, &r, `SELECT `+invoiceCols+` FROM invoices WHERE id = ?`, id); err != nil {
		return billing.Invoice{}, getOr(err, "invoice", id)
	}
	inv := r.invoice()
	var lines []struct {
		OrderLineID string `db:"order_line_id"`
		ProductID   string `db:"product_id"`
		SKU         string `db:"sku"`
		Name        string `db:"name"`
		Qty         int64  `db:"quantity_micro"`
		UnitPrice   dbDec  `db:"unit_price"`
		Net         int64  `db:"net_minor"`
		Tax         int64  `db:"tax_minor"`
		TaxRateID   string `db:"tax_rate_id"`
		TaxRatePct  dbDec  `db:"tax_rate_pct"`
		Family      string `db:"family"`
	}
	if err := t.sel(ctx, &lines, `SELECT order_line_id, product_id, sku, name, quantity_micro, unit_price, net_minor, tax_minor, tax_rate_id,
		tax_rate_pct, family FROM invoice_lines WHERE invoice_id = ? ORDER BY line_no`, id); err != nil {
		return billing.Invoice{}, err
	}
	for _, l := range lines {
		inv.Lines = append(inv.Lines, billing.InvoiceLine{OrderLineID: l.OrderLineID, ProductID: l.ProductID, SKU: l.SKU, Name: l.Name,
			Quantity: l.Qty, UnitPrice: l.UnitPrice.Decimal, Net: l.Net, Tax: l.Tax, TaxRateID: l.TaxRateID, TaxRatePct: l.TaxRatePct.Decimal,
			Family: l.Family})
	}
	return inv, nil
}

// ListInvoices lists invoice headers by id.
func (t *Tx) ListInvoices(ctx context.Context, f billing.InvoiceFilter) ([]billing.Invoice, error) {
	var where []string
	var args []any
	where, args = eq(where, args, "account_id", f.AccountID)
	where, args = eq(where, args, "order_id", f.OrderID)
	where, args = eq(where, args, "status", f.Status)
	var rows []invoiceRow
	if err := t.list(ctx, &rows, invoiceCols, "invoices", where, args, f.After, f.Limit); err != nil {
		return nil, err
	}
	out := make([]billing.Invoice, len(rows))
	for i, r := range rows {
		out[i] = r.invoice()
	}
	return out, nil
}

// SetLineInvoiced stores how much of an order line is invoiced.
func (t *Tx) SetLineInvoiced(ctx context.Context, l order.Line) error {
	n, err := t.execN(ctx, `UPDATE order_lines SET invoiced_micro = ?, invoiced_net_minor = ?, invoiced_tax_minor = ? WHERE id = ?`,
		l.Invoiced, l.InvoicedNet, l.InvoicedTax, l.ID)
	if err == nil && n == 0 {
		err = notFound("order line", l.ID)
	}
	return err
}

var _ billing.Store = (*Tx)(nil)
