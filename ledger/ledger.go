package ledger

import (
	"context"
	"time"

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
	DeferredRevenue          = "2400"
	RetainedEarnings         = "3000"
	RevenueOther             = "4000"
	SalesDiscounts           = "4900"
	CostOfGoodsSold          = "5000"
	InventoryAdjustments     = "5100"
	CommissionExpense        = "6000"
	RealizedExchange         = "7100"
	UnrealizedExchange       = "7200"
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
	{Code: DeferredRevenue, Name: "Deferred revenue", Type: Liability},
	{Code: RetainedEarnings, Name: "Retained earnings", Type: Equity},
	{Code: RevenueOther, Name: "Revenue", Type: Revenue},
	{Code: "4100", Name: "Revenue: hardware", Type: Revenue, Family: "hardware"},
	{Code: "4200", Name: "Revenue: software", Type: Revenue, Family: "software"},
	{Code: "4300", Name: "Revenue: services", Type: Revenue, Family: "services"},
	{Code: "4400", Name: "Revenue: support", Type: Revenue, Family: "support"},
	{Code: SalesDiscounts, Name: "Sales discounts", Type: Revenue},
	{Code: CostOfGoodsSold, Name: "Cost of goods sold", Type: Expense},
	{Code: InventoryAdjustments, Name: "Inventory gains and losses", Type: Expense},
	{Code: CommissionExpense, Name: "Commission expense", Type: Expense},
	{Code: RealizedExchange, Name: "Realized exchange gains and losses", Type: Expense},
	{Code: UnrealizedExchange, Name: "Unrealized exchange gains and losses", Type: Expense},
}

// Line is one side of an entry in one currency, in minor units, with its
// base amount: the same side in minor units of the base currency, at the
// exchange rate of the entry's date (docs/accounting.md). A line of an
// exchange difference moves the base amount only (Debit and Credit zero).
type Line struct {
	AccountCode string
	Currency    string
	Debit       int64
	Credit      int64
	BaseDebit   int64
	BaseCredit  int64
	Memo        string
}

// Entry is a posted journal entry.
type Entry struct {
	ID         string
	Date       quotient.Date
	Memo       string
	SourceType string
	SourceID   string
	Event      string
	ReversalOf string
	ReversedBy string
	PostedBy   string
	CreatedAt  time.Time
	Lines      []Line
	Base       string // the base currency of the lines' base amounts
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

// Balance is an account's debits and credits in one currency, and their
// base amounts. Read in base (no currency), Debit and Credit are the base
// amounts of every currency's lines.
type Balance struct {
	AccountCode string
	Currency    string
	Debit       int64
	Credit      int64
	BaseDebit   int64
	BaseCredit  int64
}

// Posting is a journal line with its entry, for an account's ledger.
type Posting struct {
	EntryID string
	Date    quotient.Date
	Memo    string
	Line
}

// EntryFilter selects entries.
type EntryFilter struct {
	quotient.Page
	SourceType string
	SourceID   string
	From, To   quotient.Date // no date: unbounded
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
	// Balances sums posted lines dated on or before asOf, by account, in a
	// currency; with no currency, the base amounts of all lines.
	Balances(ctx context.Context, asOf quotient.Date, currency string) ([]Balance, error)
	// BalancesBetween sums posted lines dated from from to to, inclusive,
	// as Balances does.
	BalancesBetween(ctx context.Context, from, to quotient.Date, currency string) ([]Balance, error)
	// Postings lists an account's lines in a currency between two dates
	// (inclusive); with no currency, every line with its base amounts as
	// Debit and Credit.
	Postings(ctx context.Context, code, currency string, from, to quotient.Date) ([]Posting, error)
	// BaseCurrency is the company's functional currency.
	BaseCurrency(ctx context.Context) (string, error)
	// ExchangeRateOn is the latest rate of the pair dated on or before
	// day; ok is false when there is none.
	ExchangeRateOn(ctx context.Context, currency, base string, day quotient.Date) (r ExchangeRate, ok bool, err error)
	// Unconverted is the earliest line dated on or before to that has no
	// base amount yet (posted before base amounts were kept, in a
	// currency without a rate then), if there is one.
	Unconverted(ctx context.Context, to quotient.Date) (currency string, day quotient.Date, ok bool, err error)
	// Convert sets the base amounts of an entry's lines (by position).
	Convert(ctx context.Context, entryID string, lines []Line) error
	// EntriesToConvert lists up to limit entries with a line that has no
	// base amount, oldest first.
	EntriesToConvert(ctx context.Context, limit int) ([]Entry, error)
	// Imbalances describes every currency whose debits and credits differ,
	// over the whole ledger and per entry.
	Imbalances(ctx context.Context) ([]string, error)
}

// Service is the ledger service.
type Service struct{ now func() time.Time }

// NewService makes the service.
func NewService(now func() time.Time) *Service { return &Service{now: now} }

// mayRead lets finance, admins and sales managers read the ledger.
func mayRead(ctx context.Context) (quotient.Actor, error) {
	a, err := quotient.RequireActor(ctx)
	if err != nil || a.Role == quotient.RoleSalesManager {
		return a, err
	}
	return mayWrite(ctx)
}

// mayWrite lets finance and admins change the ledger.
func mayWrite(ctx context.Context) (quotient.Actor, error) {
	a, err := quotient.RequireActor(ctx)
	if err != nil {
		return a, err
	}
	if a.Role != quotient.RoleAdmin && a.Role != quotient.RoleFinance {
		return a, quotient.Errorf(quotient.Forbidden, "the ledger is for finance")
	}
	return a, nil
}

// MayRead lets finance, admins and sales managers read the books (and
// the reports made of them); the rest get Forbidden.
func MayRead(ctx context.Context) error {
	_, err := mayRead(ctx)
	return err
}
