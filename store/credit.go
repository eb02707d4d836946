package store

import (
	"context"
	"fmt"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/billing"
)

// LockInvoice loads an invoice with its lines, locking its row on
// PostgreSQL (SQLite transactions already write one at a time).
func (t *Tx) LockInvoice(ctx context.Context, id string) (billing.Invoice, error) {
	if t.d == Postgres {
		var got string
		if err := t.get(ctx, &got, `SELECT id FROM invoices WHERE id = ? FOR UPDATE`, id); err != nil {
			return billing.Invoice{}, getOr(err, "invoice", id)
		}
	}
	return t.GetInvoice(ctx, id)
}

// CreditedLines sums an invoice's credit notes by invoice line.
func (t *Tx) CreditedLines(ctx context.Context, invoiceID string) (map[int]billing.Credited, error) {
	var rows []struct {
		Line int               `db:"invoice_line_no"`
		Qty  quotient.Quantity `db:"q"`
		Net  int64             `db:"net"`
		Tax  int64             `db:"tax"`
	}
	if err := t.sel(ctx, &rows, `SELECT l.invoice_line_no, SUM(l.quantity_micro) AS q, SUM(l.net_minor) AS net, SUM(l.tax_minor) AS tax
		FROM credit_note_lines l JOIN credit_notes c ON c.id = l.credit_note_id WHERE c.invoice_id = ? GROUP BY l.invoice_line_no`, invoiceID); err != nil {
		return nil, err
	}
	out := make(map[int]billing.Credited, len(rows))
	for _, r := range rows {
		out[r.Line] = billing.Credited{Quantity: r.Qty, Net: r.Net, Tax: r.Tax}
	}
	return out, nil
}

// UnrecognisedSchedule is an invoice line's months not recognised yet,
// latest first.
func (t *Tx) UnrecognisedSchedule(ctx context.Context, invoiceID string, line int) ([]billing.ScheduleMonth, error) {
	var rows []struct {
		Month  string `db:"month"`
		Amount int64  `db:"amount_minor"`
		Base   int64  `db:"base_minor"`
	}
	if err := t.sel(ctx, &rows, `SELECT month, amount_minor, base_minor FROM revenue_schedules
		WHERE invoice_id = ? AND line_no = ? AND entry_id IS NULL ORDER BY month DESC`, invoiceID, line); err != nil {
		return nil, err
	}
	out := make([]billing.ScheduleMonth, len(rows))
	for i, r := range rows {
		out[i] = billing.ScheduleMonth(r)
	}
	return out, nil
}

// ReduceSchedule lowers a month of an invoice line's schedule not
// recognised yet; a month left with nothing is deleted.
func (t *Tx) ReduceSchedule(ctx context.Context, invoiceID string, line int, month string, amount, base int64) error {
	res, err := t.exec(ctx, `UPDATE revenue_schedules SET amount_minor = amount_minor - ?, base_minor = base_minor - ?
		WHERE invoice_id = ? AND line_no = ? AND month = ? AND entry_id IS NULL AND amount_minor >= ?`, amount, base, invoiceID, line, month, amount)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return fmt.Errorf("store: the schedule of line %d of invoice %s for %s changed meanwhile", line, invoiceID, month)
	}
	_, err = t.exec(ctx, `DELETE FROM revenue_schedules WHERE invoice_id = ? AND line_no = ? AND month = ? AND entry_id IS NULL
		AND amount_minor = 0 AND base_minor = 0`, invoiceID, line, month)
	return err
}

const (
	creditNoteCols = `id, number, invoice_id, invoice_number, account_id, currency, issue_date, reason, net_minor, tax_minor, total_minor,
	applied_minor, unallocated_minor, journal_entry_id, created_by, version, created_at`
	// creditNotes is the credit notes with their invoice's number.
	creditNotes = `(SELECT c.*, i.number AS invoice_number FROM credit_notes c JOIN invoices i ON i.id = c.invoice_id) cn`
)

type creditNoteRow struct {
	ID             string        `db:"id"`
	Number         string        `db:"number"`
	InvoiceID      string        `db:"invoice_id"`
	InvoiceNumber  string        `db:"invoice_number"`
	AccountID      string        `db:"account_id"`
	Currency       string        `db:"currency"`
	IssueDate      quotient.Date `db:"issue_date"`
	Reason         string        `db:"reason"`
	Net            int64         `db:"net_minor"`
	Tax            int64         `db:"tax_minor"`
	Total          int64         `db:"total_minor"`
	Applied        int64         `db:"applied_minor"`
	Unallocated    int64         `db:"unallocated_minor"`
	JournalEntryID string        `db:"journal_entry_id"`
	CreatedBy      string        `db:"created_by"`
	Version        int           `db:"version"`
	CreatedAt      dbTime        `db:"created_at"`
}

func (r creditNoteRow) note() billing.CreditNote {
	return billing.CreditNote{ID: r.ID, Number: r.Number, InvoiceID: r.InvoiceID, InvoiceNumber: r.InvoiceNumber, AccountID: r.AccountID,
		Currency: r.Currency, IssueDate: r.IssueDate, Reason: r.Reason, Net: r.Net, Tax: r.Tax, Total: r.Total, Applied: r.Applied,
		Unallocated: r.Unallocated, JournalEntryID: r.JournalEntryID, CreatedBy: r.CreatedBy, Version: r.Version, CreatedAt: r.CreatedAt.Time}
}

// InsertCreditNote stores a credit note with its lines.
func (t *Tx) InsertCreditNote(ctx context.Context, cn billing.CreditNote) error {
	if _, err := t.exec(ctx, `INSERT INTO credit_notes (id, number, invoice_id, account_id, currency, issue_date, reason, net_minor, tax_minor,
		total_minor, applied_minor, unallocated_minor, journal_entry_id, created_by, version, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, cn.ID, cn.Number, cn.InvoiceID, cn.AccountID, cn.Currency, cn.IssueDate,
		cn.Reason, cn.Net, cn.Tax, cn.Total, cn.Applied, cn.Unallocated, cn.JournalEntryID, cn.CreatedBy, cn.Version, t.ts(cn.CreatedAt)); err != nil {
		return err
	}
	for i, l := range cn.Lines {
		if _, err := t.exec(ctx, `INSERT INTO credit_note_lines (credit_note_id, line_no, invoice_line_no, order_line_id, sku, name, quantity_micro,
			net_minor, tax_minor, tax_rate_id, tax_rate_pct, family) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, cn.ID, i+1, l.InvoiceLine,
			l.OrderLineID, l.SKU, l.Name, l.Quantity, l.Net, l.Tax, l.TaxRateID, dec(l.TaxRatePct), l.Family); err != nil {
			return err
		}
	}
	return nil
}

// InsertCreditAllocation stores where part of a credit note went.
func (t *Tx) InsertCreditAllocation(ctx context.Context, creditNoteID string, a billing.Allocation) error {
	_, err := t.exec(ctx, `INSERT INTO credit_note_allocations (id, credit_note_id, invoice_id, amount_minor, applied_on, journal_entry_id, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, a.ID, creditNoteID, a.InvoiceID, a.Amount, a.AppliedOn, a.JournalEntryID, t.ts(a.CreatedAt))
	return err
}

// GetCreditNote loads a credit note with its lines and allocations.
func (t *Tx) GetCreditNote(ctx context.Context, id string) (billing.CreditNote, error) {
	var r creditNoteRow
	if err := t.get(ctx, &r, `SELECT `+creditNoteCols+` FROM `+creditNotes+` WHERE id = ?`, id); err != nil {
		return billing.CreditNote{}, getOr(err, "credit note", id)
	}
	cn := r.note()
	var lines []struct {
		InvoiceLine int               `db:"invoice_line_no"`
		OrderLineID string            `db:"order_line_id"`
		SKU         string            `db:"sku"`
		Name        string            `db:"name"`
		Qty         quotient.Quantity `db:"quantity_micro"`
		Net         int64             `db:"net_minor"`
		Tax         int64             `db:"tax_minor"`
		TaxRateID   string            `db:"tax_rate_id"`
		TaxRatePct  dbDec             `db:"tax_rate_pct"`
		Family      string            `db:"family"`
	}
	if err := t.sel(ctx, &lines, `SELECT invoice_line_no, order_line_id, sku, name, quantity_micro, net_minor, tax_minor, tax_rate_id, tax_rate_pct, family
		FROM credit_note_lines WHERE credit_note_id = ? ORDER BY line_no`, id); err != nil {
		return billing.CreditNote{}, err
	}
	for _, l := range lines {
		cn.Lines = append(cn.Lines, billing.CreditLine{InvoiceLine: l.InvoiceLine, OrderLineID: l.OrderLineID, SKU: l.SKU, Name: l.Name, Quantity: l.Qty, Net: l.Net,
			Tax: l.Tax, TaxRateID: l.TaxRateID, TaxRatePct: l.TaxRatePct.Decimal, Family: l.Family})
	}
	var als []struct {
		ID        string        `db:"id"`
		InvoiceID string        `db:"invoice_id"`
		Amount    int64         `db:"amount_minor"`
		AppliedOn quotient.Date `db:"applied_on"`
		Entry     string        `db:"journal_entry_id"`
		CreatedAt dbTime        `db:"created_at"`
	}
	if err := t.sel(ctx, &als, `SELECT id, invoice_id, amount_minor, applied_on, journal_entry_id, created_at FROM credit_note_allocations
		WHERE credit_note_id = ? ORDER BY created_at, id`, id); err != nil {
		return billing.CreditNote{}, err
	}
	for _, a := range als {
		cn.Allocations = append(cn.Allocations, billing.Allocation{ID: a.ID, InvoiceID: a.InvoiceID, Amount: a.Amount, AppliedOn: a.AppliedOn,
			JournalEntryID: a.Entry, CreatedAt: a.CreatedAt.Time})
	}
	return cn, nil
}

// ListCreditNotes lists credit note headers by id.
func (t *Tx) ListCreditNotes(ctx context.Context, accountID, invoiceID string, r quotient.Reach, p quotient.Page) ([]billing.CreditNote, error) {
	limit, after := p.Limit, p.After
	var where []string
	var args []any
	where, args = eq(where, args, "account_id", accountID)
	where, args = eq(where, args, "invoice_id", invoiceID)
	where, args = inReach(where, args, r, "account_id")
	var rows []creditNoteRow
	if err := t.list(ctx, &rows, creditNoteCols, creditNotes, where, args, after, limit); err != nil {
		return nil, err
	}
	out := make([]billing.CreditNote, len(rows))
	for i, r := range rows {
		out[i] = r.note()
	}
	return out, nil
}

// UseCreditNote lowers a credit note's unallocated amount if it has that much.
func (t *Tx) UseCreditNote(ctx context.Context, id string, minor int64) (bool, error) {
	n, err := t.execN(ctx, `UPDATE credit_notes SET unallocated_minor = unallocated_minor - ?, version = version + 1
		WHERE id = ? AND unallocated_minor >= ?`, minor, id, minor)
	return n == 1, err
}

var _ billing.CreditStore = (*Tx)(nil)
