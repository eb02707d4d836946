package store

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/billing"
)

type bankStatementRow struct {
	ID          string        `db:"id"`
	AccountCode string        `db:"account_code"`
	Currency    string        `db:"currency"`
	Format      string        `db:"format"`
	Reference   string        `db:"reference"`
	Hash        string        `db:"content_sha256"`
	Opening     int64         `db:"opening_minor"`
	Closing     *int64        `db:"closing_minor"`
	ClosingDate quotient.Date `db:"closing_date"`
	Duplicates  int           `db:"duplicates"`
	CreatedBy   string        `db:"created_by"`
	CreatedAt   dbTime        `db:"created_at"`
}

const bankStatementCols = `id, account_code, currency, format, reference, content_sha256, opening_minor, closing_minor, closing_date, duplicates, created_by, created_at`

func (r bankStatementRow) statement() billing.BankStatement {
	return billing.BankStatement{ID: r.ID, AccountCode: r.AccountCode, Currency: r.Currency, Format: r.Format, Reference: r.Reference, ContentHash: r.Hash,
		Opening: r.Opening, Closing: r.Closing, ClosingDate: r.ClosingDate, Duplicates: r.Duplicates, CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt.Time}
}

type bankLineRow struct {
	ID           string        `db:"id"`
	StatementID  string        `db:"statement_id"`
	LineNo       int           `db:"line_no"`
	Key          string        `db:"line_key"`
	BookedOn     quotient.Date `db:"booked_on"`
	Amount       int64         `db:"amount_minor"`
	Reference    string        `db:"reference"`
	Counterparty string        `db:"counterparty"`
	Description  string        `db:"description"`
	Status       string        `db:"status"`
	PaymentID    *string       `db:"payment_id"`
	Confirmed    bool          `db:"confirmed"`
	Reason       string        `db:"reason"`
	Proposals    string        `db:"proposals"`
	SplitOf      *string       `db:"split_of"`
	UpdatedAt    dbTime        `db:"updated_at"`
}

const bankLineCols = `id, statement_id, line_no, line_key, booked_on, amount_minor, reference, counterparty, description, status, payment_id, confirmed,
	reason, proposals, split_of, updated_at`

func (r bankLineRow) line() (billing.BankLine, error) {
	l := billing.BankLine{ID: r.ID, StatementID: r.StatementID, LineNo: r.LineNo, Key: r.Key, BookedOn: r.BookedOn, Amount: r.Amount,
		Reference: r.Reference, Counterparty: r.Counterparty, Description: r.Description, Status: r.Status, Confirmed: r.Confirmed, Reason: r.Reason,
		UpdatedAt: r.UpdatedAt.Time}
	if r.PaymentID != nil {
		l.PaymentID = *r.PaymentID
	}
	if r.SplitOf != nil {
		l.SplitOf = *r.SplitOf
	}
	return l, json.Unmarshal([]byte(r.Proposals), &l.Proposals)
}

func proposalsText(ps []billing.Proposal) string {
	if len(ps) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(ps)
	return string(b)
}

// BankStatementByHash finds the statement a file made for a cash account.
func (t *Tx) BankStatementByHash(ctx context.Context, accountCode, hash string) (billing.BankStatement, bool, error) {
	var rows []bankStatementRow
	if err := t.sel(ctx, &rows, `SELECT `+bankStatementCols+` FROM bank_statements WHERE account_code = ? AND content_sha256 = ?`, accountCode, hash); err != nil || len(rows) == 0 {
		return billing.BankStatement{}, false, err
	}
	bs, err := t.GetBankStatement(ctx, rows[0].ID)
	return bs, err == nil, err
}

// InsertBankStatement stores a statement's header.
func (t *Tx) InsertBankStatement(ctx context.Context, s billing.BankStatement) error {
	_, err := t.exec(ctx, `INSERT INTO bank_statements (`+bankStatementCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, s.ID, s.AccountCode, s.Currency,
		s.Format, s.Reference, s.ContentHash, s.Opening, s.Closing, s.ClosingDate, 0, s.CreatedBy, t.ts(s.CreatedAt))
	return conflictAs(err, "content", "this file was imported already")
}

// InsertBankLines stores lines but those whose key the account has, in
// batches, and reports which it stored.
func (t *Tx) InsertBankLines(ctx context.Context, accountCode, currency string, ls []billing.BankLine) ([]bool, error) {
	out := make([]bool, len(ls))
	at := make(map[string]int, len(ls))
	const batch = 200
	dup := 0
	for start := 0; start < len(ls); start += batch {
		part := ls[start:min(start+batch, len(ls))]
		var b strings.Builder
		b.WriteString(`INSERT INTO bank_lines (id, statement_id, line_no, account_code, currency, line_key, booked_on, amount_minor, reference, counterparty,
			description, status, payment_id, confirmed, reason, proposals, split_of, updated_at) VALUES `)
		args := make([]any, 0, len(part)*18)
		for i, l := range part {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
			args = append(args, l.ID, l.StatementID, l.LineNo, accountCode, currency, l.Key, l.BookedOn, l.Amount, l.Reference, l.Counterparty,
				l.Description, l.Status, nullable(l.PaymentID), l.Confirmed, l.Reason, proposalsText(l.Proposals), nullable(l.SplitOf), t.ts(l.UpdatedAt))
			at[l.ID] = start + i
		}
		b.WriteString(` ON CONFLICT (account_code, currency, line_key) DO NOTHING RETURNING id`)
		var ids []string
		if err := t.sel(ctx, &ids, b.String(), args...); err != nil {
			return nil, err
		}
		for _, id := range ids {
			out[at[id]] = true
		}
		dup += len(part) - len(ids)
	}
	if dup > 0 && len(ls) > 0 {
		if _, err := t.exec(ctx, `UPDATE bank_statements SET duplicates = duplicates + ? WHERE id = ?`, dup, ls[0].StatementID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// GetBankStatement loads a statement with its lines.
func (t *Tx) GetBankStatement(ctx context.Context, id string) (billing.BankStatement, error) {
	var r bankStatementRow
	if err := t.get(ctx, &r, `SELECT `+bankStatementCols+` FROM bank_statements WHERE id = ?`, id); err != nil {
		return billing.BankStatement{}, getOr(err, "bank statement", id)
	}
	bs := r.statement()
	var rows []bankLineRow
	if err := t.sel(ctx, &rows, `SELECT `+bankLineCols+` FROM bank_lines WHERE statement_id = ? ORDER BY line_no, split_of, id`, id); err != nil {
		return bs, err
	}
	lines, err := bankLines(rows)
	bs.Lines = lines
	return bs, err
}

// ListBankStatements lists statements newest first, without lines.
func (t *Tx) ListBankStatements(ctx context.Context, p quotient.Page) ([]billing.BankStatement, error) {
	where, args := []string{}, []any{}
	if p.After != "" {
		where, args = append(where, "id < ?"), append(args, p.After)
	}
	q := `SELECT ` + bankStatementCols + ` FROM bank_statements`
	if len(where) > 0 {
		q += " WHERE " + where[0]
	}
	limit := p.Limit
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	var rows []bankStatementRow
	if err := t.sel(ctx, &rows, q+` ORDER BY id DESC LIMIT ?`, append(args, limit)...); err != nil {
		return nil, err
	}
	out := make([]billing.BankStatement, len(rows))
	for i, r := range rows {
		out[i] = r.statement()
	}
	return out, nil
}

// GetBankLine loads a line of a statement.
func (t *Tx) GetBankLine(ctx context.Context, statementID, lineID string) (billing.BankLine, error) {
	var r bankLineRow
	if err := t.get(ctx, &r, `SELECT `+bankLineCols+` FROM bank_lines WHERE id = ? AND statement_id = ?`, lineID, statementID); err != nil {
		return billing.BankLine{}, getOr(err, "bank statement line", lineID)
	}
	return r.line()
}

// UpdateBankLine stores a line's status, match and reason.
func (t *Tx) UpdateBankLine(ctx context.Context, l billing.BankLine) error {
	_, err := t.exec(ctx, `UPDATE bank_lines SET status = ?, payment_id = ?, confirmed = ?, reason = ?, proposals = ?, updated_at = ? WHERE id = ?`,
		l.Status, nullable(l.PaymentID), l.Confirmed, l.Reason, proposalsText(l.Proposals), t.ts(l.UpdatedAt), l.ID)
	return conflictAs(err, "payment_id", "the payment is matched to another bank line")
}

// OpenInvoicesIn lists every invoice in a currency with an amount due.
func (t *Tx) OpenInvoicesIn(ctx context.Context, currency string) ([]billing.OpenInvoice, error) {
	var rows []struct {
		ID        string        `db:"id"`
		Number    string        `db:"number"`
		AccountID string        `db:"account_id"`
		Name      string        `db:"name"`
		Due       int64         `db:"amount_due_minor"`
		DueDate   quotient.Date `db:"due_date"`
	}
	if err := t.sel(ctx, &rows, `SELECT i.id, i.number, i.account_id, a.name, i.amount_due_minor, i.due_date FROM invoices i JOIN accounts a ON a.id = i.account_id
		WHERE i.currency = ? AND i.amount_due_minor > 0 AND i.status <> 'void' ORDER BY i.due_date, i.number`, currency); err != nil {
		return nil, err
	}
	out := make([]billing.OpenInvoice, len(rows))
	for i, r := range rows {
		out[i] = billing.OpenInvoice{ID: r.ID, Number: r.Number, AccountID: r.AccountID, AccountName: r.Name, AmountDue: r.Due, DueDate: r.DueDate}
	}
	return out, nil
}

// UnmatchedPayments lists the payments in a currency received between two
// dates that no bank line is matched to.
func (t *Tx) UnmatchedPayments(ctx context.Context, currency string, from, to quotient.Date) ([]billing.UnmatchedPayment, error) {
	var rows []struct {
		ID         string        `db:"id"`
		AccountID  string        `db:"account_id"`
		Name       string        `db:"name"`
		Reference  string        `db:"reference"`
		Amount     int64         `db:"amount_minor"`
		ReceivedOn quotient.Date `db:"received_on"`
	}
	if err := t.sel(ctx, &rows, `SELECT p.id, p.account_id, a.name, p.reference, p.amount_minor, p.received_on FROM payments p JOIN accounts a ON a.id = p.account_id
		WHERE p.currency = ? AND p.received_on >= ? AND p.received_on <= ? AND NOT EXISTS (SELECT 1 FROM bank_lines b WHERE b.payment_id = p.id)
		ORDER BY p.received_on, p.id`, currency, from, to); err != nil {
		return nil, err
	}
	out := make([]billing.UnmatchedPayment, len(rows))
	for i, r := range rows {
		out[i] = billing.UnmatchedPayment{ID: r.ID, AccountID: r.AccountID, AccountName: r.Name, Reference: r.Reference, Amount: r.Amount, ReceivedOn: r.ReceivedOn}
	}
	return out, nil
}

// BankLinesBetween lists the lines booked between two dates.
func (t *Tx) BankLinesBetween(ctx context.Context, from, to quotient.Date) ([]billing.BankLine, error) {
	var rows []bankLineRow
	if err := t.sel(ctx, &rows, `SELECT `+bankLineCols+` FROM bank_lines WHERE booked_on >= ? AND booked_on <= ? ORDER BY booked_on, id`, from, to); err != nil {
		return nil, err
	}
	return bankLines(rows)
}

func bankLines(rows []bankLineRow) ([]billing.BankLine, error) {
	out := make([]billing.BankLine, len(rows))
	for i, r := range rows {
		l, err := r.line()
		if err != nil {
			return nil, err
		}
		out[i] = l
	}
	return out, nil
}

var _ billing.BankStore = (*Tx)(nil)
