package server

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/catalog"
	"github.com/quotient-cpq/quotient/pricing"
)

var (
	scheduleView  = view[catalog.Schedule, ScheduleJSON]{version: func(s catalog.Schedule) int { return s.Version }, json: scheduleJSON}
	priceRuleView = view[pricing.Rule, PriceRuleJSON]{version: func(r pricing.Rule) int { return r.Version }, json: priceRuleJSON}
	taxRateView   = view[pricing.TaxRate, TaxRateJSON]{version: func(t pricing.TaxRate) int { return t.Version }, json: taxRateJSON}
)

func (s *Server) listSchedules() fiber.Handler {
	return listOf(func(x catalog.Schedule) string { return x.ID }, scheduleJSON, nil,
		func(ctx context.Context, c *fiber.Ctx, p quotient.Page, _ map[string]string) ([]catalog.Schedule, error) {
			return s.app.Schedules(ctx, p)
		})
}

func (s *Server) createSchedule() fiber.Handler {
	return createOne(scheduleView, ScheduleRequest.input, func(x catalog.Schedule) string { return v1 + "/discount-schedules/" + x.ID },
		func(ctx context.Context, c *fiber.Ctx, in catalog.Schedule) (catalog.Schedule, error) {
			return s.app.CreateSchedule(ctx, in)
		})
}

func (s *Server) getSchedule() fiber.Handler {
	return getOne(scheduleView, func(ctx context.Context, c *fiber.Ctx) (catalog.Schedule, error) {
		return s.app.Schedule(ctx, c.Params("id"))
	})
}

func (s *Server) patchSchedule() fiber.Handler {
	return patchOne(scheduleView, ScheduleRequest.patch, func(ctx context.Context, c *fiber.Ctx, v int, p catalog.SchedulePatch) (catalog.Schedule, error) {
		return s.app.UpdateSchedule(ctx, c.Params("id"), v, p)
	})
}

func (s *Server) deleteSchedule() fiber.Handler {
	return deleteOne(func(ctx context.Context, c *fiber.Ctx) error {
		return s.app.DeleteSchedule(ctx, c.Params("id"))
	})
}

func (s *Server) listPriceRules() fiber.Handler {
	return listOf(func(x pricing.Rule) string { return x.ID }, priceRuleJSON, nil,
		func(ctx context.Context, c *fiber.Ctx, p quotient.Page, _ map[string]string) ([]pricing.Rule, error) {
			return s.app.PriceRules(ctx, p)
		})
}

func (s *Server) createPriceRule() fiber.Handler {
	return createOne(priceRuleView, PriceRuleRequest.input, func(x pricing.Rule) string { return v1 + "/price-rules/" + x.ID },
		func(ctx context.Context, c *fiber.Ctx, in pricing.RuleInput) (pricing.Rule, error) {
			return s.app.CreatePriceRule(ctx, in)
		})
}

func (s *Server) getPriceRule() fiber.Handler {
	return getOne(priceRuleView, func(ctx context.Context, c *fiber.Ctx) (pricing.Rule, error) {
		return s.app.PriceRule(ctx, c.Params("id"))
	})
}

func (s *Server) patchPriceRule() fiber.Handler {
	return patchOne(priceRuleView, PriceRuleRequest.patch, func(ctx context.Context, c *fiber.Ctx, v int, p pricing.RulePatch) (pricing.Rule, error) {
		return s.app.UpdatePriceRule(ctx, c.Params("id"), v, p)
	})
}

func (s *Server) deletePriceRule() fiber.Handler {
	return deleteOne(func(ctx context.Context, c *fiber.Ctx) error {
		return s.app.DeletePriceRule(ctx, c.Params("id"))
	})
}

func (s *Server) priceRuleVersions() fiber.Handler {
	return func(c *fiber.Ctx) error {
		if _, _, err := parseList(c); err != nil {
			return err
		}
		vs, err := s.app.PriceRuleVersions(c.UserContext(), c.Params("id"))
		if err != nil {
			return err
		}
		return send(c, fiber.StatusOK, 0, listPage[PriceRuleJSON]{Data: mapSlice(vs, priceRuleJSON)})
	}
}

func (s *Server) checkPriceRules() fiber.Handler {
	return func(c *fiber.Ctx) error {
		r, err := s.app.CheckPriceRules(c.UserContext())
		if err != nil {
			return err
		}
		out := CheckJSON{RulebookVersion: r.Version, Findings: make([]FindingJSON, len(r.Findings))}
		for i, f := range r.Findings {
			out.Findings[i] = FindingJSON{Kind: f.Kind, RuleIDs: f.RuleIDs, Message: f.Message}
		}
		return send(c, fiber.StatusOK, 0, out)
	}
}

func (s *Server) listTaxRates() fiber.Handler {
	return listOf(func(x pricing.TaxRate) string { return x.ID }, taxRateJSON, nil,
		func(ctx context.Context, c *fiber.Ctx, p quotient.Page, _ map[string]string) ([]pricing.TaxRate, error) {
			return s.app.TaxRates(ctx, p)
		})
}

func (s *Server) createTaxRate() fiber.Handler {
	return createOne(taxRateView, TaxRateRequest.input, func(x pricing.TaxRate) string { return v1 + "/tax-rates/" + x.ID },
		func(ctx context.Context, c *fiber.Ctx, in pricing.TaxRate) (pricing.TaxRate, error) {
			return s.app.CreateTaxRate(ctx, in)
		})
}

func (s *Server) getTaxRate() fiber.Handler {
	return getOne(taxRateView, func(ctx context.Context, c *fiber.Ctx) (pricing.TaxRate, error) {
		return s.app.TaxRate(ctx, c.Params("id"))
	})
}

func (s *Server) patchTaxRate() fiber.Handler {
	return patchOne(taxRateView, TaxRateRequest.patch, func(ctx context.Context, c *fiber.Ctx, v int, p pricing.TaxRatePatch) (pricing.TaxRate, error) {
		return s.app.UpdateTaxRate(ctx, c.Params("id"), v, p)
	})
}

func (s *Server) deleteTaxRate() fiber.Handler {
	return deleteOne(func(ctx context.Context, c *fiber.Ctx) error {
		return s.app.DeleteTaxRate(ctx, c.Params("id"))
	})
}

// preview is POST /pricing/preview: it prices and saves nothing.
func (s *Server) preview() fiber.Handler {
	return func(c *fiber.Ctx) error {
		in, err := decodeWith(c, PreviewRequest.input)
		if err != nil {
			return err
		}
		res, err := s.app.PreviewPrices(c.UserContext(), in)
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
