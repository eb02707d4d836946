package quote

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/rules"
)

// ApprovalEnv is what an approval rule's condition sees.
type ApprovalEnv struct {
	Quote   ApprovalQuote   `expr:"quote"`
	Lines   []ApprovalLine  `expr:"lines"`
	Account ApprovalAccount `expr:"account"`
	Rep     ApprovalRep     `expr:"rep"`
}

// ApprovalQuote describes the version being submitted. MarginPct is 0
// when margins are unknown (no cost rate), so margin rules ask rather than
// pass silently.
type ApprovalQuote struct {
	Currency           string          `expr:"currency"`
	LineCount          int             `expr:"line_count"`
	Subtotal           decimal.Decimal `expr:"subtotal"`
	DiscountPct        decimal.Decimal `expr:"discount_pct"`
	MaxLineDiscountPct decimal.Decimal `expr:"max_line_discount_pct"`
	NetTotal           decimal.Decimal `expr:"net_total"`
	Total              decimal.Decimal `expr:"total"`
	MarginPct          decimal.Decimal `expr:"margin_pct"`
	HasMargin          bool            `expr:"has_margin"`
}

// ApprovalLine describes one line.
type ApprovalLine struct {
	SKU         string          `expr:"sku"`
	Family      string          `expr:"family"`
	Quantity    decimal.Decimal `expr:"quantity"`
	DiscountPct decimal.Decimal `expr:"discount_pct"`
	NetAmount   decimal.Decimal `expr:"net_amount"`
	MarginPct   decimal.Decimal `expr:"margin_pct"`
}

// ApprovalAccount describes the customer.
type ApprovalAccount struct {
	ID          string          `expr:"id"`
	Segment     string          `expr:"segment"`
	Industry    string          `expr:"industry"`
	CreditLimit decimal.Decimal `expr:"credit_limit"`
}

// ApprovalRep describes the quote's owner.
type ApprovalRep struct {
	ID        string `expr:"id"`
	Role      string `expr:"role"`
	ManagerID string `expr:"manager_id"`
}

var approverKinds = []string{"role", "user", "manager"}

func validateApprovalRule(r ApprovalRule) error {
	p := quotient.Problems{}
	p.Text("name", r.Name, quotient.Required, 200)
	p.Text("message", r.Message, quotient.Optional, 500)
	p.OneOf("approver_kind", r.ApproverKind, approverKinds...)
	switch r.ApproverKind {
	case "role":
		if !quotient.Role(r.ApproverRole).Valid() {
			p.Add("approver_role", "must be one of admin, sales_manager, finance, sales_rep")
		}
	case "user":
		if r.ApproverID == "" {
			p.Add("approver_id", "is required when approver_kind is user")
		}
	}
	if err := p.Err(); err != nil {
		return err
	}
	if _, err := rules.Compile(r.Condition, ApprovalEnv{}, rules.Bool); err != nil {
		return rules.AsProblem(err, "condition")
	}
	return nil
}

func requireAdmin(ctx context.Context) error {
	a, err := quotient.RequireActor(ctx)
	if err != nil {
		return err
	}
	if a.Role != quotient.RoleAdmin {
		return quotient.Errorf(quotient.Forbidden, "only an admin may change approval rules")
	}
	return nil
}

// CreateApprovalRule adds an approval rule; admins only.
func (s *Service) CreateApprovalRule(ctx context.Context, st Store, r ApprovalRule) (ApprovalRule, error) {
	if err := requireAdmin(ctx); err != nil {
		return ApprovalRule{}, err
	}
	now := s.now().UTC()
	r.ID, r.Name, r.Version, r.CreatedAt, r.UpdatedAt = quotient.NewID("apr"), strings.TrimSpace(r.Name), 1, now, now
	if err := validateApprovalRule(r); err != nil {
		return ApprovalRule{}, err
	}
	if r.ApproverKind == "user" {
		if _, err := st.GetUser(ctx, r.ApproverID); err != nil {
			return ApprovalRule{}, notFoundAs(err, "approver_id", "no such user")
		}
	}
	return r, st.InsertApprovalRule(ctx, r)
}

// ApprovalRulePatch holds the fields to change; nil leaves a field as it is.
type ApprovalRulePatch struct {
	Name, Condition, ApproverKind, ApproverRole, ApproverID, Message *string
	Active                                                           *bool
}

// UpdateApprovalRule changes a rule; admins only.
func (s *Service) UpdateApprovalRule(ctx context.Context, st Store, id string, version int, p ApprovalRulePatch) (ApprovalRule, error) {
	if err := requireAdmin(ctx); err != nil {
		return ApprovalRule{}, err
	}
	r, err := st.GetApprovalRule(ctx, id)
	if err != nil {
		return ApprovalRule{}, err
	}
	if err := quotient.CheckVersion("approval rule", version, r.Version); err != nil {
		return ApprovalRule{}, err
	}
	old := r.Version
	setIf(&r.Name, p.Name)
	setIf(&r.Condition, p.Condition)
	setIf(&r.ApproverKind, p.ApproverKind)
	setIf(&r.ApproverRole, p.ApproverRole)
	setIf(&r.ApproverID, p.ApproverID)
	setIf(&r.Message, p.Message)
	setIf(&r.Active, p.Active)
	if err := validateApprovalRule(r); err != nil {
		return ApprovalRule{}, err
	}
	r.Version++
	r.UpdatedAt = s.now().UTC()
	return r, st.UpdateApprovalRule(ctx, r, old)
}

// GetApprovalRule returns a rule.
func (s *Service) GetApprovalRule(ctx context.Context, st Store, id string) (ApprovalRule, error) {
	if _, err := quotient.RequireActor(ctx); err != nil {
		return ApprovalRule{}, err
	}
	return st.GetApprovalRule(ctx, id)
}

// ListApprovalRules returns a page of rules.
func (s *Service) ListApprovalRules(ctx context.Context, st Store, p quotient.Page) ([]ApprovalRule, error) {
	if _, err := quotient.RequireActor(ctx); err != nil {
		return nil, err
	}
	return st.ListApprovalRules(ctx, p)
}

// DeleteApprovalRule removes a rule; admins only.
func (s *Service) DeleteApprovalRule(ctx context.Context, st Store, id string) error {
	if err := requireAdmin(ctx); err != nil {
		return err
	}
	return st.DeleteApprovalRule(ctx, id)
}

// envOf builds what approval rules see of a version.
func envOf(ctx context.Context, st Store, q Quote, v Version) (ApprovalEnv, error) {
	r := v.Priced
	env := ApprovalEnv{Quote: ApprovalQuote{Currency: q.Currency, LineCount: len(r.Lines), Subtotal: r.Subtotal, DiscountPct: r.DiscountPct,
		NetTotal: r.NetTotal, Total: r.Total}}
	if r.MarginPct != nil {
		env.Quote.MarginPct, env.Quote.HasMargin = *r.MarginPct, true
	}
	for _, l := range r.Lines {
		al := ApprovalLine{SKU: l.SKU, Quantity: l.Quantity, NetAmount: l.NetAmount}
		if l.ListAmount.IsPositive() {
			al.DiscountPct = l.ListAmount.Sub(l.NetAmount).Mul(decimal.NewFromInt(100)).DivRound(l.ListAmount, 2)
		}
		if l.MarginPct != nil {
			al.MarginPct = *l.MarginPct
		}
		if al.DiscountPct.GreaterThan(env.Quote.MaxLineDiscountPct) {
			env.Quote.MaxLineDiscountPct = al.DiscountPct
		}
		env.Lines = append(env.Lines, al)
	}
	acc, err := st.GetAccount(ctx, q.AccountID)
	if err != nil {
		return env, err
	}
	env.Account = ApprovalAccount{ID: acc.ID, Segment: acc.Segment, Industry: acc.Industry, CreditLimit: acc.CreditLimit}
	owner, err := ownerOf(ctx, st, q)
	if err != nil {
		return env, err
	}
	env.Rep = ApprovalRep{ID: owner.ID, Role: string(owner.Role), ManagerID: owner.ManagerID}
	return env, nil
}

// tested records the values an approval decision rests on.
func tested(env ApprovalEnv) map[string]string {
	return map[string]string{"discount_pct": env.Quote.DiscountPct.String(), "max_line_discount_pct": env.Quote.MaxLineDiscountPct.String(),
		"margin_pct": env.Quote.MarginPct.String(), "total": env.Quote.Total.String()}
}

// notWorse reports whether now is no worse for the company than before:
// discounts no deeper and margin no thinner. The total may change either
// way (a smaller deal with the same discount needs no new approval).
func notWorse(before, now map[string]string) bool {
	get := func(m map[string]string, k string) decimal.Decimal {
		d, err := decimal.NewFromString(m[k])
		if err != nil {
			return decimal.NewFromInt(-1)
		}
		return d
	}
	return get(now, "discount_pct").LessThanOrEqual(get(before, "discount_pct")) &&
		get(now, "max_line_discount_pct").LessThanOrEqual(get(before, "max_line_discount_pct")) &&
		get(now, "margin_pct").GreaterThanOrEqual(get(before, "margin_pct"))
}

// Submit asks for approval: every active approval rule is evaluated; none
// match → approved; otherwise pending_approval with one request per
// matching rule. A request a previous version had approved carries over
// when the values it tested did not get worse.
func (s *Service) Submit(ctx context.Context, st Store, id string) (Quote, Version, []Request, error) {
	q, v, err := s.writable(ctx, st, id)
	if err != nil {
		return Quote{}, Version{}, nil, err
	}
	if v.Status != Draft {
		return Quote{}, Version{}, nil, notDraft(q, v, "be submitted")
	}
	if len(v.Lines) == 0 {
		return Quote{}, Version{}, nil, quotient.FieldErrorf(quotient.Conflict, "lines", "quote %s has no lines; add at least one before submitting it", q.Number)
	}
	if v.Priced.HasConflicts {
		return Quote{}, Version{}, nil, quotient.Errorf(quotient.Conflict, "quote %s has conflicting non-stackable price rules on a line; resolve the conflict (see the lines' conflicts) and re-price", q.Number)
	}
	if v.ValidUntil.Before(quotient.DateOf(s.now())) {
		return Quote{}, Version{}, nil, quotient.FieldErrorf(quotient.Conflict, "valid_until", "the quote expired on %s; move valid_until forward", v.ValidUntil)
	}
	env, err := envOf(ctx, st, q, v)
	if err != nil {
		return Quote{}, Version{}, nil, err
	}
	all, err := st.ListApprovalRules(ctx, quotient.Page{})
	if err != nil {
		return Quote{}, Version{}, nil, err
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].Name < all[j].Name })
	var previous map[string]Request
	if v.Version > 1 {
		prev, err := st.ListRequests(ctx, q.ID, v.Version-1)
		if err != nil {
			return Quote{}, Version{}, nil, err
		}
		previous = map[string]Request{}
		for _, r := range prev {
			if r.Status == "approved" {
				previous[r.RuleID] = r
			}
		}
	}
	// A version submitted again (after a rejection sent it back to draft)
	// starts a new round; the earlier decisions stay in the history.
	if err := st.DeleteRequests(ctx, q.ID, v.Version); err != nil {
		return Quote{}, Version{}, nil, err
	}
	now := s.now().UTC()
	vals := tested(env)
	var reqs []Request
	pending := 0
	for _, r := range all {
		if !r.Active {
			continue
		}
		prog, err := s.cache.Get(r.ID, r.Version, r.Condition, ApprovalEnv{}, rules.Bool)
		if err != nil {
			return Quote{}, Version{}, nil, fmt.Errorf("approval rule %s: %w", r.Name, err)
		}
		match, err := prog.Bool(&env)
		if err != nil {
			// A rule that cannot decide asks for approval rather than
			// letting the quote through.
			match = true
		}
		if !match {
			continue
		}
		req := Request{ID: quotient.NewID("apq"), QuoteID: q.ID, Version: v.Version, RuleID: r.ID, RuleName: r.Name, RuleVersion: r.Version,
			ApproverKind: r.ApproverKind, ApproverRole: r.ApproverRole, ApproverID: r.ApproverID, Status: "pending", Tested: vals, CreatedAt: now}
		if p, ok := previous[r.ID]; ok && p.RuleVersion == r.Version && notWorse(p.Tested, vals) {
			from := p.Version
			req.Status, req.DecidedBy, req.DecidedAt, req.CarriedFrom = "approved", p.DecidedBy, p.DecidedAt, &from
			req.Comment = fmt.Sprintf("carried over from version %d: the values it approved did not get worse", from)
		} else {
			pending++
		}
		if err := st.InsertRequest(ctx, req); err != nil {
			return Quote{}, Version{}, nil, err
		}
		reqs = append(reqs, req)
	}
	old := v.ETag
	v.Status = Approved
	if pending > 0 {
		v.Status = PendingApproval
	}
	v.ETag, v.UpdatedAt = v.ETag+1, now
	if err := st.UpdateVersion(ctx, v, old); err != nil {
		return Quote{}, Version{}, nil, err
	}
	detail := says("discount %s%%, total %s %s: no approval rule matched; approved", env.Quote.DiscountPct.String(), env.Quote.Total.String(), q.Currency)
	if len(reqs) > 0 {
		names := make([]string, len(reqs))
		for i, r := range reqs {
			names[i] = r.RuleName
			if r.CarriedFrom != nil {
				names[i] += " (carried over)"
			}
		}
		detail = says("discount %s%%, total %s %s: approval rules matched: %s", env.Quote.DiscountPct.String(), env.Quote.Total.String(), q.Currency,
			strings.Join(names, ", "))
	}
	return q, v, reqs, s.event(ctx, st, q, v.Version, "submitted", detail)
}

// canDecide reports whether the actor may decide a request: its approver
// (by role, user or as the rep's manager) or an admin, never the quote's
// owner.
func canDecide(a quotient.Actor, r Request, owner string, ownerManager string) bool {
	if a.UserID == owner {
		return false
	}
	if a.Role == quotient.RoleAdmin {
		return true
	}
	switch r.ApproverKind {
	case "role":
		return string(a.Role) == r.ApproverRole
	case "user":
		return a.UserID == r.ApproverID
	case "manager":
		return ownerManager != "" && a.UserID == ownerManager
	}
	return false
}

// Ruling is an approver's answer to an approval request.
type Ruling string

// The rulings an approver gives.
const (
	Approve Ruling = "approved"
	Reject  Ruling = "rejected"
)

// Decide gives a ruling on the pending requests of the current version
// that the actor may decide (or only requestID, when given), with a
// comment (required to reject). All approved → approved; any rejected →
// back to draft.
func (s *Service) Decide(ctx context.Context, st Store, id, requestID string, ruling Ruling, comment string) (Quote, Version, []Request, error) {
	a, err := quotient.RequireActor(ctx)
	if err != nil {
		return Quote{}, Version{}, nil, err
	}
	p := quotient.Problems{}
	if ruling != Approve && ruling != Reject {
		return Quote{}, Version{}, nil, fmt.Errorf("quote: unknown ruling %q", ruling)
	}
	p.Text("comment", comment, quotient.Presence(ruling == Reject), 2000)
	if err := p.Err(); err != nil {
		return Quote{}, Version{}, nil, err
	}
	q, err := st.GetQuote(ctx, id)
	if err != nil {
		return Quote{}, Version{}, nil, err
	}
	v, err := st.GetVersion(ctx, id, q.CurrentVersion)
	if err != nil {
		return Quote{}, Version{}, nil, err
	}
	if v.Status != PendingApproval {
		return Quote{}, Version{}, nil, quotient.Errorf(quotient.Conflict, "quote %s version %d is %s, not pending_approval", q.Number, v.Version, v.Status)
	}
	if a.UserID == q.OwnerID {
		return Quote{}, Version{}, nil, quotient.Errorf(quotient.Forbidden, "nobody approves or rejects their own quote")
	}
	owner, err := ownerOf(ctx, st, q)
	if err != nil {
		return Quote{}, Version{}, nil, err
	}
	reqs, err := st.ListRequests(ctx, q.ID, v.Version)
	if err != nil {
		return Quote{}, Version{}, nil, err
	}
	now := s.now().UTC()
	decided := 0
	for i := range reqs {
		r := &reqs[i]
		if r.Status != "pending" || (requestID != "" && r.ID != requestID) || !canDecide(a, *r, q.OwnerID, owner.ManagerID) {
			continue
		}
		r.Status, r.DecidedBy, r.DecidedAt, r.Comment = string(ruling), a.UserID, &now, comment
		if err := st.UpdateRequest(ctx, *r); err != nil {
			return Quote{}, Version{}, nil, err
		}
		decided++
		if err := s.event(ctx, st, q, v.Version, string(ruling), says("%s: %s", r.RuleName, comment)); err != nil {
			return Quote{}, Version{}, nil, err
		}
	}
	if decided == 0 {
		return Quote{}, Version{}, nil, quotient.Errorf(quotient.Forbidden, "you are not an approver of any pending request on quote %s", q.Number)
	}
	old := v.ETag
	allApproved, anyRejected := true, false
	for _, r := range reqs {
		allApproved = allApproved && r.Status == "approved"
		anyRejected = anyRejected || r.Status == "rejected"
	}
	switch {
	case anyRejected:
		v.Status = Draft
	case allApproved:
		v.Status = Approved
	default:
		return q, v, reqs, nil
	}
	v.ETag, v.UpdatedAt = v.ETag+1, now
	if err := st.UpdateVersion(ctx, v, old); err != nil {
		return Quote{}, Version{}, nil, err
	}
	return q, v, reqs, nil
}

// Requests lists the approval requests of a version.
func (s *Service) Requests(ctx context.Context, st Store, id string, version int) ([]Request, error) {
	if _, err := s.Readable(ctx, st, id); err != nil {
		return nil, err
	}
	return st.ListRequests(ctx, id, version)
}
