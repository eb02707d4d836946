package app

import (
	"context"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/pricing"
)

// PriceRules lists price rules.
func (a *App) PriceRules(ctx context.Context, p quotient.Page) ([]pricing.Rule, error) {
	return read(ctx, a, func(tx Tx) ([]pricing.Rule, error) { return a.pricing.ListRules(ctx, tx, p) })
}

// CreatePriceRule adds a price rule (admin); its expressions are compiled
// and type-checked now.
func (a *App) CreatePriceRule(ctx context.Context, in pricing.RuleInput) (pricing.Rule, error) {
	return change(ctx, a, func(tx Tx) (pricing.Rule, error) { return a.pricing.CreateRule(ctx, tx, in) })
}

// PriceRule returns a price rule.
func (a *App) PriceRule(ctx context.Context, id string) (pricing.Rule, error) {
	return read(ctx, a, func(tx Tx) (pricing.Rule, error) { return a.pricing.GetRule(ctx, tx, id) })
}

// PriceRuleVersions returns every version of a price rule.
func (a *App) PriceRuleVersions(ctx context.Context, id string) ([]pricing.Rule, error) {
	return read(ctx, a, func(tx Tx) ([]pricing.Rule, error) { return a.pricing.RuleVersions(ctx, tx, id) })
}

// UpdatePriceRule changes a price rule (admin) read at version (0: any),
// making a new version.
func (a *App) UpdatePriceRule(ctx context.Context, id string, version int, p pricing.RulePatch) (pricing.Rule, error) {
	return change(ctx, a, func(tx Tx) (pricing.Rule, error) { return a.pricing.UpdateRule(ctx, tx, id, version, p) })
}

// DeletePriceRule deletes a price rule; its versions stay (admin).
func (a *App) DeletePriceRule(ctx context.Context, id string) error {
	return do(ctx, a, func(tx Tx) error { return a.pricing.DeleteRule(ctx, tx, id) })
}

// RulebookCheck is what linting the rulebook found, at its version.
type RulebookCheck struct {
	Version  int
	Findings []pricing.Finding
}

// CheckPriceRules lints the rulebook: rules that can never match, and
// conflicting non-stackable pairs.
func (a *App) CheckPriceRules(ctx context.Context) (RulebookCheck, error) {
	return read(ctx, a, func(tx Tx) (RulebookCheck, error) {
		fs, err := a.pricing.Check(ctx, tx)
		if err != nil {
			return RulebookCheck{}, err
		}
		v, err := tx.RulebookVersion(ctx)
		return RulebookCheck{v, fs}, err
	})
}

// TaxRates lists tax rates.
func (a *App) TaxRates(ctx context.Context, p quotient.Page) ([]pricing.TaxRate, error) {
	return read(ctx, a, func(tx Tx) ([]pricing.TaxRate, error) { return a.pricing.ListTaxRates(ctx, tx, p) })
}

// CreateTaxRate adds a tax rate for a region and tax category (admin,
// finance).
func (a *App) CreateTaxRate(ctx context.Context, in pricing.TaxRate) (pricing.TaxRate, error) {
	return change(ctx, a, func(tx Tx) (pricing.TaxRate, error) { return a.pricing.CreateTaxRate(ctx, tx, in) })
}

// TaxRate returns a tax rate.
func (a *App) TaxRate(ctx context.Context, id string) (pricing.TaxRate, error) {
	return read(ctx, a, func(tx Tx) (pricing.TaxRate, error) { return a.pricing.GetTaxRate(ctx, tx, id) })
}

// UpdateTaxRate changes a tax rate (admin, finance) read at version (0:
// any).
func (a *App) UpdateTaxRate(ctx context.Context, id string, version int, p pricing.TaxRatePatch) (pricing.TaxRate, error) {
	return change(ctx, a, func(tx Tx) (pricing.TaxRate, error) { return a.pricing.UpdateTaxRate(ctx, tx, id, version, p) })
}

// DeleteTaxRate deletes a tax rate (admin, finance).
func (a *App) DeleteTaxRate(ctx context.Context, id string) error {
	return do(ctx, a, func(tx Tx) error { return a.pricing.DeleteTaxRate(ctx, tx, id) })
}

// PreviewPrices prices lines for an account with the full trace and saves
// nothing. It runs outside a transaction: when nothing in the catalog
// changed it reads two rows (the versions, the account), each statement
// on its own, and the rest comes from the servers' caches; what it must
// read of the catalog is at least as new as the version it read, which is
// all the caches need.
func (a *App) PreviewPrices(ctx context.Context, in pricing.PreviewInput) (*pricing.Result, error) {
	var out *pricing.Result
	err := a.db.Read(ctx, func(tx Tx) error {
		var err error
		out, err = a.pricing.Preview(ctx, tx, in)
		return err
	})
	return out, err
}
