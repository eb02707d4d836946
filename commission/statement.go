package commission

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/ledger"
)

// Total is a statement's sums in one currency, in minor units.
type Total struct {
	Currency   string
	Accrued    int64 // earned, waiting for the customer to pay
	Payable    int64 // earned and collected, less clawbacks not yet settled
	Paid       int64
	ClawedBack int64 // negative
	Total      int64 // everything on the statement
}

// Statement is a rep's commission for a month.
type Statement struct {
	UserID string
	Period string
	Lines  []Line
	Totals []Total
}

// Payout is a statement paid by finance in one currency.
type Payout struct {
	ID             string
	UserID         string
	Period         string
	Currency       string
	Amount         int64
	JournalEntryID string
	PaidBy         string
	CreatedAt      time.Time
}

// StatementStore is what statements need.
type StatementStore interface {
	AccrueStore
	// SettleLines puts a user's payable and clawed-back lines of a period
	// in a currency that no payout holds yet into a payout, making the
	// payable ones paid, and returns their sum.
	SettleLines(ctx context.Context, userID, period, currency, payoutID string) (int64, error)
	InsertPayout(ctx context.Context, p Payout) error
	Payouts(ctx context.Context, userID, period string) ([]Payout, error)
}

// mayRead reports whether the actor may see a user's commissions: their
// own, a manager their team's, finance and admins everyone's.
func mayRead(a quotient.Actor, userID string) bool {
	switch a.Role {
	case quotient.RoleAdmin, quotient.RoleFinance:
		return true
	case quotient.RoleSalesManager:
		return a.InTeam(userID)
	}
	return a.UserID == userID
}

func checkPeriod(period string) error {
	if t, err := time.Parse("2006-01", period); err != nil || t.Year() < 1900 {
		return quotient.FieldErrorf(quotient.Invalid, "period", "must be a month as YYYY-MM")
	}
	return nil
}

// Lines lists commission lines (a rep their own, a manager their team's).
func (s *Service) Lines(ctx context.Context, st AccrueStore, f LineFilter) ([]Line, error) {
	a, err := quotient.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	if f.Period != "" {
		if err := checkPeriod(f.Period); err != nil {
			return nil, err
		}
	}
	if f.UserID == "" && a.Role != quotient.RoleAdmin && a.Role != quotient.RoleFinance {
		f.UserID = a.UserID
	}
	if f.UserID != "" && !mayRead(a, f.UserID) {
		return nil, quotient.Errorf(quotient.Forbidden, "you may see your own commissions (and a manager their team's)")
	}
	return st.CommissionLines(ctx, f)
}

// UserStatement is a user's statement for a month.
func (s *Service) UserStatement(ctx context.Context, st StatementStore, userID, period string) (Statement, error) {
	a, err := quotient.RequireActor(ctx)
	if err != nil {
		return Statement{}, err
	}
	if err := checkPeriod(period); err != nil {
		return Statement{}, err
	}
	if !mayRead(a, userID) {
		return Statement{}, quotient.Errorf(quotient.Forbidden, "you may see your own statements (and a manager their team's)")
	}
	lines, err := st.CommissionLines(ctx, LineFilter{UserID: userID, Period: period, Page: quotient.Page{Limit: 100000}})
	if err != nil {
		return Statement{}, err
	}
	out := Statement{UserID: userID, Period: period, Lines: lines}
	by := map[string]*Total{}
	for _, l := range lines {
		t := by[l.Currency]
		if t == nil {
			t = &Total{Currency: l.Currency}
			by[l.Currency] = t
		}
		switch {
		case l.Status == Accrued:
			t.Accrued += l.Amount
		case l.Status == PaidOut:
			t.Paid += l.Amount
		case l.Status == ClawedBack:
			t.ClawedBack += l.Amount
			if l.PayoutID == "" {
				t.Payable += l.Amount
			}
		default:
			t.Payable += l.Amount
		}
		t.Total += l.Amount
	}
	for _, t := range by {
		out.Totals = append(out.Totals, *t)
	}
	sort.Slice(out.Totals, func(i, j int) bool { return out.Totals[i].Currency < out.Totals[j].Currency })
	return out, nil
}

// PayStatement pays what is payable on a user's statement for a month
// (finance), per currency: the lines become paid and commissions payable
// is debited against cash. Nothing payable is a conflict.
func (s *Service) PayStatement(ctx context.Context, st StatementStore, userID, period string) ([]Payout, error) {
	a, err := quotient.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	if a.Role != quotient.RoleAdmin && a.Role != quotient.RoleFinance {
		return nil, quotient.Errorf(quotient.Forbidden, "finance pays commission statements")
	}
	stmt, err := s.UserStatement(ctx, st, userID, period)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	var out []Payout
	for _, t := range stmt.Totals {
		if t.Payable <= 0 {
			continue
		}
		p := Payout{ID: quotient.NewID("cpo"), UserID: userID, Period: period, Currency: t.Currency, PaidBy: a.UserID, CreatedAt: now}
		if p.Amount, err = st.SettleLines(ctx, userID, period, t.Currency, p.ID); err != nil {
			return nil, err
		}
		if p.Amount <= 0 {
			return nil, quotient.Errorf(quotient.Conflict, "the %s statement of %s changed meanwhile; fetch it again", period, userID)
		}
		e, _, err := s.ledger.PostOnce(ctx, st, ledger.EntryInput{Date: quotient.DateOf(now), Memo: fmt.Sprintf("Commission %s for %s", period, userID),
			Currency: t.Currency, SourceType: "commission_payout", SourceID: p.ID, Event: "pay", Lines: []ledger.LineInput{
				{AccountCode: ledger.CommissionsPayable, Debit: p.Amount}, {AccountCode: ledger.Cash, Credit: p.Amount}}}, a.UserID)
		if err != nil {
			return nil, err
		}
		p.JournalEntryID = e.ID
		if err := st.InsertPayout(ctx, p); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	if len(out) == 0 {
		return nil, quotient.Errorf(quotient.Conflict, "nothing on the %s statement is payable yet (accrued commission becomes payable when the customer pays)", period)
	}
	return out, nil
}
