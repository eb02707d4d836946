package server

import (
	"github.com/gofiber/fiber/v2"

	"github.com/quotient-cpq/quotient/app"
)

// InvariantJSON is one invariant and what breaks it.
type InvariantJSON struct {
	Name     string   `json:"name"`
	OK       bool     `json:"ok"`
	Problems []string `json:"problems"`
}

// InvariantReportJSON is the result of checking every invariant.
type InvariantReportJSON struct {
	OK     bool            `json:"ok"`
	Checks []InvariantJSON `json:"checks"`
}

// InvariantReport is an invariant report as JSON.
func InvariantReport(r app.InvariantReport) InvariantReportJSON {
	out := InvariantReportJSON{OK: r.OK(), Checks: []InvariantJSON{}}
	for _, i := range r.Invariants {
		problems := i.Problems
		if problems == nil {
			problems = []string{}
		}
		out.Checks = append(out.Checks, InvariantJSON{Name: i.Name, OK: i.OK(), Problems: problems})
	}
	return out
}

func (s *Server) adminCheck() fiber.Handler {
	return func(c *fiber.Ctx) error {
		r, err := s.app.Check(c.UserContext())
		if err != nil {
			return err
		}
		return send(c, fiber.StatusOK, 0, InvariantReport(r))
	}
}
