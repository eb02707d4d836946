package server

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"github.com/quotient-cpq/quotient/crm"
)

var (
	userView        = view[crm.User, UserJSON]{func(u crm.User) int { return u.Version }, userJSON}
	accountView     = view[crm.Account, AccountJSON]{func(a crm.Account) int { return a.Version }, accountJSON}
	contactView     = view[crm.Contact, ContactJSON]{func(c crm.Contact) int { return c.Version }, contactJSON}
	opportunityView = view[crm.Opportunity, OpportunityJSON]{func(o crm.Opportunity) int { return o.Version }, opportunityJSON}

	userFilters        = []string{"role", "manager_id", "q"}
	accountFilters     = []string{"owner_id", "segment", "currency", "q"}
	contactFilters     = []string{"q"}
	opportunityFilters = []string{"owner_id", "account_id", "stage", "q"}
)

func (s *Server) listUsers() fiber.Handler {
	return listOf(s, func(u crm.User) string { return u.ID }, userJSON, userFilters,
		func(ctx context.Context, tx Tx, c *fiber.Ctx, limit int, after string, f map[string]string) ([]crm.User, error) {
			return s.crm.ListUsers(ctx, tx, crm.UserFilter{Page: crm.Page{Limit: limit, After: after},
				Role: f["role"], ManagerID: f["manager_id"], Q: f["q"]})
		})
}

func (s *Server) createUser() fiber.Handler {
	return createOne(s, userView, UserRequest.input, func(u crm.User) string { return v1 + "/users/" + u.ID },
		func(ctx context.Context, tx Tx, c *fiber.Ctx, in crm.UserInput) (crm.User, error) {
			return s.crm.CreateUser(ctx, tx, in)
		})
}

func (s *Server) getUser() fiber.Handler {
	return getOne(s, userView, func(ctx context.Context, tx Tx, c *fiber.Ctx) (crm.User, error) {
		return s.crm.GetUser(ctx, tx, c.Params("id"))
	})
}

func (s *Server) me() fiber.Handler {
	return getOne(s, userView, func(ctx context.Context, tx Tx, c *fiber.Ctx) (crm.User, error) {
		return s.crm.GetUser(ctx, tx, actorOf(ctx).UserID)
	})
}

func (s *Server) patchUser() fiber.Handler {
	return patchOne(s, userView, UserRequest.patch, func(ctx context.Context, tx Tx, c *fiber.Ctx, v int, p crm.UserPatch) (crm.User, error) {
		return s.crm.UpdateUser(ctx, tx, c.Params("id"), v, p)
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
		off := false
		return commit(s, c, func(ctx context.Context, tx Tx) (crm.User, error) {
			return s.crm.UpdateUser(ctx, tx, c.Params("id"), v, crm.UserPatch{Active: &off})
		}, func(u crm.User) response {
			return response{status: fiber.StatusOK, version: u.Version, body: userJSON(u)}
		})
	}
}

func (s *Server) listTokens() fiber.Handler {
	return listOf(s, func(t crm.Token) string { return t.ID }, tokenJSON, nil,
		func(ctx context.Context, tx Tx, c *fiber.Ctx, limit int, after string, _ map[string]string) ([]crm.Token, error) {
			return s.crm.ListTokens(ctx, tx, c.Params("id"), crm.Page{Limit: limit, After: after})
		})
}

// newToken is a token with the secret shown once.
type newToken struct {
	t      crm.Token
	secret string
}

func (s *Server) createToken() fiber.Handler {
	show := view[newToken, TokenJSON]{func(newToken) int { return 0 }, func(n newToken) TokenJSON {
		out := tokenJSON(n.t)
		out.Token = n.secret
		return out
	}}
	h := createOne(s, show, func(r TokenRequest) (TokenRequest, error) { return r, nil },
		func(n newToken) string { return v1 + "/users/" + n.t.UserID + "/tokens" },
		func(ctx context.Context, tx Tx, c *fiber.Ctx, r TokenRequest) (newToken, error) {
			t, secret, err := s.crm.CreateToken(ctx, tx, r.UserID, r.Name)
			return newToken{t, secret}, err
		})
	return func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderCacheControl, "no-store")
		return h(c)
	}
}

func (s *Server) revokeToken() fiber.Handler {
	return deleteOne(s, func(ctx context.Context, tx Tx, c *fiber.Ctx) error {
		return s.crm.RevokeToken(ctx, tx, c.Params("id"))
	})
}

func (s *Server) listAccounts() fiber.Handler {
	return listOf(s, func(a crm.Account) string { return a.ID }, accountJSON, accountFilters,
		func(ctx context.Context, tx Tx, c *fiber.Ctx, limit int, after string, f map[string]string) ([]crm.Account, error) {
			return s.crm.ListAccounts(ctx, tx, crm.AccountFilter{Page: crm.Page{Limit: limit, After: after},
				OwnerID: f["owner_id"], Segment: f["segment"], Currency: f["currency"], Q: f["q"]})
		})
}

func (s *Server) createAccount() fiber.Handler {
	return createOne(s, accountView, AccountRequest.input, func(a crm.Account) string { return v1 + "/accounts/" + a.ID },
		func(ctx context.Context, tx Tx, c *fiber.Ctx, in crm.AccountInput) (crm.Account, error) {
			return s.crm.CreateAccount(ctx, tx, in)
		})
}

func (s *Server) getAccount() fiber.Handler {
	return getOne(s, accountView, func(ctx context.Context, tx Tx, c *fiber.Ctx) (crm.Account, error) {
		return s.crm.GetAccount(ctx, tx, c.Params("id"))
	})
}

func (s *Server) patchAccount() fiber.Handler {
	return patchOne(s, accountView, AccountRequest.patch, func(ctx context.Context, tx Tx, c *fiber.Ctx, v int, p crm.AccountPatch) (crm.Account, error) {
		return s.crm.UpdateAccount(ctx, tx, c.Params("id"), v, p)
	})
}

func (s *Server) deleteAccount() fiber.Handler {
	return deleteOne(s, func(ctx context.Context, tx Tx, c *fiber.Ctx) error {
		return s.crm.DeleteAccount(ctx, tx, c.Params("id"))
	})
}

func contactInput(r ContactRequest) (crm.ContactInput, error) {
	return crm.ContactInput{Name: strOr(r.Name), Email: strOr(r.Email), Phone: strOr(r.Phone), Title: strOr(r.Title)}, nil
}

func contactPatch(r ContactRequest) (crm.ContactPatch, error) { return crm.ContactPatch(r), nil }

func (s *Server) listContacts() fiber.Handler {
	return listOf(s, func(x crm.Contact) string { return x.ID }, contactJSON, contactFilters,
		func(ctx context.Context, tx Tx, c *fiber.Ctx, limit int, after string, f map[string]string) ([]crm.Contact, error) {
			return s.crm.ListContacts(ctx, tx, crm.ContactFilter{Page: crm.Page{Limit: limit, After: after}, AccountID: c.Params("id"), Q: f["q"]})
		})
}

func (s *Server) createContact() fiber.Handler {
	return createOne(s, contactView, contactInput, func(x crm.Contact) string { return v1 + "/accounts/" + x.AccountID + "/contacts/" + x.ID },
		func(ctx context.Context, tx Tx, c *fiber.Ctx, in crm.ContactInput) (crm.Contact, error) {
			return s.crm.CreateContact(ctx, tx, c.Params("id"), in)
		})
}

func (s *Server) getContact() fiber.Handler {
	return getOne(s, contactView, func(ctx context.Context, tx Tx, c *fiber.Ctx) (crm.Contact, error) {
		return s.crm.GetContact(ctx, tx, c.Params("id"), c.Params("contact_id"))
	})
}

func (s *Server) patchContact() fiber.Handler {
	return patchOne(s, contactView, contactPatch, func(ctx context.Context, tx Tx, c *fiber.Ctx, v int, p crm.ContactPatch) (crm.Contact, error) {
		return s.crm.UpdateContact(ctx, tx, c.Params("id"), c.Params("contact_id"), v, p)
	})
}

func (s *Server) deleteContact() fiber.Handler {
	return deleteOne(s, func(ctx context.Context, tx Tx, c *fiber.Ctx) error {
		return s.crm.DeleteContact(ctx, tx, c.Params("id"), c.Params("contact_id"))
	})
}

func (s *Server) listOpportunities() fiber.Handler {
	return listOf(s, func(o crm.Opportunity) string { return o.ID }, opportunityJSON, opportunityFilters,
		func(ctx context.Context, tx Tx, c *fiber.Ctx, limit int, after string, f map[string]string) ([]crm.Opportunity, error) {
			return s.crm.ListOpportunities(ctx, tx, crm.OpportunityFilter{Page: crm.Page{Limit: limit, After: after},
				OwnerID: f["owner_id"], AccountID: f["account_id"], Stage: f["stage"], Q: f["q"]})
		})
}

func (s *Server) createOpportunity() fiber.Handler {
	return createOne(s, opportunityView, OpportunityRequest.input, func(o crm.Opportunity) string { return v1 + "/opportunities/" + o.ID },
		func(ctx context.Context, tx Tx, c *fiber.Ctx, in crm.OpportunityInput) (crm.Opportunity, error) {
			return s.crm.CreateOpportunity(ctx, tx, in)
		})
}

func (s *Server) getOpportunity() fiber.Handler {
	return getOne(s, opportunityView, func(ctx context.Context, tx Tx, c *fiber.Ctx) (crm.Opportunity, error) {
		return s.crm.GetOpportunity(ctx, tx, c.Params("id"))
	})
}

func (s *Server) patchOpportunity() fiber.Handler {
	return patchOne(s, opportunityView, OpportunityRequest.patch, func(ctx context.Context, tx Tx, c *fiber.Ctx, v int, p crm.OpportunityPatch) (crm.Opportunity, error) {
		return s.crm.UpdateOpportunity(ctx, tx, c.Params("id"), v, p)
	})
}

func (s *Server) deleteOpportunity() fiber.Handler {
	return deleteOne(s, func(ctx context.Context, tx Tx, c *fiber.Ctx) error {
		return s.crm.DeleteOpportunity(ctx, tx, c.Params("id"))
	})
}
