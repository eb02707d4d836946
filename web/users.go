package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/crm"
)

// userRow is a user in the admin's list.
type userRow struct {
	ID, Name, Email, Role, Manager string
	Active                         bool
}

// users lists the users the person may read; an admin may end any
// user's sessions from here (the rule of crm.RevokeSessions).
func (w *Web) users(c *fiber.Ctx) error { return w.usersWith(c, signedIn(c, "Users", "users"), 200) }

func (w *Web) usersWith(c *fiber.Ctx, p page, status int) error {
	ctx := c.UserContext()
	us, err := w.app.Users(ctx, crm.UserFilter{Page: quotient.Page{Limit: 500}})
	if err != nil {
		return w.fail(c, p, err)
	}
	name := w.ownerNames(ctx)
	for _, u := range us {
		r := userRow{ID: u.ID, Name: u.Name, Email: u.Email, Role: string(u.Role), Active: u.Active}
		if u.ManagerID != "" {
			r.Manager = name(u.ManagerID)
		}
		p.Users = append(p.Users, r)
	}
	p.Admin = p.User.Role == quotient.RoleAdmin
	return w.render(c, status, "users", p)
}

// endSessions signs a user out everywhere (admins; the use case says who
// may).
func (w *Web) endSessions(c *fiber.Ctx) error {
	p := signedIn(c, "Users", "users")
	n, err := w.app.RevokeSessions(c.UserContext(), c.Params("id"))
	if msg, field, ok := said(p.Loc, err); ok {
		p.Message, p.IsError = fieldWords(p.Loc, field, msg), true
		return w.usersWith(c, p, fiber.StatusUnprocessableEntity)
	}
	if err != nil {
		return w.fail(c, p, err)
	}
	u, err := w.app.User(c.UserContext(), c.Params("id"))
	if err != nil {
		return w.fail(c, p, err)
	}
	p.Message = p.T("%s is signed out everywhere (%d session(s) ended); their API tokens still work.", u.Name, n)
	return w.usersWith(c, p, 200)
}
