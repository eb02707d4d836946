package web

import (
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/crm"
	"github.com/quotient-cpq/quotient/i18n"
)

func (w *Web) signinPage(c *fiber.Ctx) error {
	p := anon(c, "Sign in")
	p.Next = localPath(c.Query("next"))
	if c.Query("ended") == "1" {
		p.Message = p.T("Your session has ended: it went unused for too long, reached its time limit, or was signed out. Sign in again to go on.")
	}
	return w.render(c, 200, "signin", p)
}

// localPath is where a sign-in may lead afterwards: a path of this site
// (never another site's address), else home.
func localPath(s string) string {
	if !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") || strings.ContainsAny(s, "\\\r\n") ||
		strings.HasPrefix(s, "/signin") || strings.HasPrefix(s, "/signout") {
		return "/"
	}
	return s
}

// askLink e-mails a sign-in link. The answer is the same whether the
// address is known or not; an address asking too often is told to wait.
func (w *Web) askLink(c *fiber.Ctx) error {
	email := strings.TrimSpace(c.FormValue("email"))
	p := anon(c, "Sign in")
	p.Email = email
	if !w.asks.allow(c.IP(), time.Now()) {
		p.Message, p.IsError = p.T("Too many sign-in requests from your network; wait 15 minutes and try again."), true
		return w.render(c, fiber.StatusTooManyRequests, "signin", p)
	}
	if !strings.Contains(email, "@") || len(email) > 254 {
		p.Message, p.IsError = p.T("Enter your e-mail address, such as name@example.com."), true
		return w.render(c, fiber.StatusUnprocessableEntity, "signin", p)
	}
	if err := w.app.EmailSignInLink(c.UserContext(), email); err != nil {
		return w.fail(c, p, err)
	}
	p.Message = p.T("If %s belongs to a Quotient user, a sign-in link is on its way. It works once, within 30 minutes.", email)
	return w.render(c, 200, "signin", p)
}

// redeemPage asks for a click before the link is used, so that a mail
// scanner that follows links does not use it up.
func (w *Web) redeemPage(c *fiber.Ctx) error {
	p := anon(c, "Sign in")
	p.Link = c.Params("link")
	return w.render(c, 200, "redeem", p)
}

func (w *Web) redeem(c *fiber.Ctx) error {
	sec, err := w.app.Redeem(c.UserContext(), c.Params("link"), c.IP(), c.Get(fiber.HeaderUserAgent))
	if quotient.ErrorCode(err) == quotient.Unauthorized {
		p := anon(c, "Sign in")
		p.Message, p.IsError = p.Loc.Error(err), true
		return w.render(c, fiber.StatusUnauthorized, "signin", p)
	}
	if err != nil {
		return w.fail(c, page{}, err)
	}
	return w.startSession(c, sec, "/")
}

// startSession sets a new session's cookie and goes to next (a local
// path); a session that owes its second factor is led to the code page
// from there.
func (w *Web) startSession(c *fiber.Ctx, sec, next string) error {
	c.Cookie(&fiber.Cookie{Name: SessionCookie, Value: sec, Path: "/", HTTPOnly: true, Secure: w.secure, SameSite: fiber.CookieSameSiteLaxMode,
		Expires: time.Now().Add(w.app.SessionAbsolute())})
	return c.Redirect(localPath(next), fiber.StatusSeeOther)
}

// passwordSignIn signs in with an e-mail address and a password. A wrong
// one says so without saying which; an account or an address that tried
// too often is told to wait.
func (w *Web) passwordSignIn(c *fiber.Ctx) error {
	email := strings.TrimSpace(c.FormValue("email"))
	p := anon(c, "Sign in")
	p.Email, p.IsError, p.Next = email, true, localPath(c.FormValue("next"))
	if !w.tries.allow(c.IP(), time.Now()) {
		p.Message = p.T("Too many sign-in attempts from your network; wait 15 minutes and try again.")
		return w.render(c, fiber.StatusTooManyRequests, "signin", p)
	}
	sec, err := w.app.SignInWithPassword(c.UserContext(), email, c.FormValue("password"), c.IP(), c.Get(fiber.HeaderUserAgent))
	switch quotient.ErrorCode(err) {
	case quotient.Unauthorized:
		p.Message = p.T("The e-mail address or the password is wrong.")
		return w.render(c, fiber.StatusUnauthorized, "signin", p)
	case quotient.RateLimited:
		p.Message = p.T("Too many failed sign-ins for this account: wait 15 minutes, or ask for a sign-in link below.")
		return w.render(c, fiber.StatusTooManyRequests, "signin", p)
	}
	if err != nil {
		return w.fail(c, p, err)
	}
	return w.startSession(c, sec, c.FormValue("next"))
}

func (w *Web) account(c *fiber.Ctx) error {
	return w.render(c, 200, "account", accountPage(c))
}

// accountPage is the account page with the locales on offer.
func accountPage(c *fiber.Ctx) page {
	p := signedIn(c, "Your account", "account")
	p.Locales = i18n.Options
	return p
}

// setLocale sets the signed-in person's language and formats; the page
// answers in the new ones at once.
func (w *Web) setLocale(c *fiber.Ctx) error {
	u, err := w.app.SetMyLocale(c.UserContext(), c.FormValue("locale"))
	if err != nil {
		p := accountPage(c)
		var qe *quotient.Error
		if errors.As(err, &qe) && qe.Code == quotient.Unprocessable {
			p.Message, p.IsError = p.T("The language was not changed: %s", fieldWords(p.Loc, qe.Field, p.Loc.Error(qe))), true
			return w.render(c, fiber.StatusUnprocessableEntity, "account", p)
		}
		return w.fail(c, p, err)
	}
	c.Locals("user", &u)
	c.Locals("locale", nil)
	p := accountPage(c)
	p.Message = p.T("Your language and formats are saved.")
	return w.render(c, 200, "account", p)
}

// setPassword sets the signed-in person's password; a refusal says why,
// at the field.
func (w *Web) setPassword(c *fiber.Ctx) error {
	p := accountPage(c)
	err := w.app.SetPassword(c.UserContext(), c.FormValue("password"))
	var qe *quotient.Error
	if errors.As(err, &qe) && qe.Code == quotient.Unprocessable {
		p.Message, p.IsError = p.T("The password %s.", p.Loc.Error(qe)), true
		return w.render(c, fiber.StatusUnprocessableEntity, "account", p)
	}
	if err != nil {
		return w.fail(c, p, err)
	}
	p.Message = p.T("Your password is set: sign in with it next time.")
	return w.render(c, 200, "account", p)
}

// revokeSessions ends every session of the signed-in person.
func (w *Web) revokeSessions(c *fiber.Ctx) error {
	u, _ := c.Locals("user").(*crm.User)
	if _, err := w.app.RevokeSessions(c.UserContext(), u.ID); err != nil {
		return w.fail(c, signedIn(c, "", ""), err)
	}
	c.Cookie(&fiber.Cookie{Name: SessionCookie, Value: "", Path: "/", HTTPOnly: true, Secure: w.secure, SameSite: fiber.CookieSameSiteLaxMode,
		Expires: time.Unix(0, 0)})
	p := anon(c, "Sign in")
	p.Message = p.T("Every session of yours has ended; sign in again.")
	return w.render(c, 200, "signin", p)
}

func (w *Web) signout(c *fiber.Ctx) error {
	if err := w.app.SignOut(c.UserContext(), c.Cookies(SessionCookie)); err != nil {
		return w.fail(c, page{}, err)
	}
	c.Cookie(&fiber.Cookie{Name: SessionCookie, Value: "", Path: "/", HTTPOnly: true, Secure: w.secure, SameSite: fiber.CookieSameSiteLaxMode,
		Expires: time.Unix(0, 0)})
	p := anon(c, "Sign in")
	p.Message = p.T("You are signed out.")
	return w.render(c, 200, "signin", p)
}

// throttle counts requests per key in a sliding window, in memory: enough
// to slow one address down; several servers each count their own.
type throttle struct {
	mu     sync.Mutex
	limit  int
	window time.Duration
	seen   map[string][]time.Time
}

func (t *throttle) allow(key string, now time.Time) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	recent := t.seen[key][:0]
	for _, at := range t.seen[key] {
		if now.Sub(at) < t.window {
			recent = append(recent, at)
		}
	}
	if len(recent) >= t.limit {
		t.seen[key] = recent
		return false
	}
	t.seen[key] = append(recent, now)
	if len(t.seen) > 10000 { // forget addresses that went quiet
		for k, v := range t.seen {
			if len(v) == 0 || now.Sub(v[len(v)-1]) >= t.window {
				delete(t.seen, k)
			}
		}
	}
	return true
}

// codePage asks for the second factor's code, setting up an authenticator
// app first when the person has none.
func (w *Web) codePage(c *fiber.Ctx) error {
	p := signedIn(c, "Second factor", "account")
	setup, err := w.app.SecondFactor(c.UserContext())
	if err != nil {
		return w.fail(c, p, err)
	}
	p.Setup, p.Required, p.Next = setup, crm.SecondFactorRequired(p.User.Role), localPath(c.Query("next"))
	if err := w.keyQR(&p); err != nil {
		return w.fail(c, p, err)
	}
	return w.render(c, 200, "code", p)
}

// keyQR draws the key's otpauth address as a QR code for a setup.
func (w *Web) keyQR(p *page) error {
	if p.Setup.Enrolled || p.Setup.URI == "" {
		return nil
	}
	var err error
	p.KeyQR, err = qrSVG(p.Setup.URI, p.T("QR code of the key, for an authenticator app to scan"))
	return err
}

// proveCode checks the code; a wrong one says so at the field.
func (w *Web) proveCode(c *fiber.Ctx) error {
	ses, _ := c.Locals("session").(crm.Session)
	err := w.app.ProveSecondFactor(c.UserContext(), ses, c.FormValue("code"))
	var qe *quotient.Error
	if errors.As(err, &qe) && (qe.Code == quotient.Unprocessable || qe.Code == quotient.Conflict) {
		p := signedIn(c, "Second factor", "account")
		p.Setup, _ = w.app.SecondFactor(c.UserContext())
		p.Required, p.Next = crm.SecondFactorRequired(p.User.Role), localPath(c.FormValue("next"))
		if err := w.keyQR(&p); err != nil {
			return w.fail(c, p, err)
		}
		p.Message, p.IsError = p.T("The code %s.", p.Loc.Error(qe)), true
		return w.render(c, fiber.StatusUnprocessableEntity, "code", p)
	}
	if err != nil {
		return w.fail(c, signedIn(c, "", ""), err)
	}
	return c.Redirect(localPath(c.FormValue("next")), fiber.StatusSeeOther)
}
