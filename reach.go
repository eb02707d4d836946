package quotient

import "context"

// Reach is whose customers' records (quotes, orders, invoices, payments,
// credit notes, statements) an actor may read, as the anchors' sharing
// models have it: finance and admins read all; a rep reads the records of
// the accounts they own or are on the account team of; a sales manager
// those of their team (themselves and everyone reporting to them).
type Reach struct {
	All   bool
	Users []string // whose accounts (owned, or on the team of) are in reach
}

// Reach is the actor's reach.
func (a Actor) Reach() Reach {
	switch a.Role {
	case RoleAdmin, RoleFinance:
		return Reach{All: true}
	case RoleSalesManager:
		users := append([]string(nil), a.Team...)
		if !a.InTeamList(a.UserID) {
			users = append(users, a.UserID)
		}
		return Reach{Users: users}
	}
	return Reach{Users: []string{a.UserID}}
}

// InTeamList reports whether id is in the actor's Team list.
func (a Actor) InTeamList(id string) bool {
	for _, t := range a.Team {
		if t == id {
			return true
		}
	}
	return false
}

// Has reports whether userID is one of the reach's users (or the reach
// is everything).
func (r Reach) Has(userID string) bool {
	if r.All {
		return true
	}
	for _, u := range r.Users {
		if u == userID {
			return true
		}
	}
	return false
}

// AccountReach is what checking reach needs of storage.
type AccountReach interface {
	// AccountInReach reports whether one of users owns the account or is
	// on its account team.
	AccountInReach(ctx context.Context, accountID string, users []string) (bool, error)
}

// InReach reports whether the actor in ctx may read the records of
// accountID; owners are the records' own owners (a quote's rep), who
// read them whatever the account.
func InReach(ctx context.Context, st AccountReach, accountID string, owners ...string) (bool, error) {
	a, err := RequireActor(ctx)
	if err != nil {
		return false, err
	}
	r := a.Reach()
	if r.All {
		return true, nil
	}
	for _, o := range owners {
		if r.Has(o) {
			return true, nil
		}
	}
	return st.AccountInReach(ctx, accountID, r.Users)
}

// CheckReach is InReach as an error: a record out of reach is not found,
// exactly as one that does not exist.
func CheckReach(ctx context.Context, st AccountReach, what, id, accountID string, owners ...string) error {
	ok, err := InReach(ctx, st, accountID, owners...)
	if err != nil {
		return err
	}
	if !ok {
		return Errorf(NotFound, "%s %q not found", what, id)
	}
	return nil
}
