package store

import (
	"context"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/billing"
)

const dunningLevelCols = `id, level, name, days_overdue, subject, body, active, version, created_at, updated_at`

type dunningLevelRow struct {
	ID          string `db:"id"`
	Level       int    `db:"level"`
	Name        string `db:"name"`
	DaysOverdue int    `db:"days_overdue"`
	Subject     string `db:"subject"`
	Body        string `db:"body"`
	Active      bool   `db:"active"`
	Version     int    `db:"version"`
	CreatedAt   dbTime `db:"created_at"`
	UpdatedAt   dbTime `db:"updated_at"`
}

func (r dunningLevelRow) level() billing.DunningLevel {
	return billing.DunningLevel{ID: r.ID, Level: r.Level, Name: r.Name, DaysOverdue: r.DaysOverdue, Subject: r.Subject, Body: r.Body,
		Active: r.Active, Version: r.Version, CreatedAt: r.CreatedAt.Time, UpdatedAt: r.UpdatedAt.Time}
}

// InsertDunningLevel stores a dunning level.
func (t *Tx) InsertDunningLevel(ctx context.Context, l billing.DunningLevel) error {
	_, err := t.exec(ctx, `INSERT INTO dunning_levels (`+dunningLevelCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, l.ID, l.Level, l.Name,
		l.DaysOverdue, l.Subject, l.Body, l.Active, l.Version, t.ts(l.CreatedAt), t.ts(l.UpdatedAt))
	return err
}

// UpdateDunningLevel stores a level if it is still at version old.
func (t *Tx) UpdateDunningLevel(ctx context.Context, l billing.DunningLevel, old int) error {
	return t.versioned(ctx, "dunning_levels", "dunning level", l.ID, `UPDATE dunning_levels SET level = ?, name = ?, days_overdue = ?,
		subject = ?, body = ?, active = ?, version = ?, updated_at = ? WHERE id = ? AND version = ?`, l.Level, l.Name, l.DaysOverdue, l.Subject,
		l.Body, l.Active, l.Version, t.ts(l.UpdatedAt), l.ID, old)
}

// GetDunningLevel loads a level.
func (t *Tx) GetDunningLevel(ctx context.Context, id string) (billing.DunningLevel, error) {
	var r dunningLevelRow
	if err := t.get(ctx, &r, `SELECT `+dunningLevelCols+` FROM dunning_levels WHERE id = ?`, id); err != nil {
		return billing.DunningLevel{}, getOr(err, "dunning level", id)
	}
	return r.level(), nil
}

// ListDunningLevels lists every level by level.
func (t *Tx) ListDunningLevels(ctx context.Context) ([]billing.DunningLevel, error) {
	var rows []dunningLevelRow
	if err := t.sel(ctx, &rows, `SELECT `+dunningLevelCols+` FROM dunning_levels ORDER BY level`); err != nil {
		return nil, err
	}
	out := make([]billing.DunningLevel, len(rows))
	for i, r := range rows {
		out[i] = r.level()
	}
	return out, nil
}

// OverdueInvoices lists open invoices due before day with their account's
// name and the highest dunning level each has had.
func (t *Tx) OverdueInvoices(ctx context.Context, day quotient.Date) ([]billing.Overdue, error) {
	var rows []struct {
		invoiceRow
		Account   string `db:"account_name"`
		LastLevel int    `db:"last_level"`
	}
	if err := t.sel(ctx, &rows, `SELECT `+prefixed("i.", invoiceCols)+`, a.name AS account_name, COALESCE(MAX(n.level), 0) AS last_level
		FROM invoices i JOIN accounts a ON a.id = i.account_id LEFT JOIN dunning_notices n ON n.invoice_id = i.id
		WHERE i.amount_due_minor > 0 AND i.status IN ('posted', 'partially_paid') AND i.due_date < ?
		GROUP BY `+prefixed("i.", invoiceCols)+`, a.name ORDER BY i.due_date, i.number`, day); err != nil {
		return nil, err
	}
	out := make([]billing.Overdue, len(rows))
	for i, r := range rows {
		out[i] = billing.Overdue{Invoice: r.invoice(), Account: r.Account, LastLevel: r.LastLevel}
	}
	return out, nil
}

// DunningEmail is the e-mail address of an account's first contact that
// has one.
func (t *Tx) DunningEmail(ctx context.Context, accountID string) (string, error) {
	var emails []string
	if err := t.sel(ctx, &emails, `SELECT email FROM contacts WHERE account_id = ? AND email <> '' ORDER BY id LIMIT 1`, accountID); err != nil {
		return "", err
	}
	if len(emails) == 0 {
		return "", nil
	}
	return emails[0], nil
}

// InsertDunningNotice records a notice unless the invoice had its level.
func (t *Tx) InsertDunningNotice(ctx context.Context, n billing.DunningNotice) (bool, error) {
	c, err := t.execN(ctx, `INSERT INTO dunning_notices (id, invoice_id, level_id, level, level_name, days_overdue, sent_to, outbox_id, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (invoice_id, level) DO NOTHING`, n.ID, n.InvoiceID, n.LevelID, n.Level, n.LevelName,
		n.DaysOverdue, n.SentTo, nullable(n.OutboxID), t.ts(n.CreatedAt))
	return c == 1, err
}

// DunningNotices lists an invoice's notices with their e-mail's status.
func (t *Tx) DunningNotices(ctx context.Context, invoiceID string) ([]billing.DunningNotice, error) {
	var rows []struct {
		ID          string  `db:"id"`
		LevelID     string  `db:"level_id"`
		Level       int     `db:"level"`
		LevelName   string  `db:"level_name"`
		DaysOverdue int     `db:"days_overdue"`
		SentTo      string  `db:"sent_to"`
		OutboxID    *string `db:"outbox_id"`
		Status      *string `db:"status"`
		CreatedAt   dbTime  `db:"created_at"`
	}
	if err := t.sel(ctx, &rows, `SELECT n.id, n.level_id, n.level, n.level_name, n.days_overdue, n.sent_to, n.outbox_id, o.status, n.created_at
		FROM dunning_notices n LEFT JOIN outbox o ON o.id = n.outbox_id WHERE n.invoice_id = ? ORDER BY n.created_at, n.level`, invoiceID); err != nil {
		return nil, err
	}
	out := make([]billing.DunningNotice, len(rows))
	for i, r := range rows {
		out[i] = billing.DunningNotice{ID: r.ID, InvoiceID: invoiceID, LevelID: r.LevelID, Level: r.Level, LevelName: r.LevelName,
			DaysOverdue: r.DaysOverdue, SentTo: r.SentTo, OutboxID: deref(r.OutboxID), MailStatus: deref(r.Status), CreatedAt: r.CreatedAt.Time}
	}
	return out, nil
}

// ClaimDay records that a daily job runs on day; only the first caller of
// a day gets true (the row stays locked until its transaction ends).
func (t *Tx) ClaimDay(ctx context.Context, job string, day quotient.Date) (bool, error) {
	name := "daily:" + job
	if _, err := t.PutSettingIfAbsent(ctx, name, ""); err != nil {
		return false, err
	}
	n, err := t.execN(ctx, `UPDATE settings SET value = ? WHERE name = ? AND value < ?`, day.String(), name, day.String())
	return n == 1, err
}

var _ billing.DunningStore = (*Tx)(nil)
