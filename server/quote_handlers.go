package server

import (
	"context"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/quotient-cpq/quotient/quote"
)

var (
	quoteView        = view[quoted, QuoteJSON]{func(x quoted) int { return x.v.ETag }, quoteJSON}
	approvalRuleView = view[quote.ApprovalRule, ApprovalRuleJSON]{func(r quote.ApprovalRule) int { return r.Version }, approvalRuleJSON}
	quoteFilters     = []string{"account_id", "owner_id", "opportunity_id"}
)

func (s *Server) listQuotes() fiber.Handler {
	summary := func(x quoted) QuoteJSON {
		j := quoteJSON(x)
		j.Lines, j.Taxes = []PricedLineJSON{}, []TaxLineJSON{} // GET /quotes/{id} has the lines
		return j
	}
	return listOf(s, func(x quoted) string { return x.q.ID }, summary, quoteFilters,
		func(ctx context.Context, tx Tx, c *fiber.Ctx, limit int, after string, f map[string]string) ([]quoted, error) {
			qs, err := s.quotes.List(ctx, tx, quote.Filter{Limit: limit, After: after, AccountID: f["account_id"], OwnerID: f["owner_id"],
				OpportunityID: f["opportunity_id"]})
			if err != nil {
				return nil, err
			}
			out := make([]quoted, len(qs))
			for i, q := range qs {
				v, err := tx.GetVersion(ctx, q.ID, q.CurrentVersion)
				if err != nil {
					return nil, err
				}
				out[i] = quoted{q, v}
			}
			return out, nil
		})
}

func (s *Server) createQuote() fiber.Handler {
	return createOne(s, quoteView, QuoteRequest.input, func(x quoted) string { return v1 + "/quotes/" + x.q.ID },
		func(ctx context.Context, tx Tx, c *fiber.Ctx, in quote.Input) (quoted, error) {
			q, v, err := s.quotes.Create(ctx, tx, in)
			return quoted{q, v}, err
		})
}

// versionParam reads ?version=N (0 when absent: the current version).
func versionParam(c *fiber.Ctx) (int, error) {
	_, f, err := parseList(c, "version")
	if err != nil {
		return 0, err
	}
	v, ok := f["version"]
	if !ok {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, invalid("version", "must be a version number from 1 (got %q)", v)
	}
	return n, nil
}

// loadVersion loads the current version, or version n when n > 0.
func (s *Server) loadVersion(ctx context.Context, tx Tx, id string, n int) (quote.Quote, quote.Version, error) {
	if n == 0 {
		return s.quotes.Get(ctx, tx, id)
	}
	return s.quotes.GetVersion(ctx, tx, id, n)
}

// getQuote returns the current version, or ?version=N.
func (s *Server) getQuote() fiber.Handler {
	return func(c *fiber.Ctx) error {
		n, err := versionParam(c)
		if err != nil {
			return err
		}
		x, err := read(s, c, func(ctx context.Context, tx Tx) (quoted, error) {
			q, v, err := s.loadVersion(ctx, tx, c.Params("id"), n)
			return quoted{q, v}, err
		})
		if err != nil {
			return err
		}
		return send(c, fiber.StatusOK, x.v.ETag, quoteJSON(x))
	}
}

func (s *Server) patchQuote() fiber.Handler {
	return patchOne(s, quoteView, QuoteRequest.patch, func(ctx context.Context, tx Tx, c *fiber.Ctx, v int, p quote.Patch) (quoted, error) {
		q, ver, err := s.quotes.Update(ctx, tx, c.Params("id"), v, p)
		return quoted{q, ver}, err
	})
}

// quoteAction answers the POST actions that return the quote.
func (s *Server) quoteAction(fn func(ctx context.Context, tx Tx, id string) (quote.Quote, quote.Version, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		return commit(s, c, func(ctx context.Context, tx Tx) (quoted, error) {
			q, v, err := fn(ctx, tx, c.Params("id"))
			return quoted{q, v}, err
		}, func(x quoted) response {
			return response{status: fiber.StatusOK, version: x.v.ETag, body: quoteJSON(x)}
		})
	}
}

// submission answers submit, approve and reject with the approvals.
func (s *Server) submission(fn func(ctx context.Context, tx Tx, c *fiber.Ctx) (quote.Quote, quote.Version, []quote.Request, error)) fiber.Handler {
	type result struct {
		x    quoted
		reqs []quote.Request
	}
	return func(c *fiber.Ctx) error {
		return commit(s, c, func(ctx context.Context, tx Tx) (result, error) {
			q, v, reqs, err := fn(ctx, tx, c)
			return result{quoted{q, v}, reqs}, err
		}, func(r result) response {
			return response{status: fiber.StatusOK, version: r.x.v.ETag,
				body: SubmissionJSON{Quote: quoteJSON(r.x), Approvals: mapSlice(r.reqs, approvalRequestJSON)}}
		})
	}
}

func (s *Server) decide(approve bool) fiber.Handler {
	return s.submission(func(ctx context.Context, tx Tx, c *fiber.Ctx) (quote.Quote, quote.Version, []quote.Request, error) {
		req, err := decodeOptional[DecisionRequest](c)
		if err != nil {
			return quote.Quote{}, quote.Version{}, nil, err
		}
		return s.quotes.Decide(ctx, tx, c.Params("id"), req.RequestID, approve, req.Comment)
	})
}

func (s *Server) quoteVersions() fiber.Handler {
	return func(c *fiber.Ctx) error {
		if _, _, err := parseList(c); err != nil {
			return err
		}
		type result struct {
			q  quote.Quote
			vs []quote.Version
		}
		r, err := read(s, c, func(ctx context.Context, tx Tx) (result, error) {
			q, err := tx.GetQuote(ctx, c.Params("id"))
			if err != nil {
				return result{}, err
			}
			vs, err := s.quotes.Versions(ctx, tx, q.ID)
			return result{q, vs}, err
		})
		if err != nil {
			return err
		}
		out := make([]QuoteJSON, len(r.vs))
		for i, v := range r.vs {
			out[i] = quoteJSON(quoted{r.q, v})
		}
		return send(c, fiber.StatusOK, 0, listPage[QuoteJSON]{Data: out})
	}
}

func (s *Server) quoteDiff() fiber.Handler {
	return func(c *fiber.Ctx) error {
		_, f, err := parseList(c, "from", "to")
		if err != nil {
			return err
		}
		from, err1 := strconv.Atoi(f["from"])
		to, err2 := strconv.Atoi(f["to"])
		if err1 != nil {
			return invalid("from", "give the version to compare from, e.g. from=1")
		}
		if err2 != nil {
			return invalid("to", "give the version to compare to, e.g. to=2")
		}
		d, err := read(s, c, func(ctx context.Context, tx Tx) (quote.Diff, error) {
			return s.quotes.Diff(ctx, tx, c.Params("id"), from, to)
		})
		if err != nil {
			return err
		}
		return send(c, fiber.StatusOK, 0, diffJSON(d))
	}
}

func (s *Server) quoteHistory() fiber.Handler {
	return func(c *fiber.Ctx) error {
		if _, _, err := parseList(c); err != nil {
			return err
		}
		evs, err := read(s, c, func(ctx context.Context, tx Tx) ([]quote.Event, error) {
			return s.quotes.History(ctx, tx, c.Params("id"))
		})
		if err != nil {
			return err
		}
		return send(c, fiber.StatusOK, 0, listPage[EventJSON]{Data: mapSlice(evs, func(e quote.Event) EventJSON {
			return EventJSON{ID: e.ID, Version: e.Version, Kind: e.Kind, ActorID: e.ActorID, Detail: e.Detail, At: e.At}
		})})
	}
}

func (s *Server) quoteApprovals() fiber.Handler {
	return func(c *fiber.Ctx) error {
		_, f, err := parseList(c, "version")
		if err != nil {
			return err
		}
		reqs, err := read(s, c, func(ctx context.Context, tx Tx) ([]quote.Request, error) {
			q, err := tx.GetQuote(ctx, c.Params("id"))
			if err != nil {
				return nil, err
			}
			n := q.CurrentVersion
			if v, ok := f["version"]; ok {
				if n, err = strconv.Atoi(v); err != nil || n < 1 || n > q.CurrentVersion {
					return nil, invalid("version", "must be a version from 1 to %d", q.CurrentVersion)
				}
			}
			return s.quotes.Requests(ctx, tx, q.ID, n)
		})
		if err != nil {
			return err
		}
		return send(c, fiber.StatusOK, 0, listPage[ApprovalRequestJSON]{Data: mapSlice(reqs, approvalRequestJSON)})
	}
}

func (s *Server) listApprovalRules() fiber.Handler {
	return listOf(s, func(r quote.ApprovalRule) string { return r.ID }, approvalRuleJSON, nil,
		func(ctx context.Context, tx Tx, c *fiber.Ctx, limit int, after string, _ map[string]string) ([]quote.ApprovalRule, error) {
			return s.quotes.ListApprovalRules(ctx, tx, limit, after)
		})
}

func (s *Server) createApprovalRule() fiber.Handler {
	return createOne(s, approvalRuleView, ApprovalRuleRequest.input, func(r quote.ApprovalRule) string { return v1 + "/approval-rules/" + r.ID },
		func(ctx context.Context, tx Tx, c *fiber.Ctx, in quote.ApprovalRule) (quote.ApprovalRule, error) {
			return s.quotes.CreateApprovalRule(ctx, tx, in)
		})
}

func (s *Server) getApprovalRule() fiber.Handler {
	return getOne(s, approvalRuleView, func(ctx context.Context, tx Tx, c *fiber.Ctx) (quote.ApprovalRule, error) {
		return s.quotes.GetApprovalRule(ctx, tx, c.Params("id"))
	})
}

func (s *Server) patchApprovalRule() fiber.Handler {
	return patchOne(s, approvalRuleView, ApprovalRuleRequest.patch, func(ctx context.Context, tx Tx, c *fiber.Ctx, v int, p quote.ApprovalRulePatch) (quote.ApprovalRule, error) {
		return s.quotes.UpdateApprovalRule(ctx, tx, c.Params("id"), v, p)
	})
}

func (s *Server) deleteApprovalRule() fiber.Handler {
	return deleteOne(s, func(ctx context.Context, tx Tx, c *fiber.Ctx) error {
		return s.quotes.DeleteApprovalRule(ctx, tx, c.Params("id"))
	})
}
