package quote

import (
	"context"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/catalog"
	"github.com/quotient-cpq/quotient/crm"
	"github.com/quotient-cpq/quotient/pricing"
)

// Status is where a quote version is in its life.
type Status string

// The statuses of docs/api.md, and superseded for versions a revision replaced.
const (
	Draft           Status = "draft"
	PendingApproval Status = "pending_approval"
	Approved        Status = "approved"
	Sent            Status = "sent"
	Accepted        Status = "accepted"
	Rejected        Status = "rejected"
	Expired         Status = "expired"
	Superseded      Status = "superseded"
)

// Statuses are the statuses a version can have.
var Statuses = []Status{Draft, PendingApproval, Approved, Sent, Accepted, Rejected, Expired, Superseded}

// Line is a line as the rep entered it; its price is in the version's
// Priced result.
type Line struct {
	ProductID string
	// SKU names the product instead of ProductID on input; the quote
	// keeps the product's id.
	SKU               string
	Quantity          decimal.Decimal
	Configuration     map[string]string
	ManualDiscountPct decimal.Decimal
	// The terms of a line of a recurring product (zero for one-time
	// lines): when it starts, for how many months, how often it is
	// invoiced. EndDate is an input alternative to TermMonths.
	StartDate        quotient.Date
	TermMonths       int
	EndDate          quotient.Date
	BillingFrequency catalog.BillingPeriod
	// PriorQuantity is what the contract already has of the product (an
	// amendment's line); ContractPrice the unit price it has it at, which
	// prices the line instead of the book (see pricing.LineInput).
	PriorQuantity decimal.Decimal
	ContractPrice *decimal.Decimal
}

// Kind is what a quote sells: new business, a change to a contract, or
// its renewal.
type Kind string

// The quote kinds.
const (
	New       Kind = "new"
	Amendment Kind = "amendment"
	Renewal   Kind = "renewal"
)

// Quote is the header shared by every version.
type Quote struct {
	ID            string
	Number        string
	AccountID     string
	OpportunityID string
	ContactID     string
	OwnerID       string
	Currency      string
	PriceBookID   string
	// Kind is new unless the quote amends or renews ContractID.
	Kind       Kind
	ContractID string
	// ReductionsCredited: the amended contract's terms, when the quote
	// was made, credit fewer seats (they end on the line's start and
	// their days invoiced are credited) rather than end them at the
	// next period not invoiced.
	ReductionsCredited bool
	CurrentVersion     int
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

// Version is one version of a quote: its lines and their pricing.
type Version struct {
	QuoteID           string
	Version           int
	Status            Status
	ValidUntil        quotient.Date
	Terms             string
	Notes             string
	HeaderDiscountPct decimal.Decimal
	PricingDate       quotient.Date
	Lines             []Line
	Priced            *pricing.Result
	ETag              int
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// Event is one entry of a quote's history: who did what, when and why.
type Event struct {
	ID      string
	QuoteID string
	Version int
	Kind    string
	ActorID string
	// Detail is what happened in English; Format and Args (when Format is
	// set) are how it was said, so a page can say it in its reader's
	// language through the message catalog: Detail is Format with Args.
	Detail string
	Format string
	Args   []string
	At     time.Time
}

// EventFormats are the formats events are said in (Event.Format): the
// message catalog has each in every language it speaks.
var EventFormats = []string{
	"%s line(s), total %s %s",
	"line %s added, total %s %s",
	"line %s changed, total %s %s",
	"line %s removed, total %s %s",
	"total %s → %s %s (rulebook version %s)",
	"version %s (%s) revised into version %s",
	"discount %s%%, total %s %s: approval rules matched: %s",
	"discount %s%%, total %s %s: no approval rule matched; approved",
	"%s: %s",
	"to %s; PDF sha256 %s",
	"valid until %s",
}

// said is a sentence of an event: a fmt format whose verbs are all %s,
// and its values.
type said struct {
	format string
	args   []string
}

func says(format string, args ...string) said { return said{format, args} }

func (w said) String() string {
	vals := make([]any, len(w.args))
	for i, a := range w.args {
		vals[i] = a
	}
	return fmt.Sprintf(w.format, vals...)
}

// ApprovalRule asks an approver to approve quotes its condition matches.
type ApprovalRule struct {
	ID           string
	Name         string
	Condition    string
	ApproverKind string // role, user or manager (the rep's manager)
	ApproverRole string
	ApproverID   string
	Message      string
	Active       bool
	Version      int
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Request is one approval a submitted version needs.
type Request struct {
	ID           string
	QuoteID      string
	Version      int
	RuleID       string
	RuleName     string
	RuleVersion  int
	ApproverKind string
	ApproverRole string
	ApproverID   string
	Status       string // pending, approved, rejected
	Tested       map[string]string
	DecidedBy    string
	DecidedAt    *time.Time
	Comment      string
	CarriedFrom  *int
	CreatedAt    time.Time
}

// Filter narrows a list of quotes.
type Filter struct {
	quotient.Page
	AccountID     string
	OwnerID       string // a user id, or "me"
	OpportunityID string
	Status        Status // of the current version
	// Approver "me": only quotes whose current version waits for a
	// decision the actor may give (named, by role, or as the owner's
	// manager).
	Approver string
	// Filled by List from the actor for Approver "me".
	ApproverID   string
	ApproverRole string
	// Reach, filled by List, keeps the quotes the actor may read: of
	// accounts in reach, their own (or their team's), and those waiting
	// for a decision ReaderID (of ReaderRole) may give.
	Reach      quotient.Reach
	ReaderID   string
	ReaderRole string
}

// Store is what quote needs from storage, inside the caller's transaction.
type Store interface {
	pricing.Store
	GetUser(ctx context.Context, id string) (crm.User, error)
	GetOpportunity(ctx context.Context, id string) (crm.Opportunity, error)
	UpdateOpportunity(ctx context.Context, o crm.Opportunity, version int) error
	GetContact(ctx context.Context, id string) (crm.Contact, error)
	PrimaryContact(ctx context.Context, accountID string) (crm.Contact, error)
	GetProductBySKU(ctx context.Context, sku string) (catalog.Product, error)
	GetProduct(ctx context.Context, id string) (catalog.Product, error)
	quotient.AccountReach
	// QuotesOpenToReps reads the organisation's setting that lets every
	// rep read every quote.
	QuotesOpenToReps(ctx context.Context) (bool, error)
	// AsksDecisionOf reports whether a request of the quote names the
	// user, or their role, as its approver.
	AsksDecisionOf(ctx context.Context, quoteID, userID, role string) (bool, error)

	NextNumber(ctx context.Context, name string) (int64, error)
	InsertQuote(ctx context.Context, q Quote) error
	GetQuote(ctx context.Context, id string) (Quote, error)
	UpdateQuote(ctx context.Context, q Quote) error
	ListQuotes(ctx context.Context, f Filter) ([]Quote, error)
	InsertVersion(ctx context.Context, v Version) error
	GetVersion(ctx context.Context, quoteID string, version int) (Version, error)
	// UpdateVersion writes a version and its lines if its etag is still
	// etag (stale otherwise).
	UpdateVersion(ctx context.Context, v Version, etag int) error
	// SetVersionStatus stores only v's status, etag and updated_at (its
	// lines and prices are unchanged) if its etag is still etag.
	SetVersionStatus(ctx context.Context, v Version, etag int) error
	ListVersions(ctx context.Context, quoteID string) ([]Version, error)
	InsertEvent(ctx context.Context, e Event) error
	ListEvents(ctx context.Context, quoteID string) ([]Event, error)

	InsertApprovalRule(ctx context.Context, r ApprovalRule) error
	GetApprovalRule(ctx context.Context, id string) (ApprovalRule, error)
	UpdateApprovalRule(ctx context.Context, r ApprovalRule, version int) error
	DeleteApprovalRule(ctx context.Context, id string) error
	ListApprovalRules(ctx context.Context, p quotient.Page) ([]ApprovalRule, error)
	InsertRequest(ctx context.Context, r Request) error
	UpdateRequest(ctx context.Context, r Request) error
	ListRequests(ctx context.Context, quoteID string, version int) ([]Request, error)
	DeleteRequests(ctx context.Context, quoteID string, version int) error
}

// OpenTotal is an account's open quotes in one currency: how many, and
// their totals in minor units.
type OpenTotal struct {
	Currency string
	Count    int64
	Total    int64
}

// SummaryStore is what an account's summary reads of its quotes.
type SummaryStore interface {
	// OpenQuotes counts an account's quotes whose current version is
	// still open (draft to sent) and sums their totals, by currency.
	OpenQuotes(ctx context.Context, accountID string) ([]OpenTotal, error)
}
