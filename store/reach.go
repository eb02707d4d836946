package store

import (
	"context"
	"strings"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/crm"
)

// inSet is the condition "col IN (?, ?, ...)" over ids with its
// arguments; over no ids it is a condition no row meets.
func inSet(col string, ids []string) (string, []any) {
	if len(ids) == 0 {
		return "1 = 0", nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return col + " IN (" + strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ") + ")", args
}

// AccountInReach reports whether one of users owns the account or is on
// its account team.
func (t *Tx) AccountInReach(ctx context.Context, accountID string, users []string) (bool, error) {
	if len(users) == 0 {
		return false, nil
	}
	owner, args := inSet("owner_id", users)
	member, more := inSet("m.user_id", users)
	return t.exists(ctx, `SELECT id FROM accounts WHERE id = ? AND (`+owner+`
		OR EXISTS (SELECT 1 FROM account_team m WHERE m.account_id = accounts.id AND `+member+`))`, append(append([]any{accountID}, args...), more...)...)
}

// inReach adds to a WHERE list the condition that a row's account (in
// accountCol) is in reach, or that its owner (in each of ownerCols) is
// one of the reach's users.
func inReach(where []string, args []any, r quotient.Reach, accountCol string, ownerCols ...string) ([]string, []any) {
	if r.All {
		return where, args
	}
	if len(r.Users) == 0 {
		return append(where, "1 = 0"), args
	}
	owner, users := inSet("owner_id", r.Users)
	member, _ := inSet("user_id", r.Users)
	conds := []string{accountCol + ` IN (SELECT id FROM accounts WHERE ` + owner + `)`,
		accountCol + ` IN (SELECT account_id FROM account_team WHERE ` + member + `)`}
	args = append(append(args, users...), users...)
	for _, c := range ownerCols {
		cond, _ := inSet(c, r.Users)
		conds = append(conds, cond)
		args = append(args, users...)
	}
	return append(where, "("+strings.Join(conds, " OR ")+")"), args
}

type teamRow struct {
	AccountID string `db:"account_id"`
	UserID    string `db:"user_id"`
	Role      string `db:"role"`
	CreatedAt dbTime `db:"created_at"`
}

// PutTeamMember adds a user to an account's team, or changes their role.
func (t *Tx) PutTeamMember(ctx context.Context, m crm.TeamMember) error {
	_, err := t.exec(ctx, `INSERT INTO account_team (account_id, user_id, role, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (account_id, user_id) DO UPDATE SET role = excluded.role`, m.AccountID, m.UserID, m.Role, t.ts(m.AddedAt))
	return err
}

// DeleteTeamMember takes a user off an account's team.
func (t *Tx) DeleteTeamMember(ctx context.Context, accountID, userID string) error {
	n, err := t.execN(ctx, `DELETE FROM account_team WHERE account_id = ? AND user_id = ?`, accountID, userID)
	if err == nil && n == 0 {
		return notFound("team member", userID)
	}
	return err
}

// TeamMembers lists an account's team, oldest first.
func (t *Tx) TeamMembers(ctx context.Context, accountID string) ([]crm.TeamMember, error) {
	var rows []teamRow
	if err := t.sel(ctx, &rows, `SELECT account_id, user_id, role, created_at FROM account_team WHERE account_id = ? ORDER BY created_at, user_id`, accountID); err != nil {
		return nil, err
	}
	out := make([]crm.TeamMember, len(rows))
	for i, r := range rows {
		out[i] = crm.TeamMember{AccountID: r.AccountID, UserID: r.UserID, Role: r.Role, AddedAt: r.CreatedAt.Time}
	}
	return out, nil
}
