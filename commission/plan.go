package commission

import (
	"context"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/ledger"
	"github.com/quotient-cpq/quotient/rules"
)

// Basis says when a plan's commission is earned.
type Basis string

// Bases of a plan.
const (
	Invoiced Basis = "invoiced" // earned when the invoice is posted
	Paid     Basis = "paid"     // earned as the customer pays, in proportion
)

// RecurringBasis says what a plan pays on the recurring lines of a deal:
// each invoice as it is invoiced (the plan's basis applies), or once at
// booking on the subscription's first-year or total contract value.
type RecurringBasis string

// Recurring bases of a plan.
const (
	RecurringInvoiced  RecurringBasis = "invoiced"
	RecurringFirstYear RecurringBasis = "first_year"
	RecurringTCV       RecurringBasis = "tcv"
)

// AtBooking reports whether the plan pays recurring deals at booking.
func (p Plan) AtBooking() bool {
	return p.RecurringBasis == RecurringFirstYear || p.RecurringBasis == RecurringTCV
}

// Rule replaces the plan's base rate on the lines its condition matches;
// the first matching rule wins.
type Rule struct {
	Name      string
	Condition string
	RatePct   decimal.Decimal
}

// Exclusion names lines that earn nothing.
type Exclusion struct {
	Name      string
	Condition string
}

// Plan is a commission plan.
type Plan struct {
	ID          string
	Name        string
	Basis       Basis
	BaseRatePct decimal.Decimal
	Rules       []Rule
	Exclusions  []Exclusion
	ValidFrom   quotient.Date
	ValidTo     quotient.Date // zero: open-ended
	// RecurringBasis is how recurring deals pay; ClawbackDays how long
	// after a contract's start its cancellation takes a booking's
	// commission back (0: never).
	RecurringBasis RecurringBasis
	ClawbackDays   int
	Version        int
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// PlanInput creates a plan or, as a patch, changes the fields given.
type PlanInput struct {
	Name        *string
	Basis       *Basis
	BaseRatePct *decimal.Decimal
	Rules       *[]Rule
	Exclusions  *[]Exclusion
	ValidFrom   *quotient.Date
	ValidTo     *quotient.Date
	// RecurringBasis and ClawbackDays: see Plan.
	RecurringBasis *RecurringBasis
	ClawbackDays   *int
}

// Assignment puts a user on a plan between two dates, with a monthly
// quota (in Currency) that attainment is measured against.
type Assignment struct {
	ID        string
	PlanID    string
	UserID    string
	ValidFrom quotient.Date
	ValidTo   quotient.Date
	Quota     decimal.Decimal
	Currency  string
	CreatedAt time.Time
}

// Split is a rep's share of an opportunity's credit.
type Split struct {
	UserID string
	Pct    decimal.Decimal
}

// Env is what a plan's rules and exclusions see.
type Env struct {
	Line    LineFacts    `expr:"line"`
	Account AccountFacts `expr:"account"`
	Rep     RepFacts     `expr:"rep"`
}

// LineFacts describes the invoice line.
type LineFacts struct {
	SKU       string          `expr:"sku"`
	ProductID string          `expr:"product_id"`
	Family    string          `expr:"family"`
	Quantity  decimal.Decimal `expr:"quantity"`
	UnitPrice decimal.Decimal `expr:"unit_price"`
	Net       decimal.Decimal `expr:"net"`
	Currency  string          `expr:"currency"`
}

// AccountFacts describes the customer.
type AccountFacts struct {
	Name      string `expr:"name"`
	Segment   string `expr:"segment"`
	Industry  string `expr:"industry"`
	TaxRegion string `expr:"tax_region"`
	Currency  string `expr:"currency"`
}

// RepFacts describes the rep: attainment is what they booked in the month
// so far on this plan's basis, before this line, against their quota.
type RepFacts struct {
	UserID        string          `expr:"user_id"`
	Quota         decimal.Decimal `expr:"quota"`
	Booked        decimal.Decimal `expr:"booked"`
	AttainmentPct decimal.Decimal `expr:"attainment_pct"`
	SharePct      decimal.Decimal `expr:"share_pct"`
}

// Store is the storage commissions need.
type Store interface {
	InsertPlan(ctx context.Context, p Plan) error
	UpdatePlan(ctx context.Context, p Plan, old int) error
	GetPlan(ctx context.Context, id string) (Plan, error)
	ListPlans(ctx context.Context, r quotient.Reach, p quotient.Page) ([]Plan, error)
	// PlanAssignedTo reports whether one of users is (or was) on the plan.
	PlanAssignedTo(ctx context.Context, planID string, users []string) (bool, error)
	InsertAssignment(ctx context.Context, a Assignment) error
	ListAssignments(ctx context.Context, planID string) ([]Assignment, error)
	// UserAssignments lists a user's assignments on every plan.
	UserAssignments(ctx context.Context, userID string) ([]Assignment, error)
	// AssignmentOn is the user's assignment in force on a day, with its
	// plan; ok is false when the user has none.
	AssignmentOn(ctx context.Context, userID string, day quotient.Date) (Assignment, Plan, bool, error)
	SetSplits(ctx context.Context, opportunityID string, splits []Split) error
	Splits(ctx context.Context, opportunityID string) ([]Split, error)
}

func requireAdminOrFinance(ctx context.Context, what string) (quotient.Actor, error) {
	a, err := quotient.RequireActor(ctx)
	if err == nil && a.Role != quotient.RoleAdmin && a.Role != quotient.RoleFinance {
		err = quotient.Errorf(quotient.Forbidden, "%s is finance's", what)
	}
	return a, err
}

func (p *Plan) apply(in PlanInput) error {
	if in.Name != nil {
		p.Name = *in.Name
	}
	if in.Basis != nil {
		p.Basis = *in.Basis
	}
	if in.BaseRatePct != nil {
		p.BaseRatePct = *in.BaseRatePct
	}
	if in.Rules != nil {
		p.Rules = *in.Rules
	}
	if in.Exclusions != nil {
		p.Exclusions = *in.Exclusions
	}
	if in.ValidFrom != nil {
		p.ValidFrom = *in.ValidFrom
	}
	if in.ValidTo != nil {
		p.ValidTo = *in.ValidTo
	}
	if in.RecurringBasis != nil {
		p.RecurringBasis = *in.RecurringBasis
	}
	if in.ClawbackDays != nil {
		p.ClawbackDays = *in.ClawbackDays
	}
	if p.RecurringBasis == "" {
		p.RecurringBasis = RecurringInvoiced
	}
	pr := quotient.Problems{}
	pr.Text("name", p.Name, quotient.Required, 200)
	pr.OneOf("recurring_basis", string(p.RecurringBasis), string(RecurringInvoiced), string(RecurringFirstYear), string(RecurringTCV))
	if p.ClawbackDays < 0 || p.ClawbackDays > 730 {
		pr.Add("clawback_days", "must be from 0 to 730")
	}
	pr.OneOf("basis", string(p.Basis), string(Invoiced), string(Paid))
	rate := func(f string, d decimal.Decimal) {
		if d.IsNegative() || d.GreaterThan(decimal.NewFromInt(100)) || d.Exponent() < -4 {
			pr.Add(f, "must be a percentage from 0 to 100 with at most 4 decimals")
		}
	}
	rate("base_rate_pct", p.BaseRatePct)
	if len(p.Rules) > 50 || len(p.Exclusions) > 50 {
		pr.Add("rules", "at most 50 rules and 50 exclusions")
	}
	for i, r := range p.Rules {
		f := fmt.Sprintf("rules[%d]", i)
		pr.Text(f+".name", r.Name, quotient.Required, 200)
		rate(f+".rate_pct", r.RatePct)
		if _, err := rules.Compile(r.Condition, Env{}, rules.Bool); err != nil {
			pr.Add(f+".condition", "%v", err)
		}
	}
	for i, x := range p.Exclusions {
		f := fmt.Sprintf("exclusions[%d]", i)
		pr.Text(f+".name", x.Name, quotient.Required, 200)
		if _, err := rules.Compile(x.Condition, Env{}, rules.Bool); err != nil {
			pr.Add(f+".condition", "%v", err)
		}
	}
	pr.DateGiven("valid_from", p.ValidFrom)
	if !p.ValidTo.IsZero() && p.ValidTo.Before(p.ValidFrom) {
		pr.Add("valid_to", "must be on or after valid_from")
	}
	return pr.Err()
}

// CreatePlan makes a plan (finance or admin); its expressions are compiled
// and type-checked now.
func (s *Service) CreatePlan(ctx context.Context, st Store, in PlanInput) (Plan, error) {
	if _, err := requireAdminOrFinance(ctx, "a commission plan"); err != nil {
		return Plan{}, err
	}
	now := s.now().UTC()
	p := Plan{ID: quotient.NewID("cpl"), BaseRatePct: decimal.Zero, Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := p.apply(in); err != nil {
		return Plan{}, err
	}
	return p, st.InsertPlan(ctx, p)
}

// UpdatePlan changes a plan (finance or admin). What was accrued stays:
// recalculation is explicit.
func (s *Service) UpdatePlan(ctx context.Context, st Store, id string, version int, in PlanInput) (Plan, error) {
	if _, err := requireAdminOrFinance(ctx, "a commission plan"); err != nil {
		return Plan{}, err
	}
	p, err := st.GetPlan(ctx, id)
	if err != nil {
		return Plan{}, err
	}
	if err := quotient.CheckVersion("commission plan", version, p.Version); err != nil {
		return Plan{}, err
	}
	old := p.Version
	if err := p.apply(in); err != nil {
		return Plan{}, err
	}
	p.Version++
	p.UpdatedAt = s.now().UTC()
	return p, st.UpdatePlan(ctx, p, old)
}

// GetPlan returns a plan: finance and admins read every plan, a rep the
// plans they are on, a manager those of their team; any other is not
// found.
func (s *Service) GetPlan(ctx context.Context, st Store, id string) (Plan, error) {
	a, err := quotient.RequireActor(ctx)
	if err != nil {
		return Plan{}, err
	}
	p, err := st.GetPlan(ctx, id)
	if err != nil {
		return Plan{}, err
	}
	if r := a.Reach(); !r.All {
		ok, err := st.PlanAssignedTo(ctx, id, r.Users)
		if err != nil {
			return Plan{}, err
		}
		if !ok {
			return Plan{}, quotient.Errorf(quotient.NotFound, "commission plan %q not found", id)
		}
	}
	return p, nil
}

// Plans lists by id the plans the actor may read (see GetPlan).
func (s *Service) Plans(ctx context.Context, st Store, p quotient.Page) ([]Plan, error) {
	a, err := quotient.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	return st.ListPlans(ctx, a.Reach(), p)
}

// AssignmentInput puts a user on a plan.
type AssignmentInput struct {
	UserID    string
	ValidFrom quotient.Date
	ValidTo   quotient.Date
	Quota     decimal.Decimal
	Currency  string
}

// UserStore finds users.
type UserStore interface {
	UserExists(ctx context.Context, id string) (bool, error)
}

// Assign puts a user on a plan (finance or admin). A user is on one plan
// at a time: assignments of a user may not overlap.
func (s *Service) Assign(ctx context.Context, st interface {
	Store
	UserStore
}, planID string, in AssignmentInput) (Assignment, error) {
	if _, err := requireAdminOrFinance(ctx, "assigning a commission plan"); err != nil {
		return Assignment{}, err
	}
	p, err := st.GetPlan(ctx, planID)
	if err != nil {
		return Assignment{}, err
	}
	pr := quotient.Problems{}
	if ok, err := st.UserExists(ctx, in.UserID); err != nil {
		return Assignment{}, err
	} else if !ok {
		pr.Add("user_id", "no user %q", in.UserID)
	}
	if in.ValidFrom.IsZero() {
		in.ValidFrom = p.ValidFrom
	}
	pr.DateGiven("valid_from", in.ValidFrom)
	if !in.ValidTo.IsZero() && in.ValidTo.Before(in.ValidFrom) {
		pr.Add("valid_to", "must be on or after valid_from")
	}
	if in.Currency == "" {
		in.Currency = "USD"
	}
	pr.Currency("currency", in.Currency)
	pr.NonNegative("quota", in.Quota, 2)
	if err := pr.Err(); err != nil {
		return Assignment{}, err
	}
	others, err := st.UserAssignments(ctx, in.UserID)
	if err != nil {
		return Assignment{}, err
	}
	for _, o := range others {
		if (o.ValidTo.IsZero() || !in.ValidFrom.After(o.ValidTo)) && (in.ValidTo.IsZero() || !o.ValidFrom.After(in.ValidTo)) {
			to := o.ValidTo.String()
			if to == "" {
				to = "open-ended"
			}
			return Assignment{}, quotient.FieldErrorf(quotient.Conflict, "valid_from", "the user is on plan %s from %s to %s already; end that assignment first",
				o.PlanID, o.ValidFrom, to)
		}
	}
	a := Assignment{ID: quotient.NewID("cas"), PlanID: p.ID, UserID: in.UserID, ValidFrom: in.ValidFrom, ValidTo: in.ValidTo, Quota: in.Quota,
		Currency: in.Currency, CreatedAt: s.now().UTC()}
	return a, st.InsertAssignment(ctx, a)
}

// Assignments lists a plan's assignments.
func (s *Service) Assignments(ctx context.Context, st Store, planID string) ([]Assignment, error) {
	if _, err := s.GetPlan(ctx, st, planID); err != nil { // whoever reads the plan
		return nil, err
	}
	return st.ListAssignments(ctx, planID)
}

// SetSplits splits an opportunity's credit between reps by percent (the
// opportunity's owner, their manager, or an admin); the shares must add up
// to 100. No splits: the order's owner gets it all.
func (s *Service) SetSplits(ctx context.Context, st interface {
	Store
	UserStore
}, opportunityID, ownerID string, splits []Split) ([]Split, error) {
	a, err := quotient.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	if !a.MayWriteOwnedBy(ownerID) {
		return nil, quotient.Errorf(quotient.Forbidden, "only the opportunity's owner, their manager or an admin splits its credit")
	}
	pr := quotient.Problems{}
	sum := decimal.Zero
	seen := map[string]bool{}
	if len(splits) == 0 || len(splits) > 20 {
		pr.Add("splits", "give 1 to 20 shares")
	}
	for i, sp := range splits {
		f := fmt.Sprintf("splits[%d]", i)
		if ok, err := st.UserExists(ctx, sp.UserID); err != nil {
			return nil, err
		} else if !ok || seen[sp.UserID] {
			pr.Add(f+".user_id", "no user %q (or named twice)", sp.UserID)
		}
		seen[sp.UserID] = true
		if !sp.Pct.IsPositive() || sp.Pct.Exponent() < -2 {
			pr.Add(f+".pct", "must be positive with at most 2 decimals")
		}
		sum = sum.Add(sp.Pct)
	}
	if len(splits) > 0 && !sum.Equal(decimal.NewFromInt(100)) {
		pr.Add("splits", "the shares add up to %s, not 100", sum)
	}
	if err := pr.Err(); err != nil {
		return nil, err
	}
	return splits, st.SetSplits(ctx, opportunityID, splits)
}

// Service is the commission service.
type Service struct {
	now    func() time.Time
	ledger *ledger.Service
}

// NewService makes the service.
func NewService(now func() time.Time, l *ledger.Service) *Service {
	return &Service{now: now, ledger: l}
}
