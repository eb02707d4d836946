package server

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/app"
	"github.com/quotient-cpq/quotient/crm"
)

var (
	userView        = view[crm.User, UserJSON]{version: func(u crm.User) int { return u.Version }, json: userJSON}
	accountView     = view[crm.Account, AccountJSON]{version: func(a crm.Account) int { return a.Version }, json: accountJSON}
	contactView     = view[crm.Contact, ContactJSON]{version: func(c crm.Contact) int { return c.Version }, json: contactJSON}
	opportunityView = view[crm.Opportunity, OpportunityJSON]{version: func(o crm.Opportunity) int { return o.Version }, json: opportunityJSON}

	userFilters        = []string{"role", "manager_id", "q"}
	accountFilters     = []string{"owner_id", "segment", "currency", "q"}
	contactFilters     = []string{"q"}
	opportunityFilters = []string{"owner_id", "account_id", "stage", "q"}
)

func (s *Server) listUsers() fiber.Handler {
	return listOf(func(u crm.User) string { return u.ID }, userJSON, userFilters,
		func(ctx context.Context, c *fiber.Ctx, p quotient.Page, f map[string]string) ([]crm.User, error) {
			return s.app.Users(ctx, crm.UserFilter{Page: p,
				Role: f["role"], ManagerID: f["manager_id"], Q: f["q"]})
		})
}

func (s *Server) createUser() fiber.Handler {
	return createOne(userView, UserRequest.input, func(u crm.User) string { return v1 + "/users/" + u.ID },
		func(ctx context.Context, c *fiber.Ctx, in crm.UserInput) (crm.User, error) {
			return s.app.CreateUser(ctx, in)
		})
}

func (s *Server) getUser() fiber.Handler {
	return getOne(userView, func(ctx context.Context, c *fiber.Ctx) (crm.User, error) {
		return s.app.User(ctx, c.Params("id"))
	})
}

func (s *Server) me() fiber.Handler {
	return getOne(userView, func(ctx context.Context, c *fiber.Ctx) (crm.User, error) {
		return s.app.Me(ctx)
	})
}

func (s *Server) patchMe() fiber.Handler {
	return patchOne(userView, func(r MeRequest) (MeRequest, error) { return r, nil }, func(ctx context.Context, c *fiber.Ctx, v int, r MeRequest) (crm.User, error) {
		me, err := s.app.Me(ctx)
		if err != nil || r.Locale == nil {
			return me, err
		}
		if err := quotient.CheckVersion("user", v, me.Version); err != nil {
			return crm.User{}, err
		}
		return s.app.SetMyLocale(ctx, *r.Locale)
	})
}

func (s *Server) patchUser() fiber.Handler {
	return patchOne(userView, UserRequest.patch, func(ctx context.Context, c *fiber.Ctx, v int, p crm.UserPatch) (crm.User, error) {
		return s.app.UpdateUser(ctx, c.Params("id"), v, p)
	})
}

// deactivateUser is DELETE /users/{id}: users are never deleted, since
// records name them; they are deactivated and their tokens revoked.
func (s *Server) deactivateUser() fiber.Handler {
	return func(c *fiber.Ctx) error {
		v, err := ifMatch(c)
		if err != nil {
			return err
		}
		return commit(c, func(ctx context.Context) (crm.User, error) {
			return s.app.DeactivateUser(ctx, c.Params("id"), v)
		}, func(u crm.User) response {
			return response{status: fiber.StatusOK, version: u.Version, body: userJSON(u)}
		})
	}
}

func (s *Server) listTokens() fiber.Handler {
	return listOf(func(t crm.Token) string { return t.ID }, tokenJSON, nil,
		func(ctx context.Context, c *fiber.Ctx, p quotient.Page, _ map[string]string) ([]crm.Token, error) {
			return s.app.Tokens(ctx, c.Params("id"), p)
		})
}

func (s *Server) createToken() fiber.Handler {
	show := view[app.NewToken, TokenJSON]{version: func(app.NewToken) int { return 0 }, json: func(n app.NewToken) TokenJSON {
		out := tokenJSON(n.Token)
		out.Token = n.Secret
		return out
	}}
	h := createOne(show, func(r TokenRequest) (TokenRequest, error) { return r, nil },
		func(n app.NewToken) string { return v1 + "/users/" + n.Token.UserID + "/tokens" },
		func(ctx context.Context, c *fiber.Ctx, r TokenRequest) (app.NewToken, error) {
			return s.app.CreateToken(ctx, r.UserID, r.Name)
		})
	return func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderCacheControl, "no-store")
		return h(c)
	}
}

func (s *Server) revokeToken() fiber.Handler {
	return deleteOne(func(ctx context.Context, c *fiber.Ctx) error {
		return s.app.RevokeToken(ctx, c.Params("id"))
	})
}

func (s *Server) listAccounts() fiber.Handler {
	return listOf(func(a crm.Account) string { return a.ID }, accountJSON, accountFilters,
		func(ctx context.Context, c *fiber.Ctx, p quotient.Page, f map[string]string) ([]crm.Account, error) {
			return s.app.Accounts(ctx, crm.AccountFilter{Page: p,
				OwnerID: f["owner_id"], Segment: f["segment"], Currency: f["currency"], Q: f["q"]})
		})
}

func (s *Server) createAccount() fiber.Handler {
	return createOne(accountView, AccountRequest.input, func(a crm.Account) string { return v1 + "/accounts/" + a.ID },
		func(ctx context.Context, c *fiber.Ctx, in crm.AccountInput) (crm.Account, error) {
			return s.app.CreateAccount(ctx, in)
		})
}

func (s *Server) getAccount() fiber.Handler {
	return getOne(accountView, func(ctx context.Context, c *fiber.Ctx) (crm.Account, error) {
		return s.app.Account(ctx, c.Params("id"))
	})
}

func (s *Server) patchAccount() fiber.Handler {
	return patchOne(accountView, AccountRequest.patch, func(ctx context.Context, c *fiber.Ctx, v int, p crm.AccountPatch) (crm.Account, error) {
		return s.app.UpdateAccount(ctx, c.Params("id"), v, p)
	})
}

func (s *Server) deleteAccount() fiber.Handler {
	return deleteOne(func(ctx context.Context, c *fiber.Ctx) error {
		return s.app.DeleteAccount(ctx, c.Params("id"))
	})
}

func contactInput(r ContactRequest) (crm.ContactInput, error) {
	return crm.ContactInput{Name: strOr(r.Name), Email: strOr(r.Email), Phone: strOr(r.Phone), Title: strOr(r.Title),
		Primary: r.Primary != nil && *r.Primary}, nil
}

func contactPatch(r ContactRequest) (crm.ContactPatch, error) { return crm.ContactPatch(r), nil }

func (s *Server) listContacts() fiber.Handler {
	return listOf(func(x crm.Contact) string { return x.ID }, contactJSON, contactFilters,
		func(ctx context.Context, c *fiber.Ctx, p quotient.Page, f map[string]string) ([]crm.Contact, error) {
			return s.app.Contacts(ctx, crm.ContactFilter{Page: p, AccountID: c.Params("id"), Q: f["q"]})
		})
}

func (s *Server) createContact() fiber.Handler {
	return createOne(contactView, contactInput, func(x crm.Contact) string { return v1 + "/accounts/" + x.AccountID + "/contacts/" + x.ID },
		func(ctx context.Context, c *fiber.Ctx, in crm.ContactInput) (crm.Contact, error) {
			return s.app.CreateContact(ctx, c.Params("id"), in)
		})
}

func (s *Server) getContact() fiber.Handler {
	return getOne(contactView, func(ctx context.Context, c *fiber.Ctx) (crm.Contact, error) {
		return s.app.Contact(ctx, c.Params("id"), c.Params("contact_id"))
	})
}

func (s *Server) patchContact() fiber.Handler {
	return patchOne(contactView, contactPatch, func(ctx context.Context, c *fiber.Ctx, v int, p crm.ContactPatch) (crm.Contact, error) {
		return s.app.UpdateContact(ctx, c.Params("id"), c.Params("contact_id"), v, p)
	})
}

func (s *Server) deleteContact() fiber.Handler {
	return deleteOne(func(ctx context.Context, c *fiber.Ctx) error {
		return s.app.DeleteContact(ctx, c.Params("id"), c.Params("contact_id"))
	})
}

func (s *Server) listOpportunities() fiber.Handler {
	return listOf(func(o crm.Opportunity) string { return o.ID }, opportunityJSON, opportunityFilters,
		func(ctx context.Context, c *fiber.Ctx, p quotient.Page, f map[string]string) ([]crm.Opportunity, error) {
			return s.app.Opportunities(ctx, crm.OpportunityFilter{Page: p,
				OwnerID: f["owner_id"], AccountID: f["account_id"], Stage: f["stage"], Q: f["q"]})
		})
}

func (s *Server) createOpportunity() fiber.Handler {
	return createOne(opportunityView, OpportunityRequest.input, func(o crm.Opportunity) string { return v1 + "/opportunities/" + o.ID },
		func(ctx context.Context, c *fiber.Ctx, in crm.OpportunityInput) (crm.Opportunity, error) {
			return s.app.CreateOpportunity(ctx, in)
		})
}

func (s *Server) getOpportunity() fiber.Handler {
	return getOne(opportunityView, func(ctx context.Context, c *fiber.Ctx) (crm.Opportunity, error) {
		return s.app.Opportunity(ctx, c.Params("id"))
	})
}

func (s *Server) patchOpportunity() fiber.Handler {
	return patchOne(opportunityView, OpportunityRequest.patch, func(ctx context.Context, c *fiber.Ctx, v int, p crm.OpportunityPatch) (crm.Opportunity, error) {
		return s.app.UpdateOpportunity(ctx, c.Params("id"), v, p)
	})
}

func (s *Server) deleteOpportunity() fiber.Handler {
	return deleteOne(func(ctx context.Context, c *fiber.Ctx) error {
		return s.app.DeleteOpportunity(ctx, c.Params("id"))
	})
}

func (s *Server) accountHistory() fiber.Handler {
	return func(c *fiber.Ctx) error {
		if _, _, err := parseList(c); err != nil {
			return err
		}
		cs, err := s.app.AccountHistory(c.UserContext(), c.Params("id"))
		if err != nil {
			return err
		}
		return send(c, fiber.StatusOK, 0, listPage[AccountChangeJSON]{Data: mapSlice(cs, func(x crm.AccountChange) AccountChangeJSON {
			return AccountChangeJSON{ID: x.ID, Version: x.Version, Field: x.Field, Before: x.From, After: x.To, ActorID: x.ActorID, At: x.At}
		})})
	}
}

func (s *Server) accountTeam() fiber.Handler {
	return func(c *fiber.Ctx) error {
		if _, _, err := parseList(c); err != nil {
			return err
		}
		ms, err := s.app.AccountTeam(c.UserContext(), c.Params("id"))
		if err != nil {
			return err
		}
		return send(c, fiber.StatusOK, 0, listPage[TeamMemberJSON]{Data: mapSlice(ms, teamMemberJSON)})
	}
}

func (s *Server) addTeamMember() fiber.Handler {
	return func(c *fiber.Ctx) error {
		var r TeamMemberRequest
		if err := decode(c, &r); err != nil {
			return err
		}
		return commit(c, func(ctx context.Context) (crm.TeamMember, error) {
			return s.app.AddTeamMember(ctx, c.Params("id"), crm.TeamMember{UserID: r.UserID, Role: r.Role})
		}, func(m crm.TeamMember) response {
			return response{status: fiber.StatusCreated, body: teamMemberJSON(m), location: v1 + "/accounts/" + m.AccountID + "/team"}
		})
	}
}

func (s *Server) removeTeamMember() fiber.Handler {
	return deleteOne(func(ctx context.Context, c *fiber.Ctx) error {
		return s.app.RemoveTeamMember(ctx, c.Params("id"), c.Params("user_id"))
	})
}

// InvitationJSON says a sign-in link is on its way, and until when it works.
type InvitationJSON struct {
	UserID    string    `json:"user_id"`
	ExpiresAt time.Time `json:"expires_at"`
}

func (s *Server) inviteUser() fiber.Handler {
	return func(c *fiber.Ctx) error {
		id := c.Params("id")
		return commit(c, func(ctx context.Context) (time.Time, error) { return s.app.InviteUser(ctx, id) },
			func(at time.Time) response {
				return response{status: fiber.StatusOK, body: InvitationJSON{UserID: id, ExpiresAt: at}}
			})
	}
}
