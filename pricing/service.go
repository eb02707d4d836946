package pricing

import (
	"context"
	"sync"
	"time"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/catalog"
	"github.com/quotient-cpq/quotient/crm"
	"github.com/quotient-cpq/quotient/rules"
)

// RuleFilter selects price rules or tax rates: one page of them, or (with
// ActiveOnly) only those in force.
type RuleFilter struct {
	quotient.Page
	ActiveOnly bool
}

// Store is what pricing needs from storage, inside the caller's
// transaction.
type Store interface {
	RulebookVersion(ctx context.Context) (int, error)
	// PricingVersions reads the rulebook's version and the catalog's in
	// one statement.
	PricingVersions(ctx context.Context) (rulebook int, catalog int64, err error)
	BumpRulebook(ctx context.Context) (int, error)

	InsertRule(ctx context.Context, r Rule) error
	GetRule(ctx context.Context, id string) (Rule, error)
	UpdateRule(ctx context.Context, r Rule, version int) error
	DeleteRule(ctx context.Context, id string) error
	ListRules(ctx context.Context, f RuleFilter) ([]Rule, error)
	RuleVersions(ctx context.Context, id string) ([]Rule, error)

	InsertTaxRate(ctx context.Context, r TaxRate) error
	GetTaxRate(ctx context.Context, id string) (TaxRate, error)
	UpdateTaxRate(ctx context.Context, r TaxRate, version int) error
	DeleteTaxRate(ctx context.Context, id string) error
	ListTaxRates(ctx context.Context, p quotient.Page) ([]TaxRate, error)

	ListSchedules(ctx context.Context, p quotient.Page) ([]catalog.Schedule, error)
	GetAccount(ctx context.Context, id string) (crm.Account, error)
	GetPriceBook(ctx context.Context, id string) (catalog.PriceBook, error)
	DefaultPriceBook(ctx context.Context, currency string) (catalog.PriceBook, error)
	ProductsByID(ctx context.Context, ids []string) (map[string]catalog.Product, error)
	EntriesFor(ctx context.Context, bookID string, productIDs []string) (map[string]catalog.Entry, error)
	ListProducts(ctx context.Context, f catalog.ProductFilter) ([]catalog.Product, error)
	ListConfigRules(ctx context.Context, productID string, p quotient.Page) ([]catalog.ConfigRule, error)
}

// Service manages the rulebook and prices documents.
type Service struct {
	now         func() time.Time
	cache       *rules.Cache
	configCache *rules.Cache
	// CostCurrency is the currency of products' unit_cost.
	CostCurrency string

	mu  sync.Mutex
	rb  *Rulebook
	cat *catalogCache
}

// NewService returns a Service reading the time from now.
func NewService(now func() time.Time) *Service {
	return &Service{now: now, cache: &rules.Cache{}, configCache: &rules.Cache{}, CostCurrency: "USD"}
}

func actor(ctx context.Context) (quotient.Actor, error) {
	a, ok := quotient.ActorFrom(ctx)
	if !ok {
		return a, quotient.Errorf(quotient.Unauthorized, "sign in with an API token")
	}
	return a, nil
}

// mayChangeRules allows changes to the price rules to admins.
func mayChangeRules(ctx context.Context) error {
	a, err := actor(ctx)
	if err != nil || a.Role == quotient.RoleAdmin {
		return err
	}
	return quotient.Errorf(quotient.Forbidden, "only an admin may change the pricing rulebook")
}

// mayChangeTaxes allows changes to tax rates to admins and finance.
func mayChangeTaxes(ctx context.Context) error {
	a, err := actor(ctx)
	if err != nil || a.Role == quotient.RoleAdmin || a.Role == quotient.RoleFinance {
		return err
	}
	return quotient.Errorf(quotient.Forbidden, "only an admin or finance may change tax rates")
}

// Rulebook returns the compiled rulebook at its current version, reusing
// the compiled one while the version is unchanged (the version lives in the
// database, so every server sees changes).
func (s *Service) Rulebook(ctx context.Context, st Store) (*Rulebook, error) {
	v, err := st.RulebookVersion(ctx)
	if err != nil {
		return nil, err
	}
	return s.rulebookAt(ctx, st, v)
}

// rulebookAt is Rulebook when the version has been read.
func (s *Service) rulebookAt(ctx context.Context, st Store, v int) (*Rulebook, error) {
	s.mu.Lock()
	rb := s.rb
	s.mu.Unlock()
	if rb != nil && rb.Version == v {
		return rb, nil
	}
	scheds, err := st.ListSchedules(ctx, quotient.Page{})
	if err != nil {
		return nil, err
	}
	rs, err := st.ListRules(ctx, RuleFilter{ActiveOnly: true})
	if err != nil {
		return nil, err
	}
	taxes, err := st.ListTaxRates(ctx, quotient.Page{})
	if err != nil {
		return nil, err
	}
	rb, err = NewRulebook(v, scheds, rs, taxes, s.cache)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	if s.rb == nil || s.rb.Version < v {
		s.rb = rb
	}
	s.mu.Unlock()
	return rb, nil
}

func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}
