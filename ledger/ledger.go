// Package ledger is the general ledger: a chart of accounts, balanced
// journal entries that are never changed once posted (corrections are
// reversals), monthly periods that can be closed, and the trial balance.
package ledger

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
)

// Type is an account's place in the statements.
type Type string

// Account types; assets and expenses normally carry debit balances, the
// others credit balances.
const (
	Asset     Type = "asset"
	Liability Type = "liability"
	Equity    Type = "equity"
	Revenue   Type = "revenue"
	Expense   Type = "expense"
)

// Account is an account of the chart.
type Account struct {
	Code      string
	Name      string
	Type      Type
	Family    string // revenue by product family: the family this account collects
	Active    bool
	Version   int
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Standard account codes that postings use.
const (
	Cash                     = "1000"
	AccountsReceivable       = "1100"
	Inventory                = "1200"
	GoodsReceivedNotInvoiced = "2000"
	SalesTaxPayable          = "2100"
	CustomerCredits          = "2200"
	CommissionsPayable       = "2300"
	RetainedEarnings         = "3000"
	RevenueOther             = "4000"
	SalesDiscounts           = "4900"
	CostOfGoodsSold          = "5000"
	CommissionExpense        = "6000"
)

// StandardChart is the chart a new database starts with; finance edits it.
var StandardChart = []Account{
	{Code: Cash, Name: "Cash", Type: Asset},
	{Code: AccountsReceivable, Name: "Accounts receivable", Type: Asset},
	{Code: Inventory, Name: "Inventory", Type: Asset},
	{Code: GoodsReceivedNotInvoiced, Name: "Goods received not invoiced", Type: Liability},
	{Code: SalesTaxPayable, Name: "Sales tax payable", Type: Liability},
	{Code: CustomerCredits, Name: "Customer credits", Type: Liability},
	{Code: CommissionsPayable, Name: "Commissions payable", Type: Liability},
	{Code: RetainedEarnings, Name: "Retained earnings", Type: Equity},
	{Code: RevenueOther, Name: "Revenue", Type: Revenue},
	{Code: "4100", Name: "Revenue: hardware", Type: Revenue, Family: "hardware"},
	{Code: "4200", Name: "Revenue: software", Type: Revenue, Family: "software"},
	{Code: "4300", Name: "Revenue: services", Type: Revenue, Family: "services"},
	{Code: "4400", Name: "Revenue: support", Type: Revenue, Family: "support"},
	{Code: SalesDiscounts, Name: "Sales discounts", Type: Revenue},
	{Code: CostOfGoodsSold, Name: "Cost of goods sold", Type: Expense},
	{Code: CommissionExpense, Name: "Commission expense", Type: Expense},
}

// Line is one side of an entry in one currency, in minor units.
type Line struct {
	AccountCode string
	Currency    string
	Debit       int64
	Credit      int64
	Memo        string
}

// Entry is a posted journal entry.
type Entry struct {
	ID         string
	Date       string // YYYY-MM-DD
	Memo       string
	SourceType string
	SourceID   string
	Event      string
	ReversalOf string
	ReversedBy string
	PostedBy   string
	CreatedAt  time.Time
	Lines      []Line
}

// Period is a month of the ledger.
type Period struct {
	Period    string // YYYY-MM
	Status    string // open, closed
	UpdatedBy string
	UpdatedAt time.Time
}

// PeriodEvent is a close or reopen, with who and why.
type PeriodEvent struct {
	ID      string
	Period  string
	Action  string
	Reason  string
	ActorID string
	At      time.Time
}

// Balance is an account's debits and credits in one currency.
type Balance struct {
	AccountCode string
	Currency    string
	Debit       int64
	Credit      int64
}

// Posting is a journal line with its entry, for an account's ledger.
type Posting struct {
	EntryID string
	Date    string
	Memo    string
	Line
}

// EntryFilter selects entries.
type EntryFilter struct {
	SourceType string
	SourceID   string
	From, To   string
	Limit      int
	After      string
}

// Store is the storage the ledger needs.
type Store interface {
	InsertLedgerAccount(ctx context.Context, a Account) error
	GetLedgerAccount(ctx context.Context, code string) (Account, error)
	UpdateLedgerAccount(ctx context.Context, a Account, version int) error
	ListLedgerAccounts(ctx context.Context) ([]Account, error)
	// InsertJournalEntry stores an entry unless one exists for its source and
	// event, and reports whether it did.
	InsertJournalEntry(ctx context.Context, e Entry) (bool, error)
	GetJournalEntry(ctx context.Context, id string) (Entry, error)
	JournalEntryBySource(ctx context.Context, sourceType, sourceID, event string) (Entry, error)
	ListJournalEntries(ctx context.Context, f EntryFilter) ([]Entry, error)
	SetReversedBy(ctx context.Context, id, by string) error
	GetPeriod(ctx context.Context, period string) (Period, bool, error)
	PutPeriod(ctx context.Context, p Period) error
	InsertPeriodEvent(ctx context.Context, e PeriodEvent) error
	PeriodEvents(ctx context.Context, period string) ([]PeriodEvent, error)
	// Balances sums posted lines dated on or before asOf, by account and currency.
	Balances(ctx context.Context, asOf, currency string) ([]Balance, error)
	// Postings lists an account's lines in a currency between two dates.
	Postings(ctx context.Context, code, currency, from, to string) ([]Posting, error)
	// Imbalances describes every currency whose debits and credits differ,
	// over the whole ledger and per entry.
	Imbalances(ctx context.Context) ([]string, error)
}

// Service is the ledger service.
type Service struct{ now func() time.Time }

// NewService makes the service.
func NewService(now func() time.Time) *Service { return &Service{now: now} }

func requireFinance(ctx context.Context, write bool) (quotient.Actor, error) {
	a, err := quotient.RequireActor(ctx)
	if err != nil {
		return a, err
	}
	switch {
	case a.Role == quotient.RoleAdmin || a.Role == quotient.RoleFinance:
		return a, nil
	case !write && a.Role == quotient.RoleSalesManager:
		return a, nil
	}
	return a, quotient.Errorf(quotient.Forbidden, "the ledger is for finance")
}

var codeRE = regexp.MustCompile(`^[0-9A-Z][0-9A-Z.-]{0,19}$`)

func validateAccount(a Account) error {
	p := quotient.Problems{}
	if !codeRE.MatchString(a.Code) {
		p.Add("code", "must be 1-20 digits, capital letters, dots or dashes, starting with a digit or letter")
	}
	p.Text("name", a.Name, true, 200)
	p.OneOf("type", string(a.Type), string(Asset), string(Liability), string(Equity), string(Revenue), string(Expense))
	if a.Family != "" && a.Type != Revenue {
		p.Add("family", "only a revenue account collects a product family")
	}
	p.Text("family", a.Family, false, 50)
	return p.Err()
}

// SeedChart adds the standard chart's accounts that are missing.
func (s *Service) SeedChart(ctx context.Context, st Store) error {
	have, err := st.ListLedgerAccounts(ctx) // one read on every start-up
	if err != nil {
		return err
	}
	codes := map[string]bool{}
	for _, a := range have {
		codes[a.Code] = true
	}
	now := s.now().UTC()
	for _, a := range StandardChart {
		if codes[a.Code] {
			continue
		}
		a.Active, a.Version, a.CreatedAt, a.UpdatedAt = true, 1, now, now
		if err := st.InsertLedgerAccount(ctx, a); err != nil {
			return err
		}
	}
	return nil
}

// CreateAccount adds an account to the chart.
func (s *Service) CreateAccount(ctx context.Context, st Store, a Account) (Account, error) {
	if _, err := requireFinance(ctx, true); err != nil {
		return Account{}, err
	}
	if err := validateAccount(a); err != nil {
		return Account{}, err
	}
	now := s.now().UTC()
	a.Active, a.Version, a.CreatedAt, a.UpdatedAt = true, 1, now, now
	if err := st.InsertLedgerAccount(ctx, a); err != nil {
		if quotient.ErrorCode(err) == quotient.Conflict {
			return Account{}, quotient.FieldErrorf(quotient.Conflict, "code", "account %s exists", a.Code)
		}
		return Account{}, err
	}
	return a, nil
}

// AccountPatch changes an account; its code and type never change once
// it may carry postings.
type AccountPatch struct {
	Name   *string
	Family *string
	Active *bool
}

// UpdateAccount renames, re-assigns the family of, or (de)activates an account.
func (s *Service) UpdateAccount(ctx context.Context, st Store, code string, version int, p AccountPatch) (Account, error) {
	if _, err := requireFinance(ctx, true); err != nil {
		return Account{}, err
	}
	a, err := st.GetLedgerAccount(ctx, code)
	if err != nil {
		return Account{}, err
	}
	if err := quotient.CheckVersion("account", version, a.Version); err != nil {
		return Account{}, err
	}
	if p.Name != nil {
		a.Name = *p.Name
	}
	if p.Family != nil {
		a.Family = *p.Family
	}
	if p.Active != nil {
		a.Active = *p.Active
	}
	if err := validateAccount(a); err != nil {
		return Account{}, err
	}
	old := a.Version
	a.Version, a.UpdatedAt = a.Version+1, s.now().UTC()
	return a, st.UpdateLedgerAccount(ctx, a, old)
}

// Accounts lists the chart by code.
func (s *Service) Accounts(ctx context.Context, st Store) ([]Account, error) {
	if _, err := requireFinance(ctx, false); err != nil {
		return nil, err
	}
	return st.ListLedgerAccounts(ctx)
}

// GetAccount returns an account.
func (s *Service) GetAccount(ctx context.Context, st Store, code string) (Account, error) {
	if _, err := requireFinance(ctx, false); err != nil {
		return Account{}, err
	}
	return st.GetLedgerAccount(ctx, code)
}

// LineInput is a line as a person or a posting rule writes it.
type LineInput struct {
	AccountCode string
	Currency    string // the entry's when empty
	Debit       decimal.Decimal
	Credit      decimal.Decimal
	Memo        string
}

// EntryInput is an entry to post.
type EntryInput struct {
	Date       string
	Memo       string
	Currency   string
	SourceType string
	SourceID   string
	Event      string
	Lines      []LineInput
}

// MaxLines bounds one entry.
const MaxLines = 1000

// Post posts a balanced entry: two or more lines, each a debit or a credit
// in the currency's minor units, debits equal to credits in every
// currency, active accounts, a date in an open period. An entry for a
// source and event that was posted before is a conflict naming it.
func (s *Service) Post(ctx context.Context, st Store, in EntryInput) (Entry, error) {
	a, err := requireFinance(ctx, true)
	if err != nil {
		return Entry{}, err
	}
	e, err := s.build(ctx, st, in, a.UserID)
	if err != nil {
		return Entry{}, err
	}
	return s.insert(ctx, st, e)
}

// PostOnce posts an entry for a source document and event unless one was
// posted before, which it returns instead: a retried posting posts once.
// It is for posting rules (billing, inventory), which check their own
// rights.
func (s *Service) PostOnce(ctx context.Context, st Store, in EntryInput, actorID string) (Entry, bool, error) {
	if in.SourceType == "" || in.SourceID == "" || in.Event == "" {
		return Entry{}, false, fmt.Errorf("ledger: PostOnce needs a source and an event")
	}
	if e, err := st.JournalEntryBySource(ctx, in.SourceType, in.SourceID, in.Event); err == nil {
		return e, false, nil
	} else if quotient.ErrorCode(err) != quotient.NotFound {
		return Entry{}, false, err
	}
	e, err := s.build(ctx, st, in, actorID)
	if err != nil {
		return Entry{}, false, err
	}
	ok, err := st.InsertJournalEntry(ctx, e)
	if err != nil || ok {
		return e, ok, err
	}
	e, err = st.JournalEntryBySource(ctx, in.SourceType, in.SourceID, in.Event)
	return e, false, err
}

func (s *Service) insert(ctx context.Context, st Store, e Entry) (Entry, error) {
	ok, err := st.InsertJournalEntry(ctx, e)
	if err != nil {
		return Entry{}, err
	}
	if !ok {
		prev, err := st.JournalEntryBySource(ctx, e.SourceType, e.SourceID, e.Event)
		if err != nil {
			return Entry{}, err
		}
		return Entry{}, quotient.FieldErrorf(quotient.Conflict, "source_id", "%s %s (%s) was already posted as entry %s", e.SourceType, e.SourceID, e.Event, prev.ID)
	}
	return e, nil
}

func (s *Service) build(ctx context.Context, st Store, in EntryInput, actorID string) (Entry, error) {
	p := quotient.Problems{}
	if in.Date == "" {
		in.Date = s.now().UTC().Format(time.DateOnly)
	}
	if d, ok := quotient.ParseDate(in.Date); !ok || d.Year() < 1900 {
		p.Add("date", "must be a date as YYYY-MM-DD, in 1900 or later")
	}
	p.Text("memo", in.Memo, false, 500)
	p.Text("source_type", in.SourceType, false, 50)
	p.Text("source_id", in.SourceID, false, 100)
	if (in.SourceType == "") != (in.SourceID == "") {
		p.Add("source_id", "source_type and source_id go together")
	}
	if in.Currency != "" {
		if _, ok := quotient.LookupCurrency(in.Currency); !ok {
			p.Add("currency", "unknown currency %q", in.Currency)
		}
	}
	if len(in.Lines) < 2 {
		p.Add("lines", "an entry needs at least two lines")
	}
	if len(in.Lines) > MaxLines {
		p.Add("lines", "at most %d lines", MaxLines)
	}
	e := Entry{ID: quotient.NewID("je"), Date: in.Date, Memo: in.Memo, SourceType: in.SourceType, SourceID: in.SourceID, Event: in.Event,
		PostedBy: actorID, CreatedAt: s.now().UTC()}
	if e.SourceType == "" {
		e.SourceType, e.SourceID = "manual", e.ID
	}
	if e.Event == "" {
		e.Event = "post"
	}
	sums := map[string][2]int64{}
	accounts := map[string]bool{}
	for i, l := range in.Lines {
		f := fmt.Sprintf("lines[%d]", i)
		cur := l.Currency
		if cur == "" {
			cur = in.Currency
		}
		c, ok := quotient.LookupCurrency(cur)
		if !ok {
			p.Add(f+".currency", "name the currency of the line or of the entry")
			continue
		}
		if l.Debit.IsNegative() || l.Credit.IsNegative() {
			p.Add(f, "debit and credit cannot be negative; swap the sides instead")
			continue
		}
		if l.Debit.IsZero() == l.Credit.IsZero() {
			p.Add(f, "a line is either a debit or a credit, not both or neither")
			continue
		}
		d, okd := c.ToMinor(l.Debit)
		cr, okc := c.ToMinor(l.Credit)
		if !okd || !okc {
			p.Add(f, "amounts in %s have at most %d decimals", cur, c.MinorUnits)
			continue
		}
		p.Text(f+".memo", l.Memo, false, 500)
		if !accounts[l.AccountCode] {
			a, err := st.GetLedgerAccount(ctx, l.AccountCode)
			switch {
			case quotient.ErrorCode(err) == quotient.NotFound:
				p.Add(f+".account_code", "no account %q in the chart", l.AccountCode)
				continue
			case err != nil:
				return Entry{}, err
			case !a.Active:
				p.Add(f+".account_code", "account %s is inactive", l.AccountCode)
				continue
			}
			accounts[l.AccountCode] = true
		}
		s := sums[cur]
		s[0], s[1] = s[0]+d, s[1]+cr
		sums[cur] = s
		e.Lines = append(e.Lines, Line{AccountCode: l.AccountCode, Currency: cur, Debit: d, Credit: cr, Memo: l.Memo})
	}
	curs := make([]string, 0, len(sums))
	for c := range sums {
		curs = append(curs, c)
	}
	sort.Strings(curs)
	for _, cur := range curs {
		if s := sums[cur]; s[0] != s[1] {
			c, _ := quotient.LookupCurrency(cur)
			p.Add("lines", "debits (%s) and credits (%s) in %s differ", c.Format(c.FromMinor(s[0])), c.Format(c.FromMinor(s[1])), cur)
		}
	}
	if err := p.Err(); err != nil {
		return Entry{}, err
	}
	if err := s.checkOpen(ctx, st, e.Date); err != nil {
		return Entry{}, err
	}
	return e, nil
}

// IsOpen reports whether postings dated on a day (YYYY-MM-DD) are allowed:
// its month is not closed.
func (s *Service) IsOpen(ctx context.Context, st Store, date string) (bool, error) {
	err := s.checkOpen(ctx, st, date)
	if quotient.ErrorCode(err) == quotient.Conflict {
		return false, nil
	}
	return err == nil, err
}

func (s *Service) checkOpen(ctx context.Context, st Store, date string) error {
	per, ok, err := st.GetPeriod(ctx, date[:7])
	if err != nil {
		return err
	}
	if ok && per.Status == "closed" {
		return quotient.FieldErrorf(quotient.Conflict, "date", "period %s is closed; post in an open period or ask an admin to reopen it", per.Period)
	}
	return nil
}

// GetEntry returns an entry.
func (s *Service) GetEntry(ctx context.Context, st Store, id string) (Entry, error) {
	if _, err := requireFinance(ctx, false); err != nil {
		return Entry{}, err
	}
	return st.GetJournalEntry(ctx, id)
}

// Entries lists entries by id (posting order).
func (s *Service) Entries(ctx context.Context, st Store, f EntryFilter) ([]Entry, error) {
	if _, err := requireFinance(ctx, false); err != nil {
		return nil, err
	}
	p := quotient.Problems{}
	for _, d := range []struct{ field, v string }{{"from", f.From}, {"to", f.To}} {
		if _, ok := quotient.ParseDate(d.v); d.v != "" && !ok {
			p.Add(d.field, "must be a date as YYYY-MM-DD")
		}
	}
	if err := p.Err(); err != nil {
		return nil, quotient.Wrap(err, quotient.Invalid, "bad filter")
	}
	return st.ListJournalEntries(ctx, f)
}

// Reverse posts the mirror image of an entry (debits and credits swapped),
// dated date (today when empty), once: reversing twice is a conflict.
func (s *Service) Reverse(ctx context.Context, st Store, id, date, memo string) (Entry, error) {
	a, err := requireFinance(ctx, true)
	if err != nil {
		return Entry{}, err
	}
	orig, err := st.GetJournalEntry(ctx, id)
	if err != nil {
		return Entry{}, err
	}
	if orig.ReversalOf != "" {
		return Entry{}, quotient.Errorf(quotient.Conflict, "entry %s is itself a reversal; post a new entry instead", id)
	}
	if orig.ReversedBy != "" {
		return Entry{}, quotient.Errorf(quotient.Conflict, "entry %s was already reversed by %s", id, orig.ReversedBy)
	}
	if memo == "" {
		memo = "Reversal of " + id
	}
	in := EntryInput{Date: date, Memo: memo, SourceType: "reversal", SourceID: id, Event: "reverse"}
	for _, l := range orig.Lines {
		c, _ := quotient.LookupCurrency(l.Currency)
		in.Lines = append(in.Lines, LineInput{AccountCode: l.AccountCode, Currency: l.Currency, Debit: c.FromMinor(l.Credit), Credit: c.FromMinor(l.Debit), Memo: l.Memo})
	}
	e, err := s.build(ctx, st, in, a.UserID)
	if err != nil {
		return Entry{}, err
	}
	e.ReversalOf = id
	if e, err = s.insert(ctx, st, e); err != nil {
		return Entry{}, err
	}
	return e, st.SetReversedBy(ctx, id, e.ID)
}

var periodRE = regexp.MustCompile(`^\d{4}-(0[1-9]|1[0-2])$`)

// SetPeriod closes (finance) or reopens (admin, with a reason) a month; each
// change is logged. Closing a closed period, or opening an open one, is
// harmless.
func (s *Service) SetPeriod(ctx context.Context, st Store, period string, closeIt bool, reason string) (Period, error) {
	a, err := requireFinance(ctx, true)
	if err != nil {
		return Period{}, err
	}
	if !periodRE.MatchString(period) {
		return Period{}, quotient.FieldErrorf(quotient.Invalid, "period", "a period is a month as YYYY-MM")
	}
	reason = strings.TrimSpace(reason)
	if !closeIt {
		if a.Role != quotient.RoleAdmin {
			return Period{}, quotient.Errorf(quotient.Forbidden, "only an admin reopens a closed period")
		}
		if reason == "" {
			return Period{}, quotient.FieldErrorf(quotient.Unprocessable, "reason", "say why the period is reopened")
		}
	}
	p := quotient.Problems{}
	p.Text("reason", reason, false, 2000)
	if err := p.Err(); err != nil {
		return Period{}, err
	}
	cur, ok, err := st.GetPeriod(ctx, period)
	if err != nil {
		return Period{}, err
	}
	want := "open"
	if closeIt {
		want = "closed"
	}
	if (ok && cur.Status == want) || (!ok && want == "open") {
		if !ok {
			cur = Period{Period: period, Status: "open"}
		}
		return cur, nil
	}
	now := s.now().UTC()
	np := Period{Period: period, Status: want, UpdatedBy: a.UserID, UpdatedAt: now}
	if err := st.PutPeriod(ctx, np); err != nil {
		return Period{}, err
	}
	action := "close"
	if !closeIt {
		action = "reopen"
	}
	return np, st.InsertPeriodEvent(ctx, PeriodEvent{ID: quotient.NewID("lpe"), Period: period, Action: action, Reason: reason, ActorID: a.UserID, At: now})
}

// PeriodHistory returns a period's state and its closes and reopens.
func (s *Service) PeriodHistory(ctx context.Context, st Store, period string) (Period, []PeriodEvent, error) {
	if _, err := requireFinance(ctx, false); err != nil {
		return Period{}, nil, err
	}
	if !periodRE.MatchString(period) {
		return Period{}, nil, quotient.FieldErrorf(quotient.Invalid, "period", "a period is a month as YYYY-MM")
	}
	cur, ok, err := st.GetPeriod(ctx, period)
	if err != nil {
		return Period{}, nil, err
	}
	if !ok {
		cur = Period{Period: period, Status: "open"}
	}
	evs, err := st.PeriodEvents(ctx, period)
	return cur, evs, err
}

// TrialRow is an account's balance on the trial balance: its net on the
// debit or the credit side.
type TrialRow struct {
	Account Account
	Debit   decimal.Decimal
	Credit  decimal.Decimal
}

// TrialBalance is every account with a balance in a currency as of a date.
type TrialBalance struct {
	AsOf        string
	Currency    string
	Rows        []TrialRow
	TotalDebit  decimal.Decimal
	TotalCredit decimal.Decimal
}

// Trial computes the trial balance of a currency as of a date (today when
// empty). Its totals are equal unless the books are broken.
func (s *Service) Trial(ctx context.Context, st Store, asOf, currency string) (TrialBalance, error) {
	if _, err := requireFinance(ctx, false); err != nil {
		return TrialBalance{}, err
	}
	if asOf == "" {
		asOf = s.now().UTC().Format(time.DateOnly)
	}
	if _, ok := quotient.ParseDate(asOf); !ok {
		return TrialBalance{}, quotient.FieldErrorf(quotient.Invalid, "as_of", "must be a date as YYYY-MM-DD")
	}
	c, ok := quotient.LookupCurrency(currency)
	if !ok {
		return TrialBalance{}, quotient.FieldErrorf(quotient.Invalid, "currency", "name the currency, e.g. currency=USD")
	}
	bals, err := st.Balances(ctx, asOf, currency)
	if err != nil {
		return TrialBalance{}, err
	}
	accs, err := st.ListLedgerAccounts(ctx)
	if err != nil {
		return TrialBalance{}, err
	}
	byCode := map[string]Account{}
	for _, a := range accs {
		byCode[a.Code] = a
	}
	tb := TrialBalance{AsOf: asOf, Currency: currency, TotalDebit: decimal.Zero, TotalCredit: decimal.Zero}
	var dr, cr int64
	for _, b := range bals {
		net := b.Debit - b.Credit
		if net == 0 {
			continue
		}
		row := TrialRow{Account: byCode[b.AccountCode], Debit: c.FromMinor(0), Credit: c.FromMinor(0)}
		row.Account.Code = b.AccountCode
		if net > 0 {
			row.Debit, dr = c.FromMinor(net), dr+net
		} else {
			row.Credit, cr = c.FromMinor(-net), cr-net
		}
		tb.Rows = append(tb.Rows, row)
	}
	tb.TotalDebit, tb.TotalCredit = c.FromMinor(dr), c.FromMinor(cr)
	return tb, nil
}

// AccountLedger is an account's postings in a currency with a running balance.
type AccountLedger struct {
	Account  Account
	Currency string
	From, To string
	Opening  decimal.Decimal // debit-positive balance before From
	Rows     []LedgerRow
	Closing  decimal.Decimal
}

// LedgerRow is one posting and the balance after it (debit positive).
type LedgerRow struct {
	Posting
	DebitAmount  decimal.Decimal
	CreditAmount decimal.Decimal
	Balance      decimal.Decimal
}

// MaxLedgerRows bounds one account ledger; narrow the dates for more.
const MaxLedgerRows = 100000

// Ledger returns an account's postings between two dates (inclusive) with
// the opening balance and a running balance.
func (s *Service) Ledger(ctx context.Context, st Store, code, currency, from, to string) (AccountLedger, error) {
	if _, err := requireFinance(ctx, false); err != nil {
		return AccountLedger{}, err
	}
	p := quotient.Problems{}
	if to == "" {
		to = s.now().UTC().Format(time.DateOnly)
	}
	if from == "" {
		from = firstDay
	}
	for _, d := range []struct{ field, v string }{{"from", from}, {"to", to}} {
		if _, ok := quotient.ParseDate(d.v); !ok {
			p.Add(d.field, "must be a date as YYYY-MM-DD")
		}
	}
	c, ok := quotient.LookupCurrency(currency)
	if !ok {
		p.Add("currency", "name the currency, e.g. currency=USD")
	}
	if err := p.Err(); err != nil {
		return AccountLedger{}, quotient.Wrap(err, quotient.Invalid, "bad query")
	}
	a, err := st.GetLedgerAccount(ctx, code)
	if err != nil {
		return AccountLedger{}, err
	}
	open := int64(0)
	if from > firstDay { // nothing can be dated before the first day
		before, err := st.Balances(ctx, dayBefore(from), currency)
		if err != nil {
			return AccountLedger{}, err
		}
		for _, b := range before {
			if b.AccountCode == code {
				open = b.Debit - b.Credit
			}
		}
	}
	ps, err := st.Postings(ctx, code, currency, from, to)
	if err != nil {
		return AccountLedger{}, err
	}
	if len(ps) > MaxLedgerRows {
		return AccountLedger{}, quotient.Errorf(quotient.Unprocessable, "more than %d postings; narrow from and to", MaxLedgerRows)
	}
	out := AccountLedger{Account: a, Currency: currency, From: from, To: to, Opening: c.FromMinor(open)}
	bal := open
	for _, x := range ps {
		bal += x.Debit - x.Credit
		out.Rows = append(out.Rows, LedgerRow{Posting: x, DebitAmount: c.FromMinor(x.Debit), CreditAmount: c.FromMinor(x.Credit), Balance: c.FromMinor(bal)})
	}
	out.Closing = c.FromMinor(bal)
	return out, nil
}

// firstDay is the earliest date both databases store.
const firstDay = "0001-01-01"

func dayBefore(d string) string {
	t, err := time.Parse(time.DateOnly, d)
	if err != nil {
		return d
	}
	return t.AddDate(0, 0, -1).Format(time.DateOnly)
}
