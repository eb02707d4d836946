package store

import (
	"context"
	"strings"

	"github.com/quotient-cpq/quotient/revenue"
)

type recognitionRow struct {
	InvoiceID   string  `db:"invoice_id"`
	LineNo      int     `db:"line_no"`
	Month       string  `db:"month"`
	Currency    string  `db:"currency"`
	AccountCode string  `db:"account_code"`
	Amount      int64   `db:"amount_minor"`
	Base        int64   `db:"base_minor"`
	EntryID     *string `db:"entry_id"`
}

const recognitionCols = `invoice_id, line_no, month, currency, account_code, amount_minor, base_minor, entry_id`

func (r recognitionRow) row() revenue.Row {
	return revenue.Row{InvoiceID: r.InvoiceID, LineNo: r.LineNo, Month: r.Month, Currency: r.Currency, AccountCode: r.AccountCode,
		Amount: r.Amount, Base: r.Base, EntryID: deref(r.EntryID)}
}

func recognitionRows(rows []recognitionRow) []revenue.Row {
	out := make([]revenue.Row, len(rows))
	for i, r := range rows {
		out[i] = r.row()
	}
	return out
}

// InsertScheduleRows stores an invoice's revenue schedule.
func (t *Tx) InsertScheduleRows(ctx context.Context, rows []revenue.Row) error {
	if len(rows) == 0 {
		return nil
	}
	vals := make([][]any, len(rows))
	for i, r := range rows {
		vals[i] = []any{r.InvoiceID, r.LineNo, r.Month, r.Currency, r.AccountCode, r.Amount, r.Base, nil}
	}
	err := t.insertRows(ctx, "revenue_schedules", recognitionCols, vals)
	return conflictAs(err, "invoice_id", "invoice %s has a revenue schedule", rows[0].InvoiceID)
}

// OpenSchedule claims the unrecognised rows, of months up to through, of
// at most limit invoices. On PostgreSQL the invoices are locked and those
// another transaction holds skipped (FOR UPDATE SKIP LOCKED), so two
// workers never split an invoice's month; SQLite's single writer
// serializes them.
func (t *Tx) OpenSchedule(ctx context.Context, through string, limit int) ([]revenue.Row, error) {
	lock := ""
	if t.d == Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	var ids []string
	if err := t.sel(ctx, &ids, `SELECT id FROM invoices WHERE id IN (SELECT DISTINCT invoice_id FROM revenue_schedules
		WHERE entry_id IS NULL AND month <= ? ORDER BY invoice_id LIMIT ?) ORDER BY id`+lock, through, limit); err != nil || len(ids) == 0 {
		return nil, err
	}
	args := []any{through}
	ph := make([]string, len(ids))
	for i, id := range ids {
		ph[i] = "?"
		args = append(args, id)
	}
	var rows []recognitionRow
	err := t.sel(ctx, &rows, `SELECT `+recognitionCols+` FROM revenue_schedules WHERE entry_id IS NULL AND month <= ?
		AND invoice_id IN (`+strings.Join(ph, ",")+`) ORDER BY invoice_id, month, line_no`, args...)
	return recognitionRows(rows), err
}

// MarkRecognised records the entry that recognised an invoice's month.
func (t *Tx) MarkRecognised(ctx context.Context, invoiceID, month, entryID string) error {
	_, err := t.exec(ctx, `UPDATE revenue_schedules SET entry_id = ? WHERE invoice_id = ? AND month = ? AND entry_id IS NULL`,
		entryID, invoiceID, month)
	return err
}

// Waterfall sums the schedule by month and currency.
func (t *Tx) Waterfall(ctx context.Context, from, to string) ([]revenue.Month, error) {
	var rows []struct {
		Month      string `db:"month"`
		Currency   string `db:"currency"`
		Scheduled  int64  `db:"scheduled"`
		Recognised int64  `db:"recognised"`
	}
	if err := t.sel(ctx, &rows, `SELECT month, currency, SUM(amount_minor) AS scheduled,
		SUM(CASE WHEN entry_id IS NULL THEN 0 ELSE amount_minor END) AS recognised
		FROM revenue_schedules WHERE month >= ? AND month <= ? GROUP BY month, currency ORDER BY month, currency`, from, to); err != nil {
		return nil, err
	}
	out := make([]revenue.Month, len(rows))
	for i, r := range rows {
		out[i] = revenue.Month(r)
	}
	return out, nil
}

// Unrecognised sums what the schedule has not recognised, by currency.
func (t *Tx) Unrecognised(ctx context.Context) (map[string]int64, error) {
	var rows []struct {
		Currency string `db:"currency"`
		Amount   int64  `db:"amount"`
	}
	if err := t.sel(ctx, &rows, `SELECT currency, SUM(amount_minor) AS amount FROM revenue_schedules WHERE entry_id IS NULL GROUP BY currency`); err != nil {
		return nil, err
	}
	out := map[string]int64{}
	for _, r := range rows {
		out[r.Currency] = r.Amount
	}
	return out, nil
}

// InvoiceSchedule loads an invoice's schedule.
func (t *Tx) InvoiceSchedule(ctx context.Context, invoiceID string) ([]revenue.Row, error) {
	var rows []recognitionRow
	err := t.sel(ctx, &rows, `SELECT `+recognitionCols+` FROM revenue_schedules WHERE invoice_id = ? ORDER BY line_no, month`, invoiceID)
	return recognitionRows(rows), err
}
