package app

import (
	"context"
	"strings"
	"time"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/crm"
	"github.com/quotient-cpq/quotient/i18n"
	"github.com/quotient-cpq/quotient/outbox"
)

// SignInURL is the workspace address a sign-in link's secret opens.
func (a *App) SignInURL(secret string) string { return a.publicURL + "/signin/" + secret }

// IssueSignInLink makes a one-time sign-in link for a user, valid for
// valid, and returns its URL (admins, and the demo as the system).
func (a *App) IssueSignInLink(ctx context.Context, userID string, valid time.Duration) (string, error) {
	sec, err := change(ctx, a, func(tx Tx) (string, error) {
		act, err := quotient.RequireActor(ctx)
		if err != nil {
			return "", err
		}
		if act.Role != quotient.RoleAdmin {
			return "", quotient.Errorf(quotient.Forbidden, "only admins make sign-in links for others; ask for one on the sign-in page")
		}
		return a.crm.IssueSignInLink(ctx, tx, userID, valid)
	})
	if err != nil {
		return "", err
	}
	return a.SignInURL(sec), nil
}

// InviteUser e-mails a user a one-time sign-in link through the outbox
// (admins): an invitation for a new user, a reset for one who lost their
// password; once in, they set a password on their account page. It
// answers when the link expires.
func (a *App) InviteUser(ctx context.Context, userID string) (time.Time, error) {
	return change(ctx, a, func(tx Tx) (time.Time, error) {
		act, err := quotient.RequireActor(ctx)
		if err != nil {
			return time.Time{}, err
		}
		if act.Role != quotient.RoleAdmin {
			return time.Time{}, quotient.Errorf(quotient.Forbidden, "only admins invite users")
		}
		u, err := tx.GetUser(ctx, userID)
		if err != nil {
			return time.Time{}, err
		}
		const valid = 72 * time.Hour
		sec, err := a.crm.IssueSignInLink(ctx, tx, u.ID, valid)
		if err != nil {
			return time.Time{}, err
		}
		co, err := settings(ctx, tx)
		if err != nil {
			return time.Time{}, err
		}
		loc := i18n.Negotiate(u.Locale, "")
		text := loc.T("Hello %s,\n\nyou are invited to %s's Quotient workspace. Open this link to sign in, then set a password on your account page:\n\n%s\n\n"+
			"It works once, within 72 hours.\n", strings.Fields(u.Name + " x")[0], co.CompanyName, a.SignInURL(sec))
		return a.now().UTC().Add(valid), tx.InsertOutbox(ctx, outbox.New(outbox.SignIn, "", outbox.Email{To: u.Email,
			Subject: loc.T("Your invitation to Quotient"), Text: text}, a.now().UTC()))
	})
}

// EmailSignInLink e-mails a one-time sign-in link, through the outbox, to
// the active user with this address. Nobody signed in asks for it, so it
// says nothing of whether the address is known: an unknown address, or a
// user who asked too often, gets no e-mail and no error.
func (a *App) EmailSignInLink(ctx context.Context, email string) error {
	return do(ctx, a, func(tx Tx) error {
		u, err := tx.UserByEmail(ctx, email)
		if quotient.ErrorCode(err) == quotient.NotFound {
			return nil
		}
		if err != nil {
			return err
		}
		if !u.Active {
			return nil
		}
		sec, err := a.crm.IssueSignInLink(ctx, tx, u.ID, crm.LinkValid)
		if quotient.ErrorCode(err) == quotient.RateLimited {
			return nil
		}
		if err != nil {
			return err
		}
		co, err := settings(ctx, tx)
		if err != nil {
			return err
		}
		loc := i18n.Negotiate(u.Locale, "")
		text := loc.T("Hello %s,\n\nopen this link to sign in to %s's Quotient workspace:\n\n%s\n\n"+
			"It works once, within %d minutes. If you did not ask for it, ignore this e-mail.\n",
			strings.Fields(u.Name + " x")[0], co.CompanyName, a.SignInURL(sec), int(crm.LinkValid.Minutes()))
		return tx.InsertOutbox(ctx, outbox.New(outbox.SignIn, "", outbox.Email{To: u.Email, Subject: loc.T("Your sign-in link"), Text: text}, a.now().UTC()))
	})
}

// Redeem signs in with a link: it is used up and a session begins; the
// session's secret (the cookie's value) is returned.
func (a *App) Redeem(ctx context.Context, link, ip, userAgent string) (string, error) {
	return change(ctx, a, func(tx Tx) (string, error) {
		sec, _, err := a.crm.Redeem(ctx, tx, link, ip, userAgent)
		return sec, err
	})
}

// SessionActor resolves a session cookie to the person signed in and the
// session (with its CSRF token), recording its use at most once a minute.
func (a *App) SessionActor(ctx context.Context, secret string) (quotient.Actor, crm.Session, error) {
	type result struct {
		act quotient.Actor
		ses crm.Session
	}
	r, err := read(ctx, a, func(tx Tx) (result, error) {
		act, ses, err := a.crm.SessionActor(ctx, tx, secret)
		return result{act, ses}, err
	})
	if err != nil || !a.crm.TouchDue(r.ses) {
		return r.act, r.ses, err
	}
	return r.act, r.ses, do(ctx, a, func(tx Tx) error { return a.crm.Touch(ctx, tx, r.ses) })
}

// SignOut ends a session.
func (a *App) SignOut(ctx context.Context, secret string) error {
	return do(ctx, a, func(tx Tx) error { return a.crm.SignOut(ctx, tx, secret) })
}

// RevokeSessions signs a user out everywhere (the user, or an admin).
func (a *App) RevokeSessions(ctx context.Context, userID string) (int, error) {
	return change(ctx, a, func(tx Tx) (int, error) { return a.crm.RevokeSessions(ctx, tx, userID) })
}

// SetPassword sets the signed-in user's own password.
func (a *App) SetPassword(ctx context.Context, password string) error {
	return do(ctx, a, func(tx Tx) error { return a.crm.SetPassword(ctx, tx, password) })
}

// SignInWithPassword checks an e-mail address and password and begins a
// session, returning its secret; a wrong password is counted (in a
// transaction of its own) toward the account's lock.
func (a *App) SignInWithPassword(ctx context.Context, email, password, ip, userAgent string) (string, error) {
	sec, err := change(ctx, a, func(tx Tx) (string, error) {
		sec, _, err := a.crm.SignInWithPassword(ctx, tx, email, password, ip, userAgent)
		return sec, err
	})
	if who := crm.FailedUser(err); who != "" {
		if nerr := do(ctx, a, func(tx Tx) error { return a.crm.NoteFailure(ctx, tx, who) }); nerr != nil {
			return "", nerr
		}
	}
	return sec, err
}

// SecondFactorSetup is what the code page shows: whether the signed-in
// user has an authenticator app set up, else the secret to set one up
// with (and its otpauth:// address).
type SecondFactorSetup struct {
	Enrolled    bool
	Secret, URI string
}

// SecondFactor tells the signed-in user's second-factor state, starting a
// setup (a pending secret) when they have none.
func (a *App) SecondFactor(ctx context.Context) (SecondFactorSetup, error) {
	return change(ctx, a, func(tx Tx) (SecondFactorSetup, error) {
		act, err := quotient.RequireActor(ctx)
		if err != nil {
			return SecondFactorSetup{}, err
		}
		t, err := tx.GetTOTP(ctx, act.UserID)
		if err != nil {
			return SecondFactorSetup{}, err
		}
		if t.Secret != "" && t.Pending == "" {
			return SecondFactorSetup{Enrolled: true}, nil
		}
		co, err := settings(ctx, tx)
		if err != nil {
			return SecondFactorSetup{}, err
		}
		sec, uri, err := a.crm.StartTOTP(ctx, tx, "Quotient "+co.CompanyName)
		return SecondFactorSetup{Secret: sec, URI: uri}, err
	})
}

// ProveSecondFactor checks a code for a session (setting up the pending
// secret when there is one); the session then opens every page.
func (a *App) ProveSecondFactor(ctx context.Context, ses crm.Session, code string) error {
	return do(ctx, a, func(tx Tx) error { return a.crm.ProveSecondFactor(ctx, tx, ses, code) })
}

// SessionAbsolute is how long a workspace session lasts at most after
// sign-in: the session cookie's lifetime.
func (a *App) SessionAbsolute() time.Duration { return a.crm.SessionAbsolute }
