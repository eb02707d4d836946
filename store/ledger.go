package store

import (
	"context"
	"fmt"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/ledger"
)

type ledgerAccountRow struct {
	Code      string `db:"code"`
	Name      string `db:"name"`
	Type      string `db:"type"`
	Family    string `db:"family"`
	Active    bool   `db:"active"`
	Version   int    `db:"version"`
	CreatedAt dbTime `db:"created_at"`
	UpdatedAt dbTime `db:"updated_at"`
}

const ledgerAccountCols = `code, name, type, family, active, version, created_at, updated_at`

func (r ledgerAccountRow) account() ledger.Account {
	return ledger.Account{Code: r.Code, Name: r.Name, Type: ledger.Type(r.Type), Family: r.Family, Active: r.Active, Version: r.Version,
		CreatedAt: r.CreatedAt.Time, UpdatedAt: r.UpdatedAt.Time}
}

// InsertLedgerAccount adds an account to the chart.
func (t *Tx) InsertLedgerAccount(ctx context.Context, a ledger.Account) error {
	_, err := t.exec(ctx, `INSERT INTO ledger_accounts (`+ledgerAccountCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		a.Code, a.Name, string(a.Type), a.Family, a.Active, a.Version, t.ts(a.CreatedAt), t.ts(a.UpdatedAt))
	return err
}

// GetLedgerAccount loads an account.
func (t *Tx) GetLedgerAccount(ctx context.Context, code string) (ledger.Account, error) {
	var r ledgerAccountRow
	if err := t.get(ctx, &r, `SELECT `+ledgerAccountCols+` FROM ledger_accounts WHERE code = ?`, code); err != nil {
		return ledger.Account{}, getOr(err, "ledger account", code)
	}
	return r.account(), nil
}

// UpdateLedgerAccount stores an account if it is still at version.
func (t *Tx) UpdateLedgerAccount(ctx context.Context, a ledger.Account, version int) error {
	return t.versionedBy(ctx, "ledger_accounts", "code", "ledger account", a.Code, `UPDATE ledger_accounts SET name = ?, family = ?, active = ?,
		version = ?, updated_at = ? WHERE code = ? AND version = ?`, a.Name, a.Family, a.Active, a.Version, t.ts(a.UpdatedAt), a.Code, version)
}

// ListLedgerAccounts lists the chart by code.
func (t *Tx) ListLedgerAccounts(ctx context.Context) ([]ledger.Account, error) {
	var rows []ledgerAccountRow
	if err := t.sel(ctx, &rows, `SELECT `+ledgerAccountCols+` FROM ledger_accounts ORDER BY code`); err != nil {
		return nil, err
	}
	out := make([]ledger.Account, len(rows))
	for i, r := range rows {
		out[i] = r.account()
	}
	return out, nil
}

// InsertJournalEntry stores an entry and its lines unless its source and event
// were posted before.
func (t *Tx) InsertJournalEntry(ctx context.Context, e ledger.Entry) (bool, error) {
	n, err := t.execN(ctx, `INSERT INTO journal_entries (id, entry_date, memo, source_type, source_id, event, reversal_of, posted_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (source_type, source_id, event) DO NOTHING`,
		e.ID, e.Date, e.Memo, e.SourceType, e.SourceID, e.Event, nullable(e.ReversalOf), e.PostedBy, t.ts(e.CreatedAt))
	if err != nil || n == 0 {
		return false, err
	}
	rows := make([][]any, len(e.Lines))
	for i, l := range e.Lines {
		rows[i] = []any{e.ID, i + 1, l.AccountCode, l.Currency, l.Debit, l.Credit, l.Memo, e.Date, l.BaseDebit, l.BaseCredit}
	}
	if err := t.insertRows(ctx, "journal_lines", `entry_id, line_no, account_code, currency, debit_minor, credit_minor, memo, entry_date,
		base_debit_minor, base_credit_minor`, rows); err != nil {
		return false, err
	}
	return true, nil
}

type journalRow struct {
	ID         string        `db:"id"`
	Date       quotient.Date `db:"entry_date"`
	Memo       string        `db:"memo"`
	SourceType string        `db:"source_type"`
	SourceID   string        `db:"source_id"`
	Event      string        `db:"event"`
	ReversalOf *string       `db:"reversal_of"`
	ReversedBy *string       `db:"reversed_by"`
	PostedBy   string        `db:"posted_by"`
	CreatedAt  dbTime        `db:"created_at"`
}

const journalCols = `id, entry_date, memo, source_type, source_id, event, reversal_of, reversed_by, posted_by, created_at`

func (r journalRow) entry() ledger.Entry {
	e := ledger.Entry{ID: r.ID, Date: r.Date, Memo: r.Memo, SourceType: r.SourceType, SourceID: r.SourceID, Event: r.Event,
		PostedBy: r.PostedBy, CreatedAt: r.CreatedAt.Time}
	if r.ReversalOf != nil {
		e.ReversalOf = *r.ReversalOf
	}
	if r.ReversedBy != nil {
		e.ReversedBy = *r.ReversedBy
	}
	return e
}

type journalLineRow struct {
	EntryID    string `db:"entry_id"`
	Account    string `db:"account_code"`
	Cur        string `db:"currency"`
	Debit      int64  `db:"debit_minor"`
	Credit     int64  `db:"credit_minor"`
	BaseDebit  *int64 `db:"base_debit_minor"`
	BaseCredit *int64 `db:"base_credit_minor"`
	Memo       string `db:"memo"`
}

const journalLineCols = `entry_id, account_code, currency, debit_minor, credit_minor, base_debit_minor, base_credit_minor, memo`

func (r journalLineRow) line() ledger.Line {
	l := ledger.Line{AccountCode: r.Account, Currency: r.Cur, Debit: r.Debit, Credit: r.Credit, Memo: r.Memo}
	if r.BaseDebit != nil && r.BaseCredit != nil {
		l.BaseDebit, l.BaseCredit = *r.BaseDebit, *r.BaseCredit
	}
	return l
}

func (t *Tx) journalWhere(ctx context.Context, where string, args ...any) (ledger.Entry, error) {
	var r journalRow
	if err := t.get(ctx, &r, `SELECT `+journalCols+` FROM journal_entries WHERE `+where, args...); err != nil {
		return ledger.Entry{}, getOr(err, "journal entry", args[0].(string))
	}
	es, err := t.withLines(ctx, []ledger.Entry{r.entry()})
	if err != nil {
		return ledger.Entry{}, err
	}
	return es[0], nil
}

func (t *Tx) withLines(ctx context.Context, es []ledger.Entry) ([]ledger.Entry, error) {
	if len(es) == 0 {
		return es, nil
	}
	at := map[string]int{}
	ids := make([]string, len(es))
	for i, e := range es {
		at[e.ID] = i
		ids[i] = e.ID
	}
	q, args := inList(`SELECT `+journalLineCols+` FROM journal_lines WHERE entry_id IN (%s) ORDER BY entry_id, line_no`, ids)
	var rows []journalLineRow
	if err := t.sel(ctx, &rows, q, args...); err != nil {
		return nil, err
	}
	base, err := t.BaseCurrency(ctx)
	if err != nil {
		return nil, err
	}
	for i := range es {
		es[i].Base = base
	}
	for _, r := range rows {
		i := at[r.EntryID]
		es[i].Lines = append(es[i].Lines, r.line())
	}
	return es, nil
}

// GetJournalEntry loads an entry with its lines.
func (t *Tx) GetJournalEntry(ctx context.Context, id string) (ledger.Entry, error) {
	return t.journalWhere(ctx, `id = ?`, id)
}

// JournalEntryBySource loads the entry of a source document's event.
func (t *Tx) JournalEntryBySource(ctx context.Context, sourceType, sourceID, event string) (ledger.Entry, error) {
	return t.journalWhere(ctx, `source_type = ? AND source_id = ? AND event = ?`, sourceType, sourceID, event)
}

// ListJournalEntries lists entries with their lines by id.
func (t *Tx) ListJournalEntries(ctx context.Context, f ledger.EntryFilter) ([]ledger.Entry, error) {
	var where []string
	var args []any
	where, args = eq(where, args, "source_type", f.SourceType)
	where, args = eq(where, args, "source_id", f.SourceID)
	where, args = dateRange(where, args, "entry_date", f.From, f.To)
	var rows []journalRow
	if err := t.list(ctx, &rows, journalCols, "journal_entries", where, args, f.After, f.Limit); err != nil {
		return nil, err
	}
	out := make([]ledger.Entry, len(rows))
	for i, r := range rows {
		out[i] = r.entry()
	}
	return t.withLines(ctx, out)
}

// SetReversedBy marks an entry reversed.
func (t *Tx) SetReversedBy(ctx context.Context, id, by string) error {
	n, err := t.execN(ctx, `UPDATE journal_entries SET reversed_by = ? WHERE id = ? AND reversed_by IS NULL`, by, id)
	if err == nil && n == 0 {
		return staleErr("journal entry", id)
	}
	return err
}

// GetPeriod loads a period's state; ok is false for a period never closed.
func (t *Tx) GetPeriod(ctx context.Context, period string) (ledger.Period, bool, error) {
	var r struct {
		Period    string `db:"period"`
		Status    string `db:"status"`
		UpdatedBy string `db:"updated_by"`
		UpdatedAt dbTime `db:"updated_at"`
	}
	err := t.get(ctx, &r, `SELECT period, status, updated_by, updated_at FROM ledger_periods WHERE period = ?`, period)
	if err != nil {
		err = getOr(err, "period", period)
		if isNotFound(err) {
			return ledger.Period{}, false, nil
		}
		return ledger.Period{}, false, err
	}
	return ledger.Period{Period: r.Period, Status: r.Status, UpdatedBy: r.UpdatedBy, UpdatedAt: r.UpdatedAt.Time}, true, nil
}

// PutPeriod stores a period's state.
func (t *Tx) PutPeriod(ctx context.Context, p ledger.Period) error {
	_, err := t.exec(ctx, `INSERT INTO ledger_periods (period, status, updated_by, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (period) DO UPDATE SET status = excluded.status, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		p.Period, p.Status, p.UpdatedBy, t.ts(p.UpdatedAt))
	return err
}

// InsertPeriodEvent logs a close or reopen.
func (t *Tx) InsertPeriodEvent(ctx context.Context, e ledger.PeriodEvent) error {
	_, err := t.exec(ctx, `INSERT INTO ledger_period_events (id, period, action, reason, actor_id, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		e.ID, e.Period, e.Action, e.Reason, e.ActorID, t.ts(e.At))
	return err
}

// PeriodEvents lists a period's closes and reopens.
func (t *Tx) PeriodEvents(ctx context.Context, period string) ([]ledger.PeriodEvent, error) {
	var rows []struct {
		ID      string `db:"id"`
		Period  string `db:"period"`
		Action  string `db:"action"`
		Reason  string `db:"reason"`
		ActorID string `db:"actor_id"`
		At      dbTime `db:"created_at"`
	}
	if err := t.sel(ctx, &rows, `SELECT id, period, action, reason, actor_id, created_at FROM ledger_period_events WHERE period = ? ORDER BY id`, period); err != nil {
		return nil, err
	}
	out := make([]ledger.PeriodEvent, len(rows))
	for i, r := range rows {
		out[i] = ledger.PeriodEvent{ID: r.ID, Period: r.Period, Action: r.Action, Reason: r.Reason, ActorID: r.ActorID, At: r.At.Time}
	}
	return out, nil
}

// Balances sums lines dated on or before asOf by account, in one currency.
func (t *Tx) Balances(ctx context.Context, asOf quotient.Date, currency string) ([]ledger.Balance, error) {
	return t.sums(ctx, currency, `entry_date <= ?`, asOf)
}

// BalancesBetween sums posted lines dated from from to to (inclusive), by
// account, in one currency.
func (t *Tx) BalancesBetween(ctx context.Context, from, to quotient.Date, currency string) ([]ledger.Balance, error) {
	return t.sums(ctx, currency, `entry_date >= ? AND entry_date <= ?`, from, to)
}

func (t *Tx) sums(ctx context.Context, currency, dates string, args ...any) ([]ledger.Balance, error) {
	var rows []struct {
		Code       string `db:"account_code"`
		Debit      int64  `db:"debit"`
		Credit     int64  `db:"credit"`
		BaseDebit  int64  `db:"base_debit"`
		BaseCredit int64  `db:"base_credit"`
	}
	var err error
	if currency == "" {
		err = t.sel(ctx, &rows, `SELECT account_code, COALESCE(SUM(base_debit_minor), 0) AS debit, COALESCE(SUM(base_credit_minor), 0) AS credit,
			COALESCE(SUM(base_debit_minor), 0) AS base_debit, COALESCE(SUM(base_credit_minor), 0) AS base_credit FROM journal_lines
			WHERE `+dates+` GROUP BY account_code ORDER BY account_code`, args...)
	} else {
		err = t.sel(ctx, &rows, `SELECT account_code, SUM(debit_minor) AS debit, SUM(credit_minor) AS credit,
			COALESCE(SUM(base_debit_minor), 0) AS base_debit, COALESCE(SUM(base_credit_minor), 0) AS base_credit FROM journal_lines
			WHERE currency = ? AND `+dates+` GROUP BY account_code ORDER BY account_code`, append([]any{currency}, args...)...)
	}
	if err != nil {
		return nil, err
	}
	out := make([]ledger.Balance, len(rows))
	for i, r := range rows {
		out[i] = ledger.Balance{AccountCode: r.Code, Currency: currency, Debit: r.Debit, Credit: r.Credit, BaseDebit: r.BaseDebit, BaseCredit: r.BaseCredit}
	}
	return out, nil
}

// Postings lists an account's lines in a currency between two dates, in
// date then posting order.
func (t *Tx) Postings(ctx context.Context, code, currency string, from, to quotient.Date) ([]ledger.Posting, error) {
	var rows []struct {
		journalLineRow
		Date quotient.Date `db:"entry_date"`
		EMem string        `db:"entry_memo"`
	}
	cur, args := `l.currency = ? AND `, []any{code, currency, from, to, ledger.MaxLedgerRows + 1}
	if currency == "" {
		cur, args = ``, []any{code, from, to, ledger.MaxLedgerRows + 1}
	}
	if err := t.sel(ctx, &rows, `SELECT l.entry_id, l.account_code, l.currency, l.debit_minor, l.credit_minor, l.base_debit_minor, l.base_credit_minor,
		l.memo, l.entry_date, e.memo AS entry_memo
		FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id
		WHERE l.account_code = ? AND `+cur+`l.entry_date >= ? AND l.entry_date <= ?
		ORDER BY l.entry_date, l.entry_id, l.line_no LIMIT ?`, args...); err != nil {
		return nil, err
	}
	out := make([]ledger.Posting, len(rows))
	for i, r := range rows {
		memo := r.Memo
		if memo == "" {
			memo = r.EMem
		}
		l := r.line()
		if currency == "" {
			l.Debit, l.Credit = l.BaseDebit, l.BaseCredit
		}
		out[i] = ledger.Posting{EntryID: r.EntryID, Date: r.Date, Memo: memo, Line: l}
	}
	return out, nil
}

// BaseCurrency is the company's functional currency.
func (t *Tx) BaseCurrency(ctx context.Context) (string, error) {
	v, ok, err := t.Setting(ctx, ledger.BaseCurrencySetting)
	if !ok || err != nil {
		return ledger.DefaultBaseCurrency, err
	}
	return v, nil
}

// Unconverted is the earliest line dated on or before to without a base
// amount.
func (t *Tx) Unconverted(ctx context.Context, to quotient.Date) (string, quotient.Date, bool, error) {
	var rows []struct {
		Cur  string        `db:"currency"`
		Date quotient.Date `db:"entry_date"`
	}
	if err := t.sel(ctx, &rows, `SELECT currency, entry_date FROM journal_lines WHERE base_debit_minor IS NULL AND entry_date <= ?
		ORDER BY entry_date LIMIT 1`, to); err != nil || len(rows) == 0 {
		return "", quotient.Date{}, false, err
	}
	return rows[0].Cur, rows[0].Date, true, nil
}

// Convert sets the base amounts of an entry's lines.
func (t *Tx) Convert(ctx context.Context, entryID string, lines []ledger.Line) error {
	for i, l := range lines {
		if _, err := t.exec(ctx, `UPDATE journal_lines SET base_debit_minor = ?, base_credit_minor = ? WHERE entry_id = ? AND line_no = ?`,
			l.BaseDebit, l.BaseCredit, entryID, i+1); err != nil {
			return err
		}
	}
	return nil
}

// EntriesToConvert lists up to limit entries with a line lacking its base
// amount, oldest first.
func (t *Tx) EntriesToConvert(ctx context.Context, limit int) ([]ledger.Entry, error) {
	var rows []journalRow
	if err := t.sel(ctx, &rows, `SELECT `+journalCols+` FROM journal_entries WHERE id IN (SELECT entry_id FROM journal_lines WHERE base_debit_minor IS NULL)
		ORDER BY entry_date, id LIMIT ?`, limit); err != nil {
		return nil, err
	}
	out := make([]ledger.Entry, len(rows))
	for i, r := range rows {
		out[i] = r.entry()
	}
	return t.withLines(ctx, out)
}

// Imbalances checks that debits equal credits per currency, in the whole
// ledger and in every entry (the first 20 broken entries are named).
func (t *Tx) Imbalances(ctx context.Context) ([]string, error) {
	type sums struct {
		EntryID  string `db:"entry_id"`
		Currency string `db:"currency"`
		Debit    int64  `db:"debit"`
		Credit   int64  `db:"credit"`
	}
	var total []sums
	if err := t.sel(ctx, &total, `SELECT '' AS entry_id, currency, SUM(debit_minor) AS debit, SUM(credit_minor) AS credit
		FROM journal_lines GROUP BY currency HAVING SUM(debit_minor) <> SUM(credit_minor) ORDER BY currency`); err != nil {
		return nil, err
	}
	var entries []sums
	if err := t.sel(ctx, &entries, `SELECT entry_id, currency, SUM(debit_minor) AS debit, SUM(credit_minor) AS credit
		FROM journal_lines GROUP BY entry_id, currency HAVING SUM(debit_minor) <> SUM(credit_minor) ORDER BY entry_id LIMIT 20`); err != nil {
		return nil, err
	}
	var base []sums
	if err := t.sel(ctx, &base, `SELECT entry_id, '' AS currency, SUM(base_debit_minor) AS debit, SUM(base_credit_minor) AS credit
		FROM journal_lines GROUP BY entry_id HAVING COUNT(base_debit_minor) = COUNT(*) AND SUM(base_debit_minor) <> SUM(base_credit_minor)
		ORDER BY entry_id LIMIT 20`); err != nil {
		return nil, err
	}
	for i := range base {
		base[i].Currency = "the base currency"
	}
	var out []string
	for _, s := range append(append(total, entries...), base...) {
		where := "the ledger"
		if s.EntryID != "" {
			where = "entry " + s.EntryID
		}
		out = append(out, fmt.Sprintf("%s: debits %d and credits %d minor units of %s differ", where, s.Debit, s.Credit, s.Currency))
	}
	return out, nil
}

var _ ledger.Store = (*Tx)(nil)
