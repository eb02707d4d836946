package pricing

import (
	"context"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
)

// RuleInput holds a new rule's fields; RulePatch the fields to change.
type RuleInput struct {
	Name, Condition, Formula string
	Action                   Action
	Value                    decimal.Decimal
	Priority                 int
	Stackable                bool
	ValidFrom, ValidTo       quotient.Date
	Active                   *bool
}

// RulePatch holds the fields to change; nil leaves a field as it is.
type RulePatch struct {
	Name, Condition, Formula *string
	Action                   *Action
	Value                    *decimal.Decimal
	Priority                 *int
	Stackable                *bool
	ValidFrom, ValidTo       *quotient.Date
	Active                   *bool
}

// CreateRule adds a price rule (compiled and type-checked now) and bumps
// the rulebook version.
func (s *Service) CreateRule(ctx context.Context, st Store, in RuleInput) (Rule, error) {
	if err := mayChangeRules(ctx); err != nil {
		return Rule{}, err
	}
	now := s.now().UTC()
	r := Rule{ID: quotient.NewID("prl"), Name: strings.TrimSpace(in.Name), Condition: in.Condition, Action: in.Action, Value: in.Value,
		Formula: in.Formula, Priority: in.Priority, Stackable: in.Stackable, ValidFrom: in.ValidFrom, ValidTo: in.ValidTo,
		Active: true, Version: 1, CreatedAt: now, UpdatedAt: now}
	if in.Active != nil {
		r.Active = *in.Active
	}
	if err := ValidateRule(r, s.cache); err != nil {
		return Rule{}, err
	}
	if err := st.InsertRule(ctx, r); err != nil {
		return Rule{}, err
	}
	_, err := st.BumpRulebook(ctx)
	return r, err
}

// GetRule returns a price rule.
func (s *Service) GetRule(ctx context.Context, st Store, id string) (Rule, error) {
	if _, err := actor(ctx); err != nil {
		return Rule{}, err
	}
	return st.GetRule(ctx, id)
}

// ListRules returns a page of price rules.
func (s *Service) ListRules(ctx context.Context, st Store, p quotient.Page) ([]Rule, error) {
	if _, err := actor(ctx); err != nil {
		return nil, err
	}
	return st.ListRules(ctx, RuleFilter{Page: p})
}

// RuleVersions returns every version of a rule.
func (s *Service) RuleVersions(ctx context.Context, st Store, id string) ([]Rule, error) {
	if _, err := s.GetRule(ctx, st, id); err != nil {
		return nil, err
	}
	return st.RuleVersions(ctx, id)
}

// UpdateRule makes a new version of a rule; earlier versions stay in its
// history and documents priced with them keep them.
func (s *Service) UpdateRule(ctx context.Context, st Store, id string, version int, p RulePatch) (Rule, error) {
	if err := mayChangeRules(ctx); err != nil {
		return Rule{}, err
	}
	r, err := st.GetRule(ctx, id)
	if err != nil {
		return Rule{}, err
	}
	if err := quotient.CheckVersion("rule", version, r.Version); err != nil {
		return Rule{}, err
	}
	old := r.Version
	set(&r.Name, p.Name)
	set(&r.Condition, p.Condition)
	set(&r.Formula, p.Formula)
	set(&r.Action, p.Action)
	set(&r.Value, p.Value)
	set(&r.Priority, p.Priority)
	set(&r.Stackable, p.Stackable)
	set(&r.ValidFrom, p.ValidFrom)
	set(&r.ValidTo, p.ValidTo)
	set(&r.Active, p.Active)
	if err := ValidateRule(r, s.cache); err != nil {
		return Rule{}, err
	}
	r.Version++
	r.UpdatedAt = s.now().UTC()
	if err := st.UpdateRule(ctx, r, old); err != nil {
		return Rule{}, err
	}
	_, err = st.BumpRulebook(ctx)
	return r, err
}

// DeleteRule removes a rule (its history stays).
func (s *Service) DeleteRule(ctx context.Context, st Store, id string) error {
	if err := mayChangeRules(ctx); err != nil {
		return err
	}
	if err := st.DeleteRule(ctx, id); err != nil {
		return err
	}
	_, err := st.BumpRulebook(ctx)
	return err
}
