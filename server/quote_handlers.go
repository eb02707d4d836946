package server

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/app"
	"github.com/quotient-cpq/quotient/quote"
)

var (
	quoteView        = view[app.QuoteVersion, QuoteJSON]{version: func(x app.QuoteVersion) int { return x.Version.ETag }, json: quoteJSON, tag: quoteTag}
	approvalRuleView = view[quote.ApprovalRule, ApprovalRuleJSON]{version: func(r quote.ApprovalRule) int { return r.Version }, json: approvalRuleJSON}
	quoteFilters     = []string{"account_id", "owner_id", "opportunity_id", "status", "approver"}
)

func (s *Server) listQuotes() fiber.Handler {
	summary := func(x app.QuoteVersion) QuoteJSON {
		j := quoteJSON(x)
		j.Lines, j.Taxes = []PricedLineJSON{}, []TaxLineJSON{} // GET /quotes/{id} has the lines
		return j
	}
	return listOf(func(x app.QuoteVersion) string { return x.Quote.ID }, summary, quoteFilters,
		func(ctx context.Context, c *fiber.Ctx, p quotient.Page, f map[string]string) ([]app.QuoteVersion, error) {
			return s.app.Quotes(ctx, quote.Filter{Page: p, AccountID: f["account_id"], OwnerID: f["owner_id"], OpportunityID: f["opportunity_id"],
				Status: quote.Status(f["status"]), Approver: f["approver"]})
		})
}

func (s *Server) createQuote() fiber.Handler {
	return createOne(quoteView, QuoteRequest.input, func(x app.QuoteVersion) string { return v1 + "/quotes/" + x.Quote.ID },
		func(ctx context.Context, c *fiber.Ctx, in quote.Input) (app.QuoteVersion, error) {
			return s.app.CreateQuote(ctx, in)
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

// getQuote returns the current version, or ?version=N.
func (s *Server) getQuote() fiber.Handler {
	return func(c *fiber.Ctx) error {
		n, err := versionParam(c)
		if err != nil {
			return err
		}
		x, err := s.app.Quote(c.UserContext(), c.Params("id"), n)
		if err != nil {
			return err
		}
		return sendTagged(c, fiber.StatusOK, quoteTag(x), quoteJSON(x))
	}
}

// quoteTag is a quote's ETag: the version its body shows and the
// revision of that version, "v1.3", so the two always agree and any
// change (even of a draft's notes) changes the tag.
func quoteTag(x app.QuoteVersion) string {
	return fmt.Sprintf(`"v%d.%d"`, x.Version.Version, x.Version.ETag)
}

var quoteTagRe = regexp.MustCompile(`^(?:W/)?"v([0-9]{1,9})\.([0-9]{1,9})"$`)

// ifMatchQuote reads If-Match for a quote: the version and revision a
// client last read (zeros when absent or *).
func ifMatchQuote(c *fiber.Ctx) (version, revision int, err error) {
	h := strings.TrimSpace(c.Get(fiber.HeaderIfMatch))
	if h == "" || h == "*" {
		return 0, 0, nil
	}
	m := quoteTagRe.FindStringSubmatch(h)
	if m == nil {
		return 0, 0, quotient.Errorf(quotient.Stale, "If-Match %s is not a quote's ETag (such as \"v1.3\"); fetch the quote again", h)
	}
	version, _ = strconv.Atoi(m[1])
	revision, _ = strconv.Atoi(m[2])
	return version, revision, nil
}

func (s *Server) patchQuote() fiber.Handler {
	return func(c *fiber.Ctx) error {
		version, revision, err := ifMatchQuote(c)
		if err != nil {
			return err
		}
		p, err := decodeWith(c, QuoteRequest.patch)
		if err != nil {
			return err
		}
		return commit(c, func(ctx context.Context) (app.QuoteVersion, error) {
			return s.app.UpdateQuote(ctx, c.Params("id"), version, revision, p)
		}, func(x app.QuoteVersion) response {
			return response{status: fiber.StatusOK, tag: quoteTag(x), body: quoteJSON(x)}
		})
	}
}

// quoteAction answers the POST actions that return the quote.
func (s *Server) quoteAction(fn func(ctx context.Context, id string) (app.QuoteVersion, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		return commit(c, func(ctx context.Context) (app.QuoteVersion, error) { return fn(ctx, c.Params("id")) },
			func(x app.QuoteVersion) response {
				return response{status: fiber.StatusOK, tag: quoteTag(x), body: quoteJSON(x)}
			})
	}
}

// submission answers submit, approve and reject with the approvals.
func (s *Server) submission(fn func(ctx context.Context, c *fiber.Ctx) (app.Submission, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		return commit(c, func(ctx context.Context) (app.Submission, error) { return fn(ctx, c) },
			func(r app.Submission) response {
				return response{status: fiber.StatusOK, tag: quoteTag(r.QuoteVersion),
					body: SubmissionJSON{Quote: quoteJSON(r.QuoteVersion), Approvals: mapSlice(r.Requests, approvalRequestJSON)}}
			})
	}
}

// decide answers approve and reject: an approver's ruling.
func (s *Server) decide(ruling quote.Ruling) fiber.Handler {
	return func(c *fiber.Ctx) error {
		req, err := decodeOptional[DecisionRequest](c)
		if err != nil {
			return err
		}
		return s.submission(func(ctx context.Context, c *fiber.Ctx) (app.Submission, error) {
			return s.app.DecideQuote(ctx, c.Params("id"), req.RequestID, ruling, req.Comment)
		})(c)
	}
}

func (s *Server) quoteVersions() fiber.Handler {
	return func(c *fiber.Ctx) error {
		if _, _, err := parseList(c); err != nil {
			return err
		}
		q, vs, err := s.app.QuoteVersions(c.UserContext(), c.Params("id"))
		if err != nil {
			return err
		}
		out := make([]QuoteJSON, len(vs))
		for i, v := range vs {
			out[i] = quoteJSON(app.QuoteVersion{Quote: q, Version: v})
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
		d, err := s.app.QuoteDiff(c.UserContext(), c.Params("id"), from, to)
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
		evs, err := s.app.QuoteHistory(c.UserContext(), c.Params("id"))
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
		n := 0
		if v, ok := f["version"]; ok {
			if n, err = strconv.Atoi(v); err != nil || n < 1 {
				return invalid("version", "must be a version number from 1 (got %q)", v)
			}
		}
		reqs, err := s.app.QuoteApprovals(c.UserContext(), c.Params("id"), n)
		if err != nil {
			return err
		}
		return send(c, fiber.StatusOK, 0, listPage[ApprovalRequestJSON]{Data: mapSlice(reqs, approvalRequestJSON)})
	}
}

func (s *Server) listApprovalRules() fiber.Handler {
	return listOf(func(r quote.ApprovalRule) string { return r.ID }, approvalRuleJSON, nil,
		func(ctx context.Context, c *fiber.Ctx, p quotient.Page, _ map[string]string) ([]quote.ApprovalRule, error) {
			return s.app.ApprovalRules(ctx, p)
		})
}

func (s *Server) createApprovalRule() fiber.Handler {
	return createOne(approvalRuleView, ApprovalRuleRequest.input, func(r quote.ApprovalRule) string { return v1 + "/approval-rules/" + r.ID },
		func(ctx context.Context, c *fiber.Ctx, in quote.ApprovalRule) (quote.ApprovalRule, error) {
			return s.app.CreateApprovalRule(ctx, in)
		})
}

func (s *Server) getApprovalRule() fiber.Handler {
	return getOne(approvalRuleView, func(ctx context.Context, c *fiber.Ctx) (quote.ApprovalRule, error) {
		return s.app.ApprovalRule(ctx, c.Params("id"))
	})
}

func (s *Server) patchApprovalRule() fiber.Handler {
	return patchOne(approvalRuleView, ApprovalRuleRequest.patch, func(ctx context.Context, c *fiber.Ctx, v int, p quote.ApprovalRulePatch) (quote.ApprovalRule, error) {
		return s.app.UpdateApprovalRule(ctx, c.Params("id"), v, p)
	})
}

func (s *Server) deleteApprovalRule() fiber.Handler {
	return deleteOne(func(ctx context.Context, c *fiber.Ctx) error {
		return s.app.DeleteApprovalRule(ctx, c.Params("id"))
	})
}
