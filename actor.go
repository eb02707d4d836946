package quotient

import (
	"context"
	"time"
)

// Role is what a user may do.
type Role string

// The roles of docs/api.md.
const (
	RoleAdmin        Role = "admin"
	RoleSalesRep     Role = "sales_rep"
	RoleSalesManager Role = "sales_manager"
	RoleFinance      Role = "finance"
)

// Valid reports whether r is one of the known roles.
func (r Role) Valid() bool {
	switch r {
	case RoleAdmin, RoleSalesRep, RoleSalesManager, RoleFinance:
		return true
	}
	return false
}

// Actor is the user on whose behalf a request runs.
type Actor struct {
	UserID string
	Role   Role
	// Team holds the ids of the users who report to this user (directly or
	// not), for sales managers; it always includes the user itself.
	Team []string
}

// InTeam reports whether userID is the actor or one of their reports.
func (a Actor) InTeam(userID string) bool {
	if userID == a.UserID {
		return true
	}
	for _, id := range a.Team {
		if id == userID {
			return true
		}
	}
	return false
}

// MayWriteOwnedBy reports whether the actor may change a record owned by
// ownerID: admins always, sales managers for their team, reps for their
// own records; finance never (it has its own narrower rights).
func (a Actor) MayWriteOwnedBy(ownerID string) bool {
	switch a.Role {
	case RoleAdmin:
		return true
	case RoleSalesManager:
		return a.InTeam(ownerID)
	case RoleSalesRep:
		return ownerID == a.UserID
	}
	return false
}

type actorKey struct{}

// WithActor returns a context carrying the acting user.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the acting user of ctx and whether there is one.
func ActorFrom(ctx context.Context) (Actor, bool) {
	a, ok := ctx.Value(actorKey{}).(Actor)
	return a, ok
}

// RequireActor returns the acting user, or an unauthorized error when the
// request carries none.
func RequireActor(ctx context.Context) (Actor, error) {
	a, ok := ActorFrom(ctx)
	if !ok {
		return Actor{}, Errorf(Unauthorized, "sign in with an API token")
	}
	return a, nil
}

// Clock returns the current time; passed to constructors so tests control it.
type Clock func() time.Time
