package store

import (
	"context"

	"github.com/quotient-cpq/quotient/crm"
)

const caseCols = `id, account_id, contact_id, subject, description, priority, status, owner_id, closed_at, version, created_at, updated_at`

type caseRow struct {
	ID          string  `db:"id"`
	AccountID   string  `db:"account_id"`
	ContactID   *string `db:"contact_id"`
	Subject     string  `db:"subject"`
	Description string  `db:"description"`
	Priority    string  `db:"priority"`
	Status      string  `db:"status"`
	OwnerID     string  `db:"owner_id"`
	ClosedAt    dbTime  `db:"closed_at"`
	Version     int     `db:"version"`
	CreatedAt   dbTime  `db:"created_at"`
	UpdatedAt   dbTime  `db:"updated_at"`
}

func (r caseRow) supportCase() crm.Case {
	return crm.Case{ID: r.ID, AccountID: r.AccountID, ContactID: deref(r.ContactID), Subject: r.Subject, Description: r.Description,
		Priority: r.Priority, Status: r.Status, OwnerID: r.OwnerID, ClosedAt: r.ClosedAt.ptr(), Version: r.Version, CreatedAt: r.CreatedAt.Time,
		UpdatedAt: r.UpdatedAt.Time}
}

// InsertCase stores a support case.
func (t *Tx) InsertCase(ctx context.Context, c crm.Case) error {
	_, err := t.exec(ctx, `INSERT INTO support_cases (`+caseCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, c.ID, c.AccountID,
		nullable(c.ContactID), c.Subject, c.Description, c.Priority, c.Status, c.OwnerID, t.tsPtr(c.ClosedAt), c.Version, t.ts(c.CreatedAt), t.ts(c.UpdatedAt))
	return err
}

// GetCase loads a support case.
func (t *Tx) GetCase(ctx context.Context, id string) (crm.Case, error) {
	var r caseRow
	if err := t.get(ctx, &r, `SELECT `+caseCols+` FROM support_cases WHERE id = ?`, id); err != nil {
		return crm.Case{}, getOr(err, "case", id)
	}
	return r.supportCase(), nil
}

// UpdateCase stores a case if it is still at version old.
func (t *Tx) UpdateCase(ctx context.Context, c crm.Case, old int) error {
	return t.versioned(ctx, "support_cases", "case", c.ID, `UPDATE support_cases SET contact_id = ?, subject = ?, description = ?, priority = ?,
		status = ?, owner_id = ?, closed_at = ?, version = ?, updated_at = ? WHERE id = ? AND version = ?`, nullable(c.ContactID), c.Subject,
		c.Description, c.Priority, c.Status, c.OwnerID, t.tsPtr(c.ClosedAt), c.Version, t.ts(c.UpdatedAt), c.ID, old)
}

// ListCases lists cases by id.
func (t *Tx) ListCases(ctx context.Context, f crm.CaseFilter) ([]crm.Case, error) {
	var where []string
	var args []any
	where, args = eq(where, args, "account_id", f.AccountID)
	where, args = eq(where, args, "status", f.Status)
	where, args = eq(where, args, "owner_id", f.OwnerID)
	var rows []caseRow
	if err := t.list(ctx, &rows, caseCols, "support_cases", where, args, f.After, f.Limit); err != nil {
		return nil, err
	}
	out := make([]crm.Case, len(rows))
	for i, r := range rows {
		out[i] = r.supportCase()
	}
	return out, nil
}

var _ crm.CaseStore = (*Tx)(nil)
