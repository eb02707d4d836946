package contract

import (
	"context"
	"time"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/billing"
	"github.com/quotient-cpq/quotient/catalog"
	"github.com/quotient-cpq/quotient/quote"
)

// Status is where a contract is in its life.
type Status string

// The contract statuses.
const (
	Active    Status = "active"
	Ended     Status = "ended"
	Cancelled Status = "cancelled"
)

// Defaults of a new contract: how many days before its end the renewal
// quote is made, and before each period its invoice.
const (
	DefaultRenewalLeadDays = 30
	DefaultInvoiceLeadDays = 0
)

// Contract is what an account subscribes to: its subscriptions, from
// StartDate to EndDate, billed in periods from BillingAnchor.
type Contract struct {
	ID               string
	Number           string // CON-000123
	AccountID        string
	OwnerID          string
	Currency         string
	QuoteID          string // the quote that started it
	OrderID          string // its order: subscription invoices belong to it
	StartDate        quotient.Date
	EndDate          quotient.Date
	TermMonths       int
	BillingAnchor    quotient.Date
	Status           Status
	RenewalUpliftPct decimal.Decimal
	RenewalLeadDays  int
	InvoiceLeadDays  int
	RenewalQuoteID   string
	Renewals         int
	CancelledOn      quotient.Date
	CancelReason     string
	// CreditReductions says the contract's terms credit a reduction: fewer
	// seats take effect on the amendment's effective date, and the days
	// of them already invoiced are credited; otherwise they take effect
	// at the next period not yet invoiced.
	CreditReductions bool
	// NextBillAfter is the first day a subscription's next period may be
	// invoiced (zero: nothing left to invoice); RenewOn the day the
	// renewal quote is due.
	NextBillAfter quotient.Date
	RenewOn       quotient.Date
	Version       int
	CreatedAt     time.Time
	UpdatedAt     time.Time
	Subscriptions []Subscription
	// Credits is what the amendment just accepted owes back (not stored).
	Credits []Credit
}

// Subscription is a quantity of a recurring product at a price per its
// billing period, from StartDate to EndDate, invoiced every
// BillingFrequency. A change to a contract adds subscriptions (added
// seats) or ends one and starts its successor (fewer seats), so the
// history stays.
type Subscription struct {
	ID               string
	ContractID       string
	QuoteID          string
	OrderID          string
	OrderLineID      string
	ProductID        string
	SKU              string
	Name             string
	Family           string
	Quantity         quotient.Quantity
	UnitPrice        decimal.Decimal
	BillingPeriod    catalog.BillingPeriod
	BillingFrequency catalog.BillingPeriod
	StartDate        quotient.Date
	EndDate          quotient.Date
	TaxRateID        string
	TaxRatePct       decimal.Decimal
	// NextBillOn is the start of the next period to invoice (zero: all
	// invoiced).
	NextBillOn quotient.Date
	CreatedAt  time.Time
}

// ActiveOn reports whether the subscription runs on day.
func (s Subscription) ActiveOn(day quotient.Date) bool { return day.Within(s.StartDate, s.EndDate) }

// MRR is the subscription's monthly recurring revenue, exact.
func (s Subscription) MRR() decimal.Decimal {
	m := s.BillingPeriod.Months()
	if m == 0 {
		return decimal.Zero
	}
	return s.UnitPrice.Mul(s.Quantity.Decimal()).Div(decimal.NewFromInt(int64(m)))
}

// MRROn is the contract's monthly recurring revenue on day, exact.
func (c Contract) MRROn(day quotient.Date) decimal.Decimal {
	sum := decimal.Zero
	for _, s := range c.Subscriptions {
		if s.ActiveOn(day) {
			sum = sum.Add(s.MRR())
		}
	}
	return sum
}

// MRRShown is the contract's MRR as a page shows it on day: on its
// first day before it starts, nothing once it has ended.
func (c Contract) MRRShown(day quotient.Date) decimal.Decimal {
	if day.After(c.EndDate) {
		return decimal.Zero
	}
	if day.Before(c.StartDate) {
		day = c.StartDate
	}
	return c.MRROn(day)
}

// NextInvoice is the first day a period of the contract is still to be
// invoiced from (zero: none).
func (c Contract) NextInvoice() quotient.Date {
	var next quotient.Date
	for _, s := range c.Subscriptions {
		if !s.NextBillOn.IsZero() && (next.IsZero() || s.NextBillOn.Before(next)) {
			next = s.NextBillOn
		}
	}
	return next
}

// Billing is one invoiced period of a subscription.
type Billing struct {
	SubscriptionID string
	PeriodStart    quotient.Date
	PeriodEnd      quotient.Date
	InvoiceID      string
	Amount         int64
}

// Filter selects contracts.
type Filter struct {
	quotient.Page
	AccountID string
	Status    Status
	// Reach, filled by List, keeps the contracts the actor may read.
	Reach quotient.Reach
}

// Store is what contracts need from storage, in the caller's transaction.
type Store interface {
	billing.Store
	quote.Store
	InsertContract(ctx context.Context, c Contract) error
	// GetContract loads a contract with its subscriptions; LockContract
	// also locks it until the transaction ends.
	GetContract(ctx context.Context, id string) (Contract, error)
	LockContract(ctx context.Context, id string) (Contract, error)
	// ContractOfQuote finds the contract a quote started (not found:
	// none).
	ContractOfQuote(ctx context.Context, quoteID string) (Contract, error)
	// ContractOfOrder is the contract with a subscription from an
	// order ("": none).
	ContractOfOrder(ctx context.Context, orderID string) (string, error)
	// UpdateContract stores a contract's header if it is at version old.
	UpdateContract(ctx context.Context, c Contract, old int) error
	ListContracts(ctx context.Context, f Filter) ([]Contract, error)
	InsertSubscription(ctx context.Context, s Subscription) error
	// UpdateSubscription stores a subscription's quantity, end and next
	// period to invoice.
	UpdateSubscription(ctx context.Context, s Subscription) error
	// SetNextBill stores next as the next period to invoice of the
	// subscriptions ids.
	SetNextBill(ctx context.Context, next quotient.Date, ids []string) error
	// DeleteSubscription removes a subscription, with its invoiced
	// periods (a subscription removed whole before it starts where its
	// invoice is credited).
	DeleteSubscription(ctx context.Context, id string) error
	// InsertBillings records invoiced periods; a period invoiced
	// already is a conflict (the exactly-once key).
	InsertBillings(ctx context.Context, bs []Billing) error
	ContractBillings(ctx context.Context, contractID string) ([]Billing, error)
	// ClaimDueContracts locks up to limit active contracts with a period
	// to invoice on day (NextBillAfter on or before it); on PostgreSQL
	// those another transaction holds are skipped.
	ClaimDueContracts(ctx context.Context, day quotient.Date, limit int) ([]string, error)
	// ContractsToRenew lists active contracts whose renewal quote is due
	// on day and not made; ContractsToEnd active ones that ended before
	// day.
	ContractsToRenew(ctx context.Context, day quotient.Date, limit int) ([]string, error)
	ContractsToEnd(ctx context.Context, day quotient.Date, limit int) ([]string, error)
	// RenewalUplift is the account's renewal uplift, if it has one.
	RenewalUplift(ctx context.Context, accountID string) (*decimal.Decimal, error)
}

// Service keeps contracts.
type Service struct {
	now     func() time.Time
	billing *billing.Service
	quotes  *quote.Service
}

// NewService makes the service.
func NewService(now func() time.Time, b *billing.Service, q *quote.Service) *Service {
	return &Service{now: now, billing: b, quotes: q}
}

func (s *Service) today() quotient.Date { return quotient.DateOf(s.now()) }

// Get returns a contract the actor may read.
func (s *Service) Get(ctx context.Context, st Store, id string) (Contract, error) {
	if _, err := quotient.RequireActor(ctx); err != nil {
		return Contract{}, err
	}
	c, err := st.GetContract(ctx, id)
	if err != nil {
		return Contract{}, err
	}
	return c, quotient.CheckReach(ctx, st, "contract", id, c.AccountID, c.OwnerID)
}

// List returns contracts the actor may read.
func (s *Service) List(ctx context.Context, st Store, f Filter) ([]Contract, error) {
	a, err := quotient.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	if f.Status != "" {
		p := quotient.Problems{}
		p.OneOf("status", string(f.Status), string(Active), string(Ended), string(Cancelled))
		if err := p.Err(); err != nil {
			return nil, err
		}
	}
	f.Reach = a.Reach()
	return st.ListContracts(ctx, f)
}

// Patch holds changes to a contract's renewal and invoicing terms.
type Patch struct {
	RenewalUpliftPct *decimal.Decimal
	RenewalLeadDays  *int
	InvoiceLeadDays  *int
	CreditReductions *bool
}

// Update changes a contract's terms (its owner, their manager, finance
// or an admin) if it is still at version.
func (s *Service) Update(ctx context.Context, st Store, id string, version int, p Patch) (Contract, error) {
	a, err := quotient.RequireActor(ctx)
	if err != nil {
		return Contract{}, err
	}
	c, err := st.LockContract(ctx, id)
	if err != nil {
		return Contract{}, err
	}
	if err := quotient.CheckReach(ctx, st, "contract", id, c.AccountID, c.OwnerID); err != nil {
		return Contract{}, err
	}
	if a.Role != quotient.RoleFinance && !a.MayWriteOwnedBy(c.OwnerID) {
		return Contract{}, quotient.Errorf(quotient.Forbidden, "contract %s belongs to another rep", c.Number)
	}
	if err := quotient.CheckVersion("contract", version, c.Version); err != nil {
		return Contract{}, err
	}
	pr := quotient.Problems{}
	if p.RenewalUpliftPct != nil {
		if p.RenewalUpliftPct.LessThan(decimal.NewFromInt(-100)) || p.RenewalUpliftPct.GreaterThan(decimal.NewFromInt(100)) {
			pr.Add("renewal_uplift_pct", "must be between -100 and 100")
		}
		pr.Scale("renewal_uplift_pct", *p.RenewalUpliftPct, 4)
		c.RenewalUpliftPct = *p.RenewalUpliftPct
	}
	if p.RenewalLeadDays != nil {
		if *p.RenewalLeadDays < 0 || *p.RenewalLeadDays > 365 {
			pr.Add("renewal_lead_days", "must be between 0 and 365")
		}
		c.RenewalLeadDays = *p.RenewalLeadDays
	}
	if p.InvoiceLeadDays != nil {
		if *p.InvoiceLeadDays < 0 || *p.InvoiceLeadDays > 90 {
			pr.Add("invoice_lead_days", "must be between 0 and 90")
		}
		c.InvoiceLeadDays = *p.InvoiceLeadDays
	}
	if p.CreditReductions != nil {
		c.CreditReductions = *p.CreditReductions
	}
	if err := pr.Err(); err != nil {
		return Contract{}, err
	}
	return c, s.save(ctx, st, &c)
}

// save stores a changed contract's header (its dates of next invoicing
// and renewal derived again) and bumps its version.
func (s *Service) save(ctx context.Context, st Store, c *Contract) error {
	old := c.Version
	c.schedule()
	c.Version++
	c.UpdatedAt = s.now().UTC()
	return st.UpdateContract(ctx, *c, old)
}

// schedule derives when the contract next invoices and renews.
func (c *Contract) schedule() {
	c.NextBillAfter = quotient.Date{}
	for _, sub := range c.Subscriptions {
		if sub.NextBillOn.IsZero() {
			continue
		}
		if d := sub.NextBillOn.AddDays(-c.InvoiceLeadDays); c.NextBillAfter.IsZero() || d.Before(c.NextBillAfter) {
			c.NextBillAfter = d
		}
	}
	c.RenewOn = quotient.Date{}
	if c.Status == Active && c.RenewalQuoteID == "" {
		c.RenewOn = c.EndDate.AddDays(-c.RenewalLeadDays)
	}
	if c.Status == Ended {
		c.NextBillAfter = quotient.Date{}
	}
}

// Value is what a subscription charges from its start to its end, or to
// until when that is earlier (zero: its end), in minor units of the
// contract's currency, period by period as it is invoiced.
func (c Contract) Value(sub Subscription, until quotient.Date) int64 {
	end := sub.EndDate
	if !until.IsZero() && until.Before(end) {
		end = until
	}
	cur, ok := quotient.LookupCurrency(c.Currency)
	if !ok || end.Before(sub.StartDate) {
		return 0
	}
	spans, err := catalog.SpansFrom(c.BillingAnchor, sub.StartDate, end, sub.BillingFrequency)
	if err != nil {
		return 0
	}
	var n int64
	for _, sp := range spans {
		n += catalog.Charge(cur, sub.UnitPrice, sub.Quantity.Decimal(), sub.BillingPeriod, sub.BillingFrequency, sp)
	}
	return n
}

// FirstYear is the last day of a subscription's first year.
func (s Subscription) FirstYear() quotient.Date { return catalog.TermEnd(s.StartDate, 12) }

// Booked reports whether sub is the subscription its order line made
// (not the successor a reduction left): the first of its order line.
func (c Contract) Booked(sub Subscription) bool {
	for _, o := range c.Subscriptions {
		if o.OrderLineID == sub.OrderLineID && (o.CreatedAt.Before(sub.CreatedAt) || o.CreatedAt.Equal(sub.CreatedAt) && o.ID < sub.ID) {
			return false
		}
	}
	return true
}
