package crm

import (
	"context"
	"strings"
	"time"

	"github.com/quotient-cpq/quotient"
)

// TeamMember is a user on an account's team besides its owner: they read
// the account's quotes, orders, invoices and payments as its owner does.
type TeamMember struct {
	AccountID string
	UserID    string
	Role      string // what they do for the account: "sales engineer"
	AddedAt   time.Time
}

// AddTeamMember puts a user on an account's team (its owner, their
// manager or an admin), or changes their role there.
func (s *Service) AddTeamMember(ctx context.Context, st Store, accountID string, m TeamMember) (TeamMember, error) {
	if _, err := writableAccount(ctx, st, accountID); err != nil {
		return TeamMember{}, err
	}
	m.AccountID, m.Role, m.AddedAt = accountID, strings.TrimSpace(m.Role), s.now().UTC()
	p := quotient.Problems{}
	p.Text("role", m.Role, quotient.Optional, 100)
	if m.UserID == "" {
		p.Add("user_id", "is required")
	} else if u, err := st.GetUser(ctx, m.UserID); quotient.ErrorCode(err) == quotient.NotFound {
		p.Add("user_id", "no user %q", m.UserID)
	} else if err != nil {
		return TeamMember{}, err
	} else if !u.Active {
		p.Add("user_id", "user %s is deactivated", u.Name)
	}
	if err := p.Err(); err != nil {
		return TeamMember{}, err
	}
	return m, st.PutTeamMember(ctx, m)
}

// RemoveTeamMember takes a user off an account's team.
func (s *Service) RemoveTeamMember(ctx context.Context, st Store, accountID, userID string) error {
	if _, err := writableAccount(ctx, st, accountID); err != nil {
		return err
	}
	return st.DeleteTeamMember(ctx, accountID, userID)
}

// TeamMembers lists an account's team; whoever reads the account reads it.
func (s *Service) TeamMembers(ctx context.Context, st Store, accountID string) ([]TeamMember, error) {
	if _, err := s.GetAccount(ctx, st, accountID); err != nil {
		return nil, err
	}
	return st.TeamMembers(ctx, accountID)
}
