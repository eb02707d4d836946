package ledger

import (
	"context"
	"regexp"
	"strings"

	"github.com/quotient-cpq/quotient"
)

// The statuses of a period.
const (
	PeriodOpen   = "open"
	PeriodClosed = "closed"
)

var periodRE = regexp.MustCompile(`^\d{4}-(0[1-9]|1[0-2])$`)

// ClosePeriod closes a month to postings (finance, admin), with an
// optional reason; closing a closed month is harmless. Each change is
// logged.
func (s *Service) ClosePeriod(ctx context.Context, st Store, period, reason string) (Period, error) {
	a, err := mayWrite(ctx)
	if err != nil {
		return Period{}, err
	}
	return s.setPeriod(ctx, st, a, period, PeriodClosed, "close", reason)
}

// ReopenPeriod reopens a closed month (admins only, with a reason);
// reopening an open month is harmless. Each change is logged.
func (s *Service) ReopenPeriod(ctx context.Context, st Store, period, reason string) (Period, error) {
	a, err := mayWrite(ctx)
	if err != nil {
		return Period{}, err
	}
	if !periodRE.MatchString(period) {
		return Period{}, quotient.FieldErrorf(quotient.Invalid, "period", "a period is a month as YYYY-MM")
	}
	if a.Role != quotient.RoleAdmin {
		return Period{}, quotient.Errorf(quotient.Forbidden, "only an admin reopens a closed period")
	}
	if strings.TrimSpace(reason) == "" {
		return Period{}, quotient.FieldErrorf(quotient.Unprocessable, "reason", "say why the period is reopened")
	}
	return s.setPeriod(ctx, st, a, period, PeriodOpen, "reopen", reason)
}

func (s *Service) setPeriod(ctx context.Context, st Store, a quotient.Actor, period, status, action, reason string) (Period, error) {
	if !periodRE.MatchString(period) {
		return Period{}, quotient.FieldErrorf(quotient.Invalid, "period", "a period is a month as YYYY-MM")
	}
	reason = strings.TrimSpace(reason)
	p := quotient.Problems{}
	p.Text("reason", reason, quotient.Optional, 2000)
	if err := p.Err(); err != nil {
		return Period{}, err
	}
	cur, ok, err := st.GetPeriod(ctx, period)
	if err != nil {
		return Period{}, err
	}
	if !ok {
		cur = Period{Period: period, Status: PeriodOpen}
	}
	if cur.Status == status {
		return cur, nil
	}
	now := s.now().UTC()
	np := Period{Period: period, Status: status, UpdatedBy: a.UserID, UpdatedAt: now}
	if err := st.PutPeriod(ctx, np); err != nil {
		return Period{}, err
	}
	return np, st.InsertPeriodEvent(ctx, PeriodEvent{ID: quotient.NewID("lpe"), Period: period, Action: action, Reason: reason, ActorID: a.UserID, At: now})
}

// PeriodHistory returns a period's state and its closes and reopens.
func (s *Service) PeriodHistory(ctx context.Context, st Store, period string) (Period, []PeriodEvent, error) {
	if _, err := mayRead(ctx); err != nil {
		return Period{}, nil, err
	}
	if !periodRE.MatchString(period) {
		return Period{}, nil, quotient.FieldErrorf(quotient.Invalid, "period", "a period is a month as YYYY-MM")
	}
	cur, ok, err := st.GetPeriod(ctx, period)
	if err != nil {
		return Period{}, nil, err
	}
	if !ok {
		cur = Period{Period: period, Status: PeriodOpen}
	}
	evs, err := st.PeriodEvents(ctx, period)
	return cur, evs, err
}
