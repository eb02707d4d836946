package server

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"github.com/quotient-cpq/quotient/crm"
)

func (s *Server) listUsers(c *fiber.Ctx) error {
	q, f, err := parseList(c, "role", "manager_id", "q")
	if err != nil {
		return err
	}
	rows, err := read(s, c, func(ctx context.Context, tx Tx) ([]crm.User, error) {
		return s.crm.ListUsers(ctx, tx, crm.UserFilter{Page: crm.Page{Limit: q.Limit + 1, After: q.After},
			Role: f["role"], ManagerID: f["manager_id"], Q: f["q"]})
	})
	if err != nil {
		return err
	}
	return send(c, 200, 0, pageOf(rows, q.Limit, func(u crm.User) string { return u.ID }, userJSON))
}

func (s *Server) createUser(c *fiber.Ctx) error {
	in, err := decodeWith(c, UserRequest.input)
	if err != nil {
		return err
	}
	u, err := change(s, c, func(ctx context.Context, tx Tx) (crm.User, error) { return s.crm.CreateUser(ctx, tx, in) })
	if err != nil {
		return err
	}
	return created(c, "/api/v1/users/"+u.ID, u.Version, userJSON(u))
}

func (s *Server) getUser(c *fiber.Ctx) error {
	u, err := read(s, c, func(ctx context.Context, tx Tx) (crm.User, error) { return s.crm.GetUser(ctx, tx, c.Params("id")) })
	if err != nil {
		return err
	}
	return send(c, 200, u.Version, userJSON(u))
}

func (s *Server) me(c *fiber.Ctx) error {
	u, err := read(s, c, func(ctx context.Context, tx Tx) (crm.User, error) {
		return s.crm.GetUser(ctx, tx, actorOf(ctx).UserID)
	})
	if err != nil {
		return err
	}
	return send(c, 200, u.Version, userJSON(u))
}

func (s *Server) patchUser(c *fiber.Ctx) error {
	v, err := ifMatch(c)
	if err != nil {
		return err
	}
	p, err := decodeWith(c, UserRequest.patch)
	if err != nil {
		return err
	}
	u, err := change(s, c, func(ctx context.Context, tx Tx) (crm.User, error) {
		return s.crm.UpdateUser(ctx, tx, c.Params("id"), v, p)
	})
	if err != nil {
		return err
	}
	return send(c, 200, u.Version, userJSON(u))
}

// deactivateUser is DELETE /users/{id}: users are never deleted, since
// records name them; they are deactivated and their tokens revoked.
func (s *Server) deactivateUser(c *fiber.Ctx) error {
	v, err := ifMatch(c)
	if err != nil {
		return err
	}
	off := false
	u, err := change(s, c, func(ctx context.Context, tx Tx) (crm.User, error) {
		return s.crm.UpdateUser(ctx, tx, c.Params("id"), v, crm.UserPatch{Active: &off})
	})
	if err != nil {
		return err
	}
	return send(c, 200, u.Version, userJSON(u))
}

func (s *Server) listTokens(c *fiber.Ctx) error {
	if _, _, err := parseList(c); err != nil {
		return err
	}
	ts, err := read(s, c, func(ctx context.Context, tx Tx) ([]crm.Token, error) {
		return s.crm.ListTokens(ctx, tx, c.Params("id"))
	})
	if err != nil {
		return err
	}
	return send(c, 200, 0, pageOf(ts, len(ts), func(t crm.Token) string { return t.ID }, tokenJSON))
}

func (s *Server) createToken(c *fiber.Ctx) error {
	var req TokenRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	type result struct {
		t      crm.Token
		secret string
	}
	r, err := change(s, c, func(ctx context.Context, tx Tx) (result, error) {
		t, secret, err := s.crm.CreateToken(ctx, tx, req.UserID, req.Name)
		return result{t, secret}, err
	})
	if err != nil {
		return err
	}
	out := tokenJSON(r.t)
	out.Token = r.secret
	c.Set(fiber.HeaderCacheControl, "no-store")
	return created(c, "/api/v1/users/"+r.t.UserID+"/tokens", 0, out)
}

func (s *Server) revokeToken(c *fiber.Ctx) error {
	if err := s.write(c, func(ctx context.Context, tx Tx) error { return s.crm.RevokeToken(ctx, tx, c.Params("id")) }); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) listAccounts(c *fiber.Ctx) error {
	q, f, err := parseList(c, "owner_id", "segment", "currency", "q")
	if err != nil {
		return err
	}
	rows, err := read(s, c, func(ctx context.Context, tx Tx) ([]crm.Account, error) {
		return s.crm.ListAccounts(ctx, tx, crm.AccountFilter{Page: crm.Page{Limit: q.Limit + 1, After: q.After},
			OwnerID: f["owner_id"], Segment: f["segment"], Currency: f["currency"], Q: f["q"]})
	})
	if err != nil {
		return err
	}
	return send(c, 200, 0, pageOf(rows, q.Limit, func(a crm.Account) string { return a.ID }, accountJSON))
}

func (s *Server) createAccount(c *fiber.Ctx) error {
	in, err := decodeWith(c, AccountRequest.input)
	if err != nil {
		return err
	}
	a, err := change(s, c, func(ctx context.Context, tx Tx) (crm.Account, error) { return s.crm.CreateAccount(ctx, tx, in) })
	if err != nil {
		return err
	}
	return created(c, "/api/v1/accounts/"+a.ID, a.Version, accountJSON(a))
}

func (s *Server) getAccount(c *fiber.Ctx) error {
	a, err := read(s, c, func(ctx context.Context, tx Tx) (crm.Account, error) {
		return s.crm.GetAccount(ctx, tx, c.Params("id"))
	})
	if err != nil {
		return err
	}
	return send(c, 200, a.Version, accountJSON(a))
}

func (s *Server) patchAccount(c *fiber.Ctx) error {
	v, err := ifMatch(c)
	if err != nil {
		return err
	}
	p, err := decodeWith(c, AccountRequest.patch)
	if err != nil {
		return err
	}
	a, err := change(s, c, func(ctx context.Context, tx Tx) (crm.Account, error) {
		return s.crm.UpdateAccount(ctx, tx, c.Params("id"), v, p)
	})
	if err != nil {
		return err
	}
	return send(c, 200, a.Version, accountJSON(a))
}

func (s *Server) deleteAccount(c *fiber.Ctx) error {
	if err := s.write(c, func(ctx context.Context, tx Tx) error { return s.crm.DeleteAccount(ctx, tx, c.Params("id")) }); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func contactInput(r ContactRequest) (crm.ContactInput, error) {
	return crm.ContactInput{Name: strOr(r.Name), Email: strOr(r.Email), Phone: strOr(r.Phone), Title: strOr(r.Title)}, nil
}

func contactPatch(r ContactRequest) (crm.ContactPatch, error) {
	return crm.ContactPatch(r), nil
}

func (s *Server) listContacts(c *fiber.Ctx) error {
	q, f, err := parseList(c, "q")
	if err != nil {
		return err
	}
	rows, err := read(s, c, func(ctx context.Context, tx Tx) ([]crm.Contact, error) {
		return s.crm.ListContacts(ctx, tx, crm.ContactFilter{Page: crm.Page{Limit: q.Limit + 1, After: q.After},
			AccountID: c.Params("id"), Q: f["q"]})
	})
	if err != nil {
		return err
	}
	return send(c, 200, 0, pageOf(rows, q.Limit, func(x crm.Contact) string { return x.ID }, contactJSON))
}

func (s *Server) createContact(c *fiber.Ctx) error {
	in, err := decodeWith(c, contactInput)
	if err != nil {
		return err
	}
	x, err := change(s, c, func(ctx context.Context, tx Tx) (crm.Contact, error) {
		return s.crm.CreateContact(ctx, tx, c.Params("id"), in)
	})
	if err != nil {
		return err
	}
	return created(c, "/api/v1/accounts/"+x.AccountID+"/contacts/"+x.ID, x.Version, contactJSON(x))
}

func (s *Server) getContact(c *fiber.Ctx) error {
	x, err := read(s, c, func(ctx context.Context, tx Tx) (crm.Contact, error) {
		return s.crm.GetContact(ctx, tx, c.Params("id"), c.Params("contact_id"))
	})
	if err != nil {
		return err
	}
	return send(c, 200, x.Version, contactJSON(x))
}

func (s *Server) patchContact(c *fiber.Ctx) error {
	v, err := ifMatch(c)
	if err != nil {
		return err
	}
	p, err := decodeWith(c, contactPatch)
	if err != nil {
		return err
	}
	x, err := change(s, c, func(ctx context.Context, tx Tx) (crm.Contact, error) {
		return s.crm.UpdateContact(ctx, tx, c.Params("id"), c.Params("contact_id"), v, p)
	})
	if err != nil {
		return err
	}
	return send(c, 200, x.Version, contactJSON(x))
}

func (s *Server) deleteContact(c *fiber.Ctx) error {
	err := s.write(c, func(ctx context.Context, tx Tx) error {
		return s.crm.DeleteContact(ctx, tx, c.Params("id"), c.Params("contact_id"))
	})
	if err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) listOpportunities(c *fiber.Ctx) error {
	q, f, err := parseList(c, "owner_id", "account_id", "stage", "q")
	if err != nil {
		return err
	}
	rows, err := read(s, c, func(ctx context.Context, tx Tx) ([]crm.Opportunity, error) {
		return s.crm.ListOpportunities(ctx, tx, crm.OpportunityFilter{Page: crm.Page{Limit: q.Limit + 1, After: q.After},
			OwnerID: f["owner_id"], AccountID: f["account_id"], Stage: f["stage"], Q: f["q"]})
	})
	if err != nil {
		return err
	}
	return send(c, 200, 0, pageOf(rows, q.Limit, func(o crm.Opportunity) string { return o.ID }, opportunityJSON))
}

func (s *Server) createOpportunity(c *fiber.Ctx) error {
	in, err := decodeWith(c, OpportunityRequest.input)
	if err != nil {
		return err
	}
	o, err := change(s, c, func(ctx context.Context, tx Tx) (crm.Opportunity, error) {
		return s.crm.CreateOpportunity(ctx, tx, in)
	})
	if err != nil {
		return err
	}
	return created(c, "/api/v1/opportunities/"+o.ID, o.Version, opportunityJSON(o))
}

func (s *Server) getOpportunity(c *fiber.Ctx) error {
	o, err := read(s, c, func(ctx context.Context, tx Tx) (crm.Opportunity, error) {
		return s.crm.GetOpportunity(ctx, tx, c.Params("id"))
	})
	if err != nil {
		return err
	}
	return send(c, 200, o.Version, opportunityJSON(o))
}

func (s *Server) patchOpportunity(c *fiber.Ctx) error {
	v, err := ifMatch(c)
	if err != nil {
		return err
	}
	p, err := decodeWith(c, OpportunityRequest.patch)
	if err != nil {
		return err
	}
	o, err := change(s, c, func(ctx context.Context, tx Tx) (crm.Opportunity, error) {
		return s.crm.UpdateOpportunity(ctx, tx, c.Params("id"), v, p)
	})
	if err != nil {
		return err
	}
	return send(c, 200, o.Version, opportunityJSON(o))
}

func (s *Server) deleteOpportunity(c *fiber.Ctx) error {
	if err := s.write(c, func(ctx context.Context, tx Tx) error { return s.crm.DeleteOpportunity(ctx, tx, c.Params("id")) }); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
