package pricing

import (
	"context"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
)

// TaxRatePatch holds the fields to change; nil leaves a field as it is.
type TaxRatePatch struct {
	Region, TaxCategory, Name *string
	RatePct                   *decimal.Decimal
	Reduced                   *bool
}

// CreateTaxRate adds a rate; admins and finance.
func (s *Service) CreateTaxRate(ctx context.Context, st Store, in TaxRate) (TaxRate, error) {
	if err := mayChangeTaxes(ctx); err != nil {
		return TaxRate{}, err
	}
	now := s.now().UTC()
	in.ID, in.Version, in.CreatedAt, in.UpdatedAt = quotient.NewID("tax"), 1, now, now
	if in.TaxCategory == "" {
		in.TaxCategory = "standard"
	}
	if err := ValidateTaxRate(in); err != nil {
		return TaxRate{}, err
	}
	if err := st.InsertTaxRate(ctx, in); err != nil {
		return TaxRate{}, err
	}
	_, err := st.BumpRulebook(ctx)
	return in, err
}

// GetTaxRate returns a rate.
func (s *Service) GetTaxRate(ctx context.Context, st Store, id string) (TaxRate, error) {
	if _, err := actor(ctx); err != nil {
		return TaxRate{}, err
	}
	return st.GetTaxRate(ctx, id)
}

// ListTaxRates returns a page of rates.
func (s *Service) ListTaxRates(ctx context.Context, st Store, p quotient.Page) ([]TaxRate, error) {
	if _, err := actor(ctx); err != nil {
		return nil, err
	}
	return st.ListTaxRates(ctx, p)
}

// UpdateTaxRate changes a rate.
func (s *Service) UpdateTaxRate(ctx context.Context, st Store, id string, version int, p TaxRatePatch) (TaxRate, error) {
	if err := mayChangeTaxes(ctx); err != nil {
		return TaxRate{}, err
	}
	r, err := st.GetTaxRate(ctx, id)
	if err != nil {
		return TaxRate{}, err
	}
	if err := quotient.CheckVersion("tax rate", version, r.Version); err != nil {
		return TaxRate{}, err
	}
	old := r.Version
	set(&r.Region, p.Region)
	set(&r.TaxCategory, p.TaxCategory)
	set(&r.Name, p.Name)
	set(&r.Reduced, p.Reduced)
	set(&r.RatePct, p.RatePct)
	if err := ValidateTaxRate(r); err != nil {
		return TaxRate{}, err
	}
	r.Version++
	r.UpdatedAt = s.now().UTC()
	if err := st.UpdateTaxRate(ctx, r, old); err != nil {
		return TaxRate{}, err
	}
	_, err = st.BumpRulebook(ctx)
	return r, err
}

// DeleteTaxRate removes a rate.
func (s *Service) DeleteTaxRate(ctx context.Context, st Store, id string) error {
	if err := mayChangeTaxes(ctx); err != nil {
		return err
	}
	if err := st.DeleteTaxRate(ctx, id); err != nil {
		return err
	}
	_, err := st.BumpRulebook(ctx)
	return err
}
