package crm

import (
	"context"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
)

// OpportunityInput holds the fields of a new opportunity.
type OpportunityInput struct {
	AccountID   string
	Name        string
	Stage       Stage
	Amount      decimal.Decimal
	CloseDate   quotient.Date
	OwnerID     string
	Probability *decimal.Decimal
	Description string
}

// OpportunityPatch holds the fields to change; nil leaves a field as it is.
type OpportunityPatch struct {
	Name        *string
	Stage       *Stage
	Amount      *decimal.Decimal
	CloseDate   *quotient.Date
	OwnerID     *string
	Probability *decimal.Decimal
	Description *string
}

var hundred = decimal.NewFromInt(100)

func validateOpportunity(o Opportunity) error {
	p := quotient.Problems{}
	p.Text("name", o.Name, quotient.Required, 200)
	p.OneOf("stage", string(o.Stage), Stages...)
	p.NonNegative("amount", o.Amount, 2)
	if cur, ok := quotient.LookupCurrency(o.Currency); ok {
		p.Scale("amount", o.Amount, cur.MinorUnits)
	}
	p.DateGiven("close_date", o.CloseDate)
	p.NonNegative("probability", o.Probability, 2)
	if o.Probability.GreaterThan(hundred) {
		p.Add("probability", "must be between 0 and 100")
	}
	p.Text("description", o.Description, quotient.Optional, 4000)
	return p.Err()
}

// CreateOpportunity opens an opportunity on an account, in the account's
// currency.
func (s *Service) CreateOpportunity(ctx context.Context, st Store, in OpportunityInput) (Opportunity, error) {
	a, err := quotient.RequireActor(ctx)
	if err != nil {
		return Opportunity{}, err
	}
	if !MayCreateOpportunity(a) {
		return Opportunity{}, forbidden("finance may not create opportunities")
	}
	if in.AccountID == "" {
		return Opportunity{}, quotient.FieldErrorf(quotient.Unprocessable, "account_id", "is required")
	}
	acc, err := st.GetAccount(ctx, in.AccountID)
	if err != nil {
		return Opportunity{}, asFieldError(err, "account_id", "no such account")
	}
	now := s.now().UTC()
	o := Opportunity{ID: quotient.NewID("opp"), AccountID: acc.ID, Name: strings.TrimSpace(in.Name), Stage: in.Stage,
		Amount: in.Amount, Currency: acc.Currency, CloseDate: in.CloseDate, Description: in.Description,
		Version: 1, CreatedAt: now, UpdatedAt: now}
	if o.Stage == "" {
		o.Stage = Prospecting
	}
	if in.Probability != nil {
		o.Probability = *in.Probability
	} else {
		o.Probability = o.Stage.DefaultProbability()
	}
	if err := validateOpportunity(o); err != nil {
		return Opportunity{}, err
	}
	if o.OwnerID, err = ownerFor(ctx, st, a, in.OwnerID); err != nil {
		return Opportunity{}, err
	}
	return o, st.InsertOpportunity(ctx, o)
}

// GetOpportunity returns one opportunity.
func (s *Service) GetOpportunity(ctx context.Context, st Store, id string) (Opportunity, error) {
	if _, err := quotient.RequireActor(ctx); err != nil {
		return Opportunity{}, err
	}
	return st.GetOpportunity(ctx, id)
}

// ListOpportunities returns a page of opportunities.
func (s *Service) ListOpportunities(ctx context.Context, st Store, f OpportunityFilter) ([]Opportunity, error) {
	if _, err := quotient.RequireActor(ctx); err != nil {
		return nil, err
	}
	if f.Stage != "" {
		p := quotient.Problems{Code: quotient.Invalid}
		p.OneOf("stage", f.Stage, Stages...)
		if err := p.Err(); err != nil {
			return nil, err
		}
	}
	return st.ListOpportunities(ctx, f)
}

// UpdateOpportunity changes an opportunity. A closed opportunity (won or
// lost) may be reopened or changed only by an admin.
func (s *Service) UpdateOpportunity(ctx context.Context, st Store, id string, version int, p OpportunityPatch) (Opportunity, error) {
	a, err := quotient.RequireActor(ctx)
	if err != nil {
		return Opportunity{}, err
	}
	o, err := st.GetOpportunity(ctx, id)
	if err != nil {
		return Opportunity{}, err
	}
	if !canOwn(a, o.OwnerID) {
		return Opportunity{}, forbidden("opportunity %s belongs to another rep", id)
	}
	if err := checkVersion(version, o.Version); err != nil {
		return Opportunity{}, err
	}
	if o.Stage.Closed() && a.Role != quotient.RoleAdmin {
		return Opportunity{}, quotient.FieldErrorf(quotient.Conflict, "stage",
			"the opportunity is %s; only an admin may reopen or change a closed opportunity", o.Stage)
	}
	old := o
	setIf(&o.Name, p.Name)
	setIf(&o.Stage, p.Stage)
	setIf(&o.Amount, p.Amount)
	setIf(&o.CloseDate, p.CloseDate)
	setIf(&o.Description, p.Description)
	switch {
	case p.Probability != nil:
		o.Probability = *p.Probability
	case p.Stage != nil && *p.Stage != old.Stage:
		o.Probability = o.Stage.DefaultProbability()
	}
	if err := validateOpportunity(o); err != nil {
		return Opportunity{}, err
	}
	if p.OwnerID != nil && *p.OwnerID != old.OwnerID {
		if o.OwnerID, err = ownerFor(ctx, st, a, *p.OwnerID); err != nil {
			return Opportunity{}, err
		}
	}
	o.Version++
	o.UpdatedAt = s.now().UTC()
	return o, st.UpdateOpportunity(ctx, o, old.Version)
}

// DeleteOpportunity removes an open opportunity; won deals are history and
// stay.
func (s *Service) DeleteOpportunity(ctx context.Context, st Store, id string) error {
	a, err := quotient.RequireActor(ctx)
	if err != nil {
		return err
	}
	o, err := st.GetOpportunity(ctx, id)
	if err != nil {
		return err
	}
	if !canOwn(a, o.OwnerID) {
		return forbidden("opportunity %s belongs to another rep", id)
	}
	if o.Stage == ClosedWon {
		return quotient.Errorf(quotient.Conflict, "opportunity %s is closed_won and is kept as history", id)
	}
	return st.DeleteOpportunity(ctx, id)
}
