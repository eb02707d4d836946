package store

import (
	"context"
	"fmt"
	"time"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/billing"
	"github.com/quotient-cpq/quotient/order"
	"github.com/quotient-cpq/quotient/quote"
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
	net_minor, tax_minor, total_minor, amount_due_minor, base_due_minor, journal_entry_id, version, created_at, updated_at`

type invoiceRow struct {
	ID             string        `db:"id"`
	Number         string        `db:"number"`
	OrderID        string        `db:"order_id"`
	AccountID      string        `db:"account_id"`
	Currency       string        `db:"currency"`
	Status         string        `db:"status"`
	IssueDate      quotient.Date `db:"issue_date"`
	DueDate        quotient.Date `db:"due_date"`
	PaymentTerms   string        `db:"payment_terms"`
	DiscountPct    dbDec         `db:"discount_pct"`
	DiscountUntil  quotient.Date `db:"discount_until"`
	Net            int64         `db:"net_minor"`
	Tax            int64         `db:"tax_minor"`
	Total          int64         `db:"total_minor"`
	AmountDue      int64         `db:"amount_due_minor"`
	BaseDue        *int64        `db:"base_due_minor"`
	JournalEntryID string        `db:"journal_entry_id"`
	Version        int           `db:"version"`
	CreatedAt      dbTime        `db:"created_at"`
	UpdatedAt      dbTime        `db:"updated_at"`
}

func (r invoiceRow) invoice() billing.Invoice {
	inv := billing.Invoice{ID: r.ID, Number: r.Number, OrderID: r.OrderID, AccountID: r.AccountID, Currency: r.Currency, Status: r.Status,
		IssueDate: r.IssueDate, DueDate: r.DueDate, PaymentTerms: r.PaymentTerms, DiscountPct: r.DiscountPct.Decimal,
		Net: r.Net, Tax: r.Tax, Total: r.Total, AmountDue: r.AmountDue, JournalEntryID: r.JournalEntryID, Version: r.Version,
		CreatedAt: r.CreatedAt.Time, UpdatedAt: r.UpdatedAt.Time}
	inv.DiscountUntil = r.DiscountUntil
	inv.BaseDue = -1
	if r.BaseDue != nil {
		inv.BaseDue = *r.BaseDue
	}
	return inv
}

// InsertInvoice stores an invoice with its lines.
func (t *Tx) InsertInvoice(ctx context.Context, inv billing.Invoice) error {
	var base *int64
	if inv.BaseDue >= 0 {
		base = &inv.BaseDue
	}
	if _, err := t.exec(ctx, `INSERT INTO invoices (`+invoiceCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		inv.ID, inv.Number, inv.OrderID, inv.AccountID, inv.Currency, inv.Status, inv.IssueDate, inv.DueDate, inv.PaymentTerms,
		dec(inv.DiscountPct), inv.DiscountUntil, inv.Net, inv.Tax, inv.Total, inv.AmountDue, base, inv.JournalEntryID, inv.Version,
		t.ts(inv.CreatedAt), t.ts(inv.UpdatedAt)); err != nil {
		return err
	}
	rows := make([][]any, len(inv.Lines))
	for i, l := range inv.Lines {
		rows[i] = []any{inv.ID, i + 1, l.OrderLineID, l.ProductID, l.SKU, l.Name, l.Quantity, dec(l.UnitPrice), l.Net, l.Tax, l.TaxRateID,
			dec(l.TaxRatePct), l.Family, l.ServiceStart, l.ServiceEnd, nullable(l.SubscriptionID)}
	}
	return t.insertRows(ctx, "invoice_lines", `invoice_id, line_no, order_line_id, product_id, sku, name, quantity_micro, unit_price,
		net_minor, tax_minor, tax_rate_id, tax_rate_pct, family, service_start, service_end, subscription_id`, rows)
}

// GetInvoice loads an invoice with its lines.
func (t *Tx) GetInvoice(ctx context.Context, id string) (billing.Invoice, error) {
	var r invoiceRow
	if err := t.get(ctx, &r, `SELECT `+invoiceCols+` FROM invoices WHERE id = ?`, id); err != nil {
		return billing.Invoice{}, getOr(err, "invoice", id)
	}
	inv := r.invoice()
	var lines []struct {
		OrderLineID string            `db:"order_line_id"`
		ProductID   string            `db:"product_id"`
		SKU         string            `db:"sku"`
		Name        string            `db:"name"`
		Qty         quotient.Quantity `db:"quantity_micro"`
		UnitPrice   dbDec             `db:"unit_price"`
		Net         int64             `db:"net_minor"`
		Tax         int64             `db:"tax_minor"`
		TaxRateID   string            `db:"tax_rate_id"`
		TaxRatePct  dbDec             `db:"tax_rate_pct"`
		Family      string            `db:"family"`
		Start       quotient.Date     `db:"service_start"`
		End         quotient.Date     `db:"service_end"`
		Sub         *string           `db:"subscription_id"`
	}
	if err := t.sel(ctx, &lines, `SELECT order_line_id, product_id, sku, name, quantity_micro, unit_price, net_minor, tax_minor, tax_rate_id,
		tax_rate_pct, family, service_start, service_end, subscription_id FROM invoice_lines WHERE invoice_id = ? ORDER BY line_no`, id); err != nil {
		return billing.Invoice{}, err
	}
	for _, l := range lines {
		inv.Lines = append(inv.Lines, billing.InvoiceLine{OrderLineID: l.OrderLineID, ProductID: l.ProductID, SKU: l.SKU, Name: l.Name,
			Quantity: l.Qty, UnitPrice: l.UnitPrice.Decimal, Net: l.Net, Tax: l.Tax, TaxRateID: l.TaxRateID, TaxRatePct: l.TaxRatePct.Decimal,
			Family: l.Family, ServiceStart: l.Start, ServiceEnd: l.End, SubscriptionID: deref(l.Sub)})
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
	where, args = inReach(where, args, f.Reach, "account_id")
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

// SetLinesInvoiced stores how much of order lines is invoiced, in one
// statement.
func (t *Tx) SetLinesInvoiced(ctx context.Context, ls []order.Line) error {
	rows := make([][]any, len(ls))
	for i, l := range ls {
		rows[i] = []any{l.ID, l.Invoiced, l.InvoicedNet, l.InvoicedTax}
	}
	n, err := t.updateRows(ctx, "order_lines", "invoiced_micro = v.column2, invoiced_net_minor = v.column3, invoiced_tax_minor = v.column4",
		"order_lines.id = v.column1", []string{"TEXT", "BIGINT", "BIGINT", "BIGINT"}, rows)
	if err == nil && int(n) != len(ls) {
		err = notFound("order line", ls[0].ID)
	}
	return err
}

var _ billing.Store = (*Tx)(nil)

// OpenInvoices lists an account's invoices in a currency with an amount
// due, oldest due first (locking them on PostgreSQL).
func (t *Tx) OpenInvoices(ctx context.Context, accountID, currency string) ([]billing.Invoice, error) {
	lock := ""
	if t.d == Postgres {
		lock = " FOR UPDATE"
	}
	var rows []invoiceRow
	if err := t.sel(ctx, &rows, `SELECT `+invoiceCols+` FROM invoices WHERE account_id = ? AND currency = ? AND amount_due_minor > 0
		AND status IN ('posted', 'partially_paid') ORDER BY due_date, id`+lock, accountID, currency); err != nil {
		return nil, err
	}
	out := make([]billing.Invoice, len(rows))
	for i, r := range rows {
		out[i] = r.invoice()
	}
	return out, nil
}

// ApplyToInvoice lowers an invoice's amount due by minor, and its base
// amount due by base, if due is still what it owes.
func (t *Tx) ApplyToInvoice(ctx context.Context, invoiceID string, minor, base, due int64, at time.Time) (bool, error) {
	n, err := t.execN(ctx, `UPDATE invoices SET amount_due_minor = amount_due_minor - ?, base_due_minor = base_due_minor - ?,
		status = CASE WHEN amount_due_minor - ? = 0 THEN 'paid' ELSE 'partially_paid' END, version = version + 1, updated_at = ?
		WHERE id = ? AND amount_due_minor = ? AND amount_due_minor >= ?`, minor, base, minor, t.ts(at), invoiceID, due, minor)
	return n == 1, err
}

// InsertPayment stores a payment (its allocations separately).
func (t *Tx) InsertPayment(ctx context.Context, p billing.Payment) error {
	_, err := t.exec(ctx, `INSERT INTO payments (id, account_id, currency, amount_minor, unallocated_minor, received_on, method, reference,
		journal_entry_id, created_by, version, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.ID, p.AccountID, p.Currency, p.Amount,
		p.Unallocated, p.ReceivedOn, p.Method, p.Reference, p.JournalEntryID, p.CreatedBy, p.Version, t.ts(p.CreatedAt))
	return err
}

// InsertAllocation stores an allocation.
func (t *Tx) InsertAllocation(ctx context.Context, a billing.Allocation) error {
	_, err := t.exec(ctx, `INSERT INTO payment_allocations (id, payment_id, invoice_id, amount_minor, applied_on, discount_minor, journal_entry_id, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, a.ID, a.PaymentID, a.InvoiceID, a.Amount, a.AppliedOn, a.Discount, a.JournalEntryID, t.ts(a.CreatedAt))
	return err
}

type paymentRow struct {
	ID             string        `db:"id"`
	AccountID      string        `db:"account_id"`
	Currency       string        `db:"currency"`
	Amount         int64         `db:"amount_minor"`
	Unallocated    int64         `db:"unallocated_minor"`
	ReceivedOn     quotient.Date `db:"received_on"`
	Method         string        `db:"method"`
	Reference      string        `db:"reference"`
	JournalEntryID string        `db:"journal_entry_id"`
	CreatedBy      string        `db:"created_by"`
	Version        int           `db:"version"`
	CreatedAt      dbTime        `db:"created_at"`
}

const paymentCols = `id, account_id, currency, amount_minor, unallocated_minor, received_on, method, reference, journal_entry_id, created_by, version, created_at`

func (r paymentRow) payment() billing.Payment {
	return billing.Payment{ID: r.ID, AccountID: r.AccountID, Currency: r.Currency, Amount: r.Amount, Unallocated: r.Unallocated,
		ReceivedOn: r.ReceivedOn, Method: r.Method, Reference: r.Reference, JournalEntryID: r.JournalEntryID, CreatedBy: r.CreatedBy,
		Version: r.Version, CreatedAt: r.CreatedAt.Time}
}

// GetPayment loads a payment with its allocations.
func (t *Tx) GetPayment(ctx context.Context, id string) (billing.Payment, error) {
	var r paymentRow
	if err := t.get(ctx, &r, `SELECT `+paymentCols+` FROM payments WHERE id = ?`, id); err != nil {
		return billing.Payment{}, getOr(err, "payment", id)
	}
	p := r.payment()
	var rows []struct {
		ID        string        `db:"id"`
		InvoiceID string        `db:"invoice_id"`
		Amount    int64         `db:"amount_minor"`
		Discount  int64         `db:"discount_minor"`
		AppliedOn quotient.Date `db:"applied_on"`
		Entry     string        `db:"journal_entry_id"`
		CreatedAt dbTime        `db:"created_at"`
	}
	if err := t.sel(ctx, &rows, `SELECT id, invoice_id, amount_minor, discount_minor, applied_on, journal_entry_id, created_at FROM payment_allocations
		WHERE payment_id = ? ORDER BY id`, id); err != nil {
		return billing.Payment{}, err
	}
	for _, a := range rows {
		p.Allocations = append(p.Allocations, billing.Allocation{ID: a.ID, PaymentID: id, InvoiceID: a.InvoiceID, Amount: a.Amount,
			Discount: a.Discount, AppliedOn: a.AppliedOn, JournalEntryID: a.Entry, CreatedAt: a.CreatedAt.Time})
	}
	return p, nil
}

// ListPayments lists payments by id.
func (t *Tx) ListPayments(ctx context.Context, accountID string, r quotient.Reach, p quotient.Page) ([]billing.Payment, error) {
	limit, after := p.Limit, p.After
	var where []string
	var args []any
	where, args = eq(where, args, "account_id", accountID)
	where, args = inReach(where, args, r, "account_id")
	var rows []paymentRow
	if err := t.list(ctx, &rows, paymentCols, "payments", where, args, after, limit); err != nil {
		return nil, err
	}
	out := make([]billing.Payment, len(rows))
	for i, r := range rows {
		out[i] = r.payment()
	}
	return out, nil
}

// UseCredit lowers a payment's unallocated amount if it has that much.
func (t *Tx) UseCredit(ctx context.Context, paymentID string, minor int64) (bool, error) {
	n, err := t.execN(ctx, `UPDATE payments SET unallocated_minor = unallocated_minor - ?, version = version + 1
		WHERE id = ? AND unallocated_minor >= ?`, minor, paymentID, minor)
	return n == 1, err
}

var _ billing.PaymentStore = (*Tx)(nil)

// OpenItems lists what each invoice of a currency issued on or before asOf
// still had open on that date, after payments and credit notes.
func (t *Tx) OpenItems(ctx context.Context, currency string, asOf quotient.Date, accountID string) ([]billing.OpenItem, error) {
	account, args := "", []any{asOf, asOf, currency, asOf}
	if accountID != "" {
		account, args = " AND i.account_id = ? ORDER BY i.due_date, i.number", append(args, accountID)
	}
	var rows []struct {
		ID        string        `db:"id"`
		Number    string        `db:"number"`
		AccountID string        `db:"account_id"`
		Name      string        `db:"name"`
		DueDate   quotient.Date `db:"due_date"`
		Open      int64         `db:"open"`
		Total     int64         `db:"total_minor"`
		BaseTotal *int64        `db:"base_total"`
	}
	if err := t.sel(ctx, &rows, `SELECT i.id, i.number, i.account_id, a.name, i.due_date, i.total_minor - COALESCE(p.paid, 0) AS open, i.total_minor,
		(SELECT SUM(l.base_debit_minor) - SUM(l.base_credit_minor) FROM journal_lines l WHERE l.entry_id = i.journal_entry_id AND l.account_code = '1100') AS base_total
		FROM invoices i JOIN accounts a ON a.id = i.account_id
		LEFT JOIN (SELECT invoice_id, SUM(amount) AS paid FROM (
				SELECT invoice_id, amount_minor + discount_minor AS amount FROM payment_allocations WHERE applied_on <= ?
				UNION ALL SELECT invoice_id, amount_minor FROM credit_note_allocations WHERE applied_on <= ?) a GROUP BY invoice_id) p
			ON p.invoice_id = i.id
		WHERE i.currency = ? AND i.issue_date <= ? AND i.status <> 'void' AND i.total_minor - COALESCE(p.paid, 0) <> 0`+account, args...); err != nil {
		return nil, err
	}
	out := make([]billing.OpenItem, len(rows))
	for i, r := range rows {
		out[i] = billing.OpenItem{InvoiceID: r.ID, Number: r.Number, AccountID: r.AccountID, AccountName: r.Name, DueDate: r.DueDate, Open: r.Open,
			Total: r.Total, BaseTotal: -1}
		if r.BaseTotal != nil {
			out[i].BaseTotal = *r.BaseTotal
		}
	}
	return out, nil
}

// InvoiceCurrencies lists the currencies invoices were issued in.
func (t *Tx) InvoiceCurrencies(ctx context.Context) ([]string, error) {
	var out []string
	err := t.sel(ctx, &out, `SELECT DISTINCT currency FROM invoices ORDER BY currency`)
	return out, err
}

// LedgerCurrencies lists the currencies the journal holds postings in.
func (t *Tx) LedgerCurrencies(ctx context.Context) ([]string, error) {
	var out []string
	err := t.sel(ctx, &out, `SELECT DISTINCT currency FROM journal_lines ORDER BY currency`)
	return out, err
}

// AccountCurrencies lists the currencies of an account's invoices and
// payments.
func (t *Tx) AccountCurrencies(ctx context.Context, accountID string) ([]string, error) {
	var out []string
	err := t.sel(ctx, &out, `SELECT currency FROM invoices WHERE account_id = ? UNION SELECT currency FROM payments WHERE account_id = ? ORDER BY 1`,
		accountID, accountID)
	return out, err
}

var _ billing.AgingStore = (*Tx)(nil)

// PostingBreaches names every invoice, payment and credit note that is not
// posted exactly once with its own amount, and every such entry without
// its document.
func (t *Tx) PostingBreaches(ctx context.Context) ([]string, error) {
	checks := []struct{ what, q string }{
		{"invoice %s has no posting of its own", `SELECT i.number FROM invoices i LEFT JOIN journal_entries e ON e.id = i.journal_entry_id
			WHERE e.id IS NULL OR e.source_type <> 'invoice' OR e.source_id <> i.id ORDER BY i.number LIMIT 20`},
		{"invoice %s is posted with a different amount", `SELECT i.number FROM invoices i JOIN journal_lines l ON l.entry_id = i.journal_entry_id
			AND l.account_code = '1100' GROUP BY i.id, i.number, i.total_minor HAVING SUM(l.debit_minor) <> i.total_minor ORDER BY i.number LIMIT 20`},
		{"journal entry %s posts an invoice that does not exist", `SELECT e.id FROM journal_entries e LEFT JOIN invoices i ON i.id = e.source_id
			WHERE e.source_type = 'invoice' AND i.id IS NULL ORDER BY e.id LIMIT 20`},
		{"payment %s has no posting of its own", `SELECT p.id FROM payments p LEFT JOIN journal_entries e ON e.id = p.journal_entry_id
			WHERE e.id IS NULL OR e.source_type <> 'payment' OR e.source_id <> p.id OR e.event <> 'receive' ORDER BY p.id LIMIT 20`},
		{"payment %s is posted with a different amount", `SELECT p.id FROM payments p JOIN journal_lines l ON l.entry_id = p.journal_entry_id
			AND l.account_code = '1000' GROUP BY p.id, p.amount_minor HAVING SUM(l.debit_minor) <> p.amount_minor ORDER BY p.id LIMIT 20`},
		{"credit note %s has no posting of its own", `SELECT c.number FROM credit_notes c LEFT JOIN journal_entries e ON e.id = c.journal_entry_id
			WHERE e.id IS NULL OR e.source_type <> 'credit_note' OR e.source_id <> c.id OR e.event <> 'post' ORDER BY c.number LIMIT 20`},
		{"credit note %s is posted with a different amount", `SELECT c.number FROM credit_notes c JOIN journal_lines l ON l.entry_id = c.journal_entry_id
			AND l.account_code IN ('1100', '2200') GROUP BY c.id, c.number, c.total_minor HAVING SUM(l.credit_minor - l.debit_minor) <> c.total_minor
			ORDER BY c.number LIMIT 20`},
		{"journal entry %s posts a credit note that does not exist", `SELECT e.id FROM journal_entries e LEFT JOIN credit_notes c ON c.id = e.source_id
			WHERE e.source_type = 'credit_note' AND c.id IS NULL ORDER BY e.id LIMIT 20`},
		{"journal entry %s posts a payment that does not exist", `SELECT e.id FROM journal_entries e LEFT JOIN payments p ON p.id = e.source_id
			WHERE e.source_type = 'payment' AND p.id IS NULL ORDER BY e.id LIMIT 20`},
	}
	var out []string
	for _, c := range checks {
		var ids []string
		if err := t.sel(ctx, &ids, c.q); err != nil {
			return nil, err
		}
		for _, id := range ids {
			out = append(out, fmt.Sprintf(c.what, id))
		}
	}
	return out, nil
}

// Receivables sums an account's open invoices and unapplied credits in a
// currency, in one statement over partial indexes of what is open.
func (t *Tx) Receivables(ctx context.Context, accountID, currency string, today, graceDate quotient.Date) (billing.Receivables, error) {
	var r struct {
		Open      int64         `db:"open"`
		Overdue   int64         `db:"overdue"`
		PastGrace int64         `db:"past_grace"`
		Oldest    quotient.Date `db:"oldest"`
		Credits   int64         `db:"credits"`
	}
	if err := t.get(ctx, &r, `SELECT COALESCE(SUM(amount_due_minor), 0) AS open,
		COALESCE(SUM(CASE WHEN due_date < ? THEN amount_due_minor ELSE 0 END), 0) AS overdue,
		COALESCE(SUM(CASE WHEN due_date < ? THEN amount_due_minor ELSE 0 END), 0) AS past_grace,
		MIN(due_date) AS oldest,
		COALESCE((SELECT SUM(unallocated_minor) FROM payments WHERE account_id = ? AND currency = ? AND unallocated_minor > 0), 0)
		+ COALESCE((SELECT SUM(unallocated_minor) FROM credit_notes WHERE account_id = ? AND currency = ? AND unallocated_minor > 0), 0) AS credits
		FROM invoices WHERE account_id = ? AND currency = ? AND amount_due_minor > 0 AND status IN ('posted', 'partially_paid')`,
		today, graceDate, accountID, currency, accountID, currency, accountID, currency); err != nil {
		return billing.Receivables{}, err
	}
	out := billing.Receivables{Open: r.Open, Overdue: r.Overdue, PastGrace: r.PastGrace, Credits: r.Credits}
	out.OldestDueOn = r.Oldest
	return out, nil
}

// LifetimeRevenue is what an account was ever invoiced in a currency, net
// of tax, less its credit notes' net, in minor units.
func (t *Tx) LifetimeRevenue(ctx context.Context, accountID, currency string) (int64, error) {
	var n int64
	err := t.get(ctx, &n, `SELECT COALESCE((SELECT SUM(net_minor) FROM invoices WHERE account_id = ? AND currency = ? AND status <> 'void'), 0)
		- COALESCE((SELECT SUM(net_minor) FROM credit_notes WHERE account_id = ? AND currency = ?), 0)`, accountID, currency, accountID, currency)
	return n, err
}

// UninvoicedOrders is what an account's open orders in a currency will
// still invoice: their totals less what their lines have invoiced.
func (t *Tx) UninvoicedOrders(ctx context.Context, accountID, currency string) (int64, error) {
	var n int64
	err := t.get(ctx, &n, `SELECT COALESCE(SUM(o.total_minor - COALESCE((SELECT SUM(l.invoiced_net_minor + l.invoiced_tax_minor)
		FROM order_lines l WHERE l.order_id = o.id), 0)), 0) FROM orders o
		WHERE o.account_id = ? AND o.currency = ? AND o.status IN ('open', 'partially_fulfilled')`, accountID, currency)
	return n, err
}

var _ billing.ControlStore = (*Tx)(nil)

// OpenQuotes counts an account's quotes whose current version is still
// open (draft to sent) and sums their totals, in minor units by currency.
func (t *Tx) OpenQuotes(ctx context.Context, accountID string) ([]quote.OpenTotal, error) {
	var rows []struct {
		Currency string `db:"currency"`
		N        int64  `db:"n"`
		Total    int64  `db:"total"`
	}
	if err := t.sel(ctx, &rows, `SELECT q.currency, COUNT(*) AS n, COALESCE(SUM(v.total_minor), 0) AS total
		FROM quotes q JOIN quote_versions v ON v.quote_id = q.id AND v.version = q.current_version
		WHERE q.account_id = ? AND v.status IN ('draft', 'pending_approval', 'approved', 'sent') GROUP BY q.currency ORDER BY q.currency`,
		accountID); err != nil {
		return nil, err
	}
	out := make([]quote.OpenTotal, len(rows))
	for i, r := range rows {
		out[i] = quote.OpenTotal{Currency: r.Currency, Count: r.N, Total: r.Total}
	}
	return out, nil
}

// OpenOrderCounts counts an account's open orders and, of them, those held
// for credit.
func (t *Tx) OpenOrderCounts(ctx context.Context, accountID string) (open, held int, err error) {
	var r struct {
		Open int `db:"open"`
		Held int `db:"held"`
	}
	err = t.get(ctx, &r, `SELECT COUNT(*) AS open, COALESCE(SUM(CASE WHEN hold_reason <> '' THEN 1 ELSE 0 END), 0) AS held
		FROM orders WHERE account_id = ? AND status IN ('open', 'partially_fulfilled')`, accountID)
	return r.Open, r.Held, err
}

// statementItems is every document that changed what an account owes in
// a currency ($1 account, $2 currency in each branch).
const statementItems = `
	SELECT issue_date AS day, 0 AS ord, 'invoice' AS kind, id, number, due_date AS due, total_minor AS debit, 0 AS credit
		FROM invoices WHERE account_id = ? AND currency = ? AND status <> 'void'
	UNION ALL SELECT issue_date, 1, 'credit_note', id, number, NULL, 0, total_minor
		FROM credit_notes WHERE account_id = ? AND currency = ?
	UNION ALL SELECT received_on, 2, 'payment', id, reference, NULL, 0, amount_minor
		FROM payments WHERE account_id = ? AND currency = ?
	UNION ALL SELECT a.applied_on, 3, 'discount', a.id, i.number, NULL, 0, a.discount_minor
		FROM payment_allocations a JOIN invoices i ON i.id = a.invoice_id
		WHERE i.account_id = ? AND i.currency = ? AND a.discount_minor > 0`

// StatementItems returns what an account owed in a currency before from,
// and its statement items from from to to.
func (t *Tx) StatementItems(ctx context.Context, accountID, currency string, from, to quotient.Date) (int64, []billing.StatementItem, error) {
	who := []any{accountID, currency, accountID, currency, accountID, currency, accountID, currency}
	var opening int64
	if err := t.get(ctx, &opening, `SELECT COALESCE(SUM(debit - credit), 0) FROM (`+statementItems+`) s WHERE day < ?`,
		append(who, from)...); err != nil {
		return 0, nil, err
	}
	var rows []struct {
		Day    quotient.Date `db:"day"`
		Ord    int           `db:"ord"`
		Kind   string        `db:"kind"`
		ID     string        `db:"id"`
		Number string        `db:"number"`
		Due    quotient.Date `db:"due"`
		Debit  int64         `db:"debit"`
		Credit int64         `db:"credit"`
	}
	if err := t.sel(ctx, &rows, `SELECT day, ord, kind, id, number, due, debit, credit FROM (`+statementItems+`) s
		WHERE day >= ? AND day <= ? ORDER BY day, ord, id`, append(who, from, to)...); err != nil {
		return 0, nil, err
	}
	out := make([]billing.StatementItem, len(rows))
	for i, r := range rows {
		out[i] = billing.StatementItem{Date: r.Day, Kind: r.Kind, ID: r.ID, Number: r.Number, Debit: r.Debit, Credit: r.Credit}
		out[i].DueDate = r.Due
	}
	return opening, out, nil
}

var _ billing.StatementStore = (*Tx)(nil)

// AccountActivity gathers an account's cost of goods shipped (posted to
// 5000 in the cost currency), last payment and backorders.
func (t *Tx) AccountActivity(ctx context.Context, accountID, costCurrency string) (billing.Activity, error) {
	var out billing.Activity
	if err := t.get(ctx, &out.CostOfGoods, `SELECT COALESCE(SUM(l.debit_minor - l.credit_minor), 0) FROM journal_lines l
		JOIN journal_entries e ON e.id = l.entry_id JOIN shipments s ON s.id = e.source_id JOIN orders o ON o.id = s.order_id
		WHERE e.source_type = 'shipment' AND l.account_code = '5000' AND l.currency = ? AND o.account_id = ?`, costCurrency, accountID); err != nil {
		return out, err
	}
	var pays []struct {
		On       quotient.Date `db:"received_on"`
		Amount   int64         `db:"amount_minor"`
		Currency string        `db:"currency"`
	}
	if err := t.sel(ctx, &pays, `SELECT received_on, amount_minor, currency FROM payments WHERE account_id = ? ORDER BY received_on DESC, id DESC LIMIT 1`,
		accountID); err != nil {
		return out, err
	}
	if len(pays) == 1 {
		out.LastPaymentOn, out.LastPaymentAmount, out.LastPaymentIn = pays[0].On, pays[0].Amount, pays[0].Currency
	}
	var bos []struct {
		OrderID  string            `db:"order_id"`
		Number   string            `db:"number"`
		SKU      string            `db:"sku"`
		Quantity quotient.Quantity `db:"micro"`
	}
	if err := t.sel(ctx, &bos, `SELECT o.id AS order_id, o.number, l.sku, l.quantity_micro - l.reserved_micro - l.fulfilled_micro - l.cancelled_micro AS micro
		FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.account_id = ? AND o.status IN ('open', 'partially_fulfilled') AND l.stocked = ?
		AND l.reserved_micro + l.fulfilled_micro + l.cancelled_micro < l.quantity_micro ORDER BY o.number, l.line_no LIMIT 100`, accountID, true); err != nil {
		return out, err
	}
	for _, b := range bos {
		out.Backorders = append(out.Backorders, billing.Backorder{OrderID: b.OrderID, OrderNumber: b.Number, SKU: b.SKU, Quantity: b.Quantity})
	}
	return out, nil
}
