package crm

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
)

// User is a person who signs in with an API token.
type User struct {
	ID          string
	Name        string
	Email       string
	Role        quotient.Role
	ManagerID   string
	Quota       decimal.Decimal
	QuotaPeriod string
	// Locale is the user's choice of language and formats ("ja-JP");
	// empty follows the browser's language.
	Locale    string
	Active    bool
	Version   int
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Token is an API token; only its SHA-256 hash is stored.
type Token struct {
	ID         string
	UserID     string
	Name       string
	Hash       string
	CreatedAt  time.Time
	LastUsedAt *time.Time
}

// Address is a postal address; Country is ISO 3166-1 alpha-2.
type Address struct {
	Line1      string
	Line2      string
	City       string
	Region     string
	PostalCode string
	Country    string
}

// String is the address on one line, its parts joined by commas.
func (a Address) String() string {
	var parts []string
	for _, p := range []string{a.Line1, a.Line2, a.City, a.Region, a.PostalCode, a.Country} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ", ")
}

// Account is a customer.
type Account struct {
	ID              string
	Name            string
	Currency        string
	Segment         string
	Industry        string
	CreditLimit     decimal.Decimal
	PaymentTerms    string
	InvoicingPolicy InvoicingPolicy
	TaxRegion       string
	OwnerID         string
	PriceBookID     string // the account's own price book; "" for the default of its currency
	Phone           string
	Website         string
	BillingAddress  Address
	ShippingAddress Address
	// RenewalUpliftPct raises the prices of the renewals of the account's
	// contracts made from now on (each contract keeps its own, which
	// may be changed there): 5 for 5 %; 0 for none.
	RenewalUpliftPct decimal.Decimal
	Version          int
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// Contact is a person at a customer account.
type Contact struct {
	ID        string
	AccountID string
	Name      string
	Email     string
	Phone     string
	Title     string
	// Primary: the account's quotes go to this contact unless another
	// is named; at most one per account.
	Primary   bool
	Version   int
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Stage is where an opportunity is in the sales process.
type Stage string

// The six stages of docs/api.md.
const (
	Prospecting   Stage = "prospecting"
	Qualification Stage = "qualification"
	Proposal      Stage = "proposal"
	Negotiation   Stage = "negotiation"
	ClosedWon     Stage = "closed_won"
	ClosedLost    Stage = "closed_lost"
)

// Stages lists every stage in pipeline order.
var Stages = []string{"prospecting", "qualification", "proposal", "negotiation", "closed_won", "closed_lost"}

// Closed reports whether the stage ends the opportunity.
func (s Stage) Closed() bool { return s == ClosedWon || s == ClosedLost }

// DefaultProbability is the win probability (percent) a stage implies when
// the rep gives none, as in Salesforce's default stage mapping.
func (s Stage) DefaultProbability() decimal.Decimal {
	switch s {
	case Prospecting:
		return decimal.NewFromInt(10)
	case Qualification:
		return decimal.NewFromInt(20)
	case Proposal:
		return decimal.NewFromInt(50)
	case Negotiation:
		return decimal.NewFromInt(75)
	case ClosedWon:
		return decimal.NewFromInt(100)
	}
	return decimal.Zero
}

// Opportunity is a potential sale to an account.
type Opportunity struct {
	ID          string
	AccountID   string
	Name        string
	Stage       Stage
	Amount      decimal.Decimal
	Currency    string
	CloseDate   quotient.Date
	OwnerID     string
	Probability decimal.Decimal
	Description string
	Version     int
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// UserFilter narrows a list of users.
type UserFilter struct {
	quotient.Page
	Role      string
	ManagerID string
	Q         string
	// Colleagues, filled by ListUsers for sales roles, keeps the users
	// they may read (see Colleagues).
	Colleagues *Colleagues
}

// Colleagues are the users a salesperson may read: themselves and their
// team (Reach), their manager and the manager's other reports. Finance
// and admins read everyone.
type Colleagues struct {
	Users   []string
	Manager string
}

// Has reports whether a user is one of the colleagues.
func (c Colleagues) Has(u User) bool {
	return slices.Contains(c.Users, u.ID) || (c.Manager != "" && (u.ID == c.Manager || u.ManagerID == c.Manager))
}

// AccountFilter narrows a list of accounts.
type AccountFilter struct {
	quotient.Page
	OwnerID  string
	Segment  string
	Currency string
	Q        string
}

// ContactFilter narrows a list of contacts.
type ContactFilter struct {
	quotient.Page
	AccountID string
	Q         string
}

// OpportunityFilter narrows a list of opportunities.
type OpportunityFilter struct {
	quotient.Page
	OwnerID   string
	AccountID string
	Stage     string
	Q         string
}

// Store is what crm needs from storage. Every method runs inside the
// caller's transaction. Get methods return a not_found Error when absent;
// Update methods return a stale Error when the stored version is not
// the one given.
type Store interface {
	CountUsers(ctx context.Context) (int, error)
	InsertUser(ctx context.Context, u User) error
	GetUser(ctx context.Context, id string) (User, error)
	UpdateUser(ctx context.Context, u User, version int) error
	ListUsers(ctx context.Context, f UserFilter) ([]User, error)
	ReportsOf(ctx context.Context, managerID string) ([]string, error)
	InsertToken(ctx context.Context, t Token) error
	// TokenByHash finds a token and the user it belongs to.
	TokenByHash(ctx context.Context, hash string) (Token, User, error)
	// TouchToken sets a token's last use unless it is already at or after at.
	TouchToken(ctx context.Context, id string, at time.Time) error
	ListTokens(ctx context.Context, userID string, p quotient.Page) ([]Token, error)
	DeleteToken(ctx context.Context, id string) (Token, error)
	DeleteTokensOf(ctx context.Context, userID string) error

	InsertAccount(ctx context.Context, a Account) error
	GetAccount(ctx context.Context, id string) (Account, error)
	UpdateAccount(ctx context.Context, a Account, version int) error
	DeleteAccount(ctx context.Context, id string) error
	ListAccounts(ctx context.Context, f AccountFilter) ([]Account, error)
	AccountHasOpportunities(ctx context.Context, id string) (bool, error)
	InsertAccountChanges(ctx context.Context, cs []AccountChange) error
	PutTeamMember(ctx context.Context, m TeamMember) error
	DeleteTeamMember(ctx context.Context, accountID, userID string) error
	TeamMembers(ctx context.Context, accountID string) ([]TeamMember, error)
	quotient.AccountReach
	// AccountChanges returns an account's history, oldest first.
	AccountChanges(ctx context.Context, accountID string) ([]AccountChange, error)
	// PriceBookCurrency returns the currency of a price book (not_found
	// when there is none).
	PriceBookCurrency(ctx context.Context, id string) (string, error)

	InsertContact(ctx context.Context, c Contact) error
	GetContact(ctx context.Context, id string) (Contact, error)
	UpdateContact(ctx context.Context, c Contact, version int) error
	DeleteContact(ctx context.Context, id string) error
	// PrimaryContact returns an account's primary contact (not_found when
	// it has none).
	PrimaryContact(ctx context.Context, accountID string) (Contact, error)
	// ClearPrimaryContact makes no contact of the account primary.
	ClearPrimaryContact(ctx context.Context, accountID string) error
	ListContacts(ctx context.Context, f ContactFilter) ([]Contact, error)

	InsertOpportunity(ctx context.Context, o Opportunity) error
	GetOpportunity(ctx context.Context, id string) (Opportunity, error)
	UpdateOpportunity(ctx context.Context, o Opportunity, version int) error
	DeleteOpportunity(ctx context.Context, id string) error
	ListOpportunities(ctx context.Context, f OpportunityFilter) ([]Opportunity, error)
}
