package server

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"github.com/quotient-cpq/quotient/catalog"
	"github.com/quotient-cpq/quotient/pricing"
)

var (
	scheduleView  = view[catalog.Schedule, ScheduleJSON]{func(s catalog.Schedule) int { return s.Version }, scheduleJSON}
	priceRuleView = view[pricing.Rule, PriceRuleJSON]{func(r pricing.Rule) int { return r.Version }, priceRuleJSON}
	taxRateView   = view[pricing.TaxRate, TaxRateJSON]{func(t pricing.TaxRate) int { return t.Version }, taxRateJSON}
)

func (s *Server) listSchedules() fiber.Handler {
	return listOf(s, func(x catalog.Schedule) string { return x.ID }, scheduleJSON, nil,
		func(ctx context.Context, tx Tx, c *fiber.Ctx, limit int, after string, _ map[string]string) ([]catalog.Schedule, error) {
			return s.catalog.ListSchedules(ctx, tx, catalog.Page{Limit: limit, After: after})
		})
}

func (s *Server) createSchedule() fiber.Handler {
	return createOne(s, scheduleView, ScheduleRequest.input, func(x catalog.Schedule) string { return v1 + "/discount-schedules/" + x.ID },
		func(ctx context.Context, tx Tx, c *fiber.Ctx, in catalog.Schedule) (catalog.Schedule, error) {
			return s.catalog.CreateSchedule(ctx, tx, in)
		})
}

func (s *Server) getSchedule() fiber.Handler {
	return getOne(s, scheduleView, func(ctx context.Context, tx Tx, c *fiber.Ctx) (catalog.Schedule, error) {
		return s.catalog.GetSchedule(ctx, tx, c.Params("id"))
	})
}

func (s *Server) patchSchedule() fiber.Handler {
	return patchOne(s, scheduleView, ScheduleRequest.patch, func(ctx context.Context, tx Tx, c *fiber.Ctx, v int, p catalog.SchedulePatch) (catalog.Schedule, error) {
		return s.catalog.UpdateSchedule(ctx, tx, c.Params("id"), v, p)
	})
}

func (s *Server) deleteSchedule() fiber.Handler {
	return deleteOne(s, func(ctx context.Context, tx Tx, c *fiber.Ctx) error {
		return s.catalog.DeleteSchedule(ctx, tx, c.Params("id"))
	})
}

func (s *Server) listPriceRules() fiber.Handler {
	return listOf(s, func(x pricing.Rule) string { return x.ID }, priceRuleJSON, nil,
		func(ctx context.Context, tx Tx, c *fiber.Ctx, limit int, after string, _ map[string]string) ([]pricing.Rule, error) {
			return s.pricing.ListRules(ctx, tx, pricing.Page{Limit: limit, After: after})
		})
}

func (s *Server) createPriceRule() fiber.Handler {
	return createOne(s, priceRuleView, PriceRuleRequest.input, func(x pricing.Rule) string { return v1 + "/price-rules/" + x.ID },
		func(ctx context.Context, tx Tx, c *fiber.Ctx, in pricing.RuleInput) (pricing.Rule, error) {
			return s.pricing.CreateRule(ctx, tx, in)
		})
}

func (s *Server) getPriceRule() fiber.Handler {
	return getOne(s, priceRuleView, func(ctx context.Context, tx Tx, c *fiber.Ctx) (pricing.Rule, error) {
		return s.pricing.GetRule(ctx, tx, c.Params("id"))
	})
}

func (s *Server) patchPriceRule() fiber.Handler {
	return patchOne(s, priceRuleView, PriceRuleRequest.patch, func(ctx context.Context, tx Tx, c *fiber.Ctx, v int, p pricing.RulePatch) (pricing.Rule, error) {
		return s.pricing.UpdateRule(ctx, tx, c.Params("id"), v, p)
	})
}

func (s *Server) deletePriceRule() fiber.Handler {
	return deleteOne(s, func(ctx context.Context, tx Tx, c *fiber.Ctx) error {
		return s.pricing.DeleteRule(ctx, tx, c.Params("id"))
	})
}

func (s *Server) priceRuleVersions() fiber.Handler {
	return func(c *fiber.Ctx) error {
		if _, _, err := parseList(c); err != nil {
			return err
		}
		vs, err := read(s, c, func(ctx context.Context, tx Tx) ([]pricing.Rule, error) {
			return s.pricing.RuleVersions(ctx, tx, c.Params("id"))
		})
		if err != nil {
			return err
		}
		return send(c, fiber.StatusOK, 0, listPage[PriceRuleJSON]{Data: mapSlice(vs, priceRuleJSON)})
	}
}

func (s *Server) checkPriceRules() fiber.Handler {
	return func(c *fiber.Ctx) error {
		type result struct {
			version  int
			findings []pricing.Finding
		}
		r, err := read(s, c, func(ctx context.Context, tx Tx) (result, error) {
			fs, err := s.pricing.Check(ctx, tx)
			if err != nil {
				return result{}, err
			}
			v, err := tx.RulebookVersion(ctx)
			return result{v, fs}, err
		})
		if err != nil {
			return err
		}
		out := CheckJSON{RulebookVersion: r.version, Findings: make([]FindingJSON, len(r.findings))}
		for i, f := range r.findings {
			out.Findings[i] = FindingJSON{Kind: f.Kind, RuleIDs: f.RuleIDs, Message: f.Message}
		}
		return send(c, fiber.StatusOK, 0, out)
	}
}

func (s *Server) listTaxRates() fiber.Handler {
	return listOf(s, func(x pricing.TaxRate) string { return x.ID }, taxRateJSON, nil,
		func(ctx context.Context, tx Tx, c *fiber.Ctx, limit int, after string, _ map[string]string) ([]pricing.TaxRate, error) {
			return s.pricing.ListTaxRates(ctx, tx, pricing.Page{Limit: limit, After: after})
		})
}

func (s *Server) createTaxRate() fiber.Handler {
	return createOne(s, taxRateView, TaxRateRequest.input, func(x pricing.TaxRate) string { return v1 + "/tax-rates/" + x.ID },
		func(ctx context.Context, tx Tx, c *fiber.Ctx, in pricing.TaxRate) (pricing.TaxRate, error) {
			return s.pricing.CreateTaxRate(ctx, tx, in)
		})
}

func (s *Server) getTaxRate() fiber.Handler {
	return getOne(s, taxRateView, func(ctx context.Context, tx Tx, c *fiber.Ctx) (pricing.TaxRate, error) {
		return s.pricing.GetTaxRate(ctx, tx, c.Params("id"))
	})
}

func (s *Server) patchTaxRate() fiber.Handler {
	return patchOne(s, taxRateView, TaxRateRequest.patch, func(ctx context.Context, tx Tx, c *fiber.Ctx, v int, p pricing.TaxRatePatch) (pricing.TaxRate, error) {
		return s.pricing.UpdateTaxRate(ctx, tx, c.Params("id"), v, p)
	})
}

func (s *Server) deleteTaxRate() fiber.Handler {
	return deleteOne(s, func(ctx context.Context, tx Tx, c *fiber.Ctx) error {
		return s.pricing.DeleteTaxRate(ctx, tx, c.Params("id"))
	})
}

// preview is POST /pricing/preview: it prices and saves nothing.
func (s *Server) preview() fiber.Handler {
	return func(c *fiber.Ctx) error {
		in, err := decodeWith(c, PreviewRequest.input)
		if err != nil {
			return err
		}
		res, err := read(s, c, func(ctx context.Context, tx Tx) (*pricing.Result, error) {
			return s.pricing.Preview(ctx, tx, in)
		})
		if err != nil {
			return err
		}
		return send(c, fiber.StatusOK, 0, pricingJSON(res))
	}
}

func mapSlice[T, J any](xs []T, f func(T) J) []J {
	out := make([]J, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}
