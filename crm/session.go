package crm

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"time"

	"github.com/quotient-cpq/quotient"
)

// How long a workspace session and a sign-in link last. A session ends
// after the service's SessionIdle without a request (DefaultSessionIdle
// unless configured), and its SessionAbsolute after sign-in whatever
// happens (DefaultSessionAbsolute); a link can be used once within
// LinkValid.
const (
	DefaultSessionIdle     = 12 * time.Hour
	DefaultSessionAbsolute = 7 * 24 * time.Hour
	LinkValid              = 30 * time.Minute
	// DemoLinkValid is how long the links serve --demo prints last.
	DemoLinkValid = 7 * 24 * time.Hour
)

// Session is a person signed in to the workspace. Only the SHA-256 of its
// secret (the cookie's value) is stored; CSRF is the token every form and
// htmx request of the session must carry.
type Session struct {
	Hash       string
	UserID     string
	CSRF       string
	IP         string
	UserAgent  string
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
	RevokedAt  *time.Time
	// SecondFactor is whether the session needs no code or proved one;
	// until it does, it opens nothing but the code page.
	SecondFactor bool
}

// Live reports whether the session may still be used at now: not
// revoked, within its absolute expiry and not idle for idle or longer.
func (s Session) Live(now time.Time, idle time.Duration) bool {
	return s.RevokedAt == nil && now.Before(s.ExpiresAt) && now.Sub(s.LastSeenAt) < idle
}

// SignInLink is a one-time link that signs a user in.
type SignInLink struct {
	Hash      string
	UserID    string
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    *time.Time
}

// SessionStore is what sessions and sign-in links need of storage.
type SessionStore interface {
	Store
	InsertSignInLink(ctx context.Context, l SignInLink) error
	// UseSignInLink marks an unused, unexpired link used at now and
	// returns it; not_found when there is no such link.
	UseSignInLink(ctx context.Context, hash string, now time.Time) (SignInLink, error)
	// RecentSignInLinks counts the links made for a user since a time.
	RecentSignInLinks(ctx context.Context, userID string, since time.Time) (int, error)
	InsertSession(ctx context.Context, s Session) error
	SessionByHash(ctx context.Context, hash string) (Session, error)
	TouchSession(ctx context.Context, hash string, at time.Time) error
	RevokeSession(ctx context.Context, hash string, at time.Time) error
	RevokeSessionsOf(ctx context.Context, userID string, at time.Time) (int, error)
	UserByEmail(ctx context.Context, email string) (User, error)
	PasswordHash(ctx context.Context, userID string) (string, error)
	SetPasswordHash(ctx context.Context, userID, hash string) error
	InsertSignInFailure(ctx context.Context, userID string, at time.Time) error
	SignInFailures(ctx context.Context, userID string, since time.Time) (int, error)
	GetTOTP(ctx context.Context, userID string) (TOTP, error)
	PutTOTP(ctx context.Context, userID string, t TOTP) error
	// PassSecondFactor records that a session proved its second factor.
	PassSecondFactor(ctx context.Context, sessionHash string) error
}

func secret(prefix string) (string, string) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	s := prefix + base64.RawURLEncoding.EncodeToString(b)
	return s, HashToken(s)
}

// IssueSignInLink makes a one-time sign-in link for an active user, valid
// for valid, and returns its secret (the last part of the URL), which is
// not stored. At most five links an hour are made for one user, so the
// form that e-mails them cannot flood an inbox.
func (s *Service) IssueSignInLink(ctx context.Context, st SessionStore, userID string, valid time.Duration) (string, error) {
	u, err := st.GetUser(ctx, userID)
	if err != nil {
		return "", err
	}
	if !u.Active {
		return "", quotient.Errorf(quotient.Conflict, "user %s is deactivated", u.Name)
	}
	now := s.now().UTC()
	n, err := st.RecentSignInLinks(ctx, u.ID, now.Add(-time.Hour))
	if err != nil {
		return "", err
	}
	if n >= 5 {
		return "", quotient.Errorf(quotient.RateLimited, "five sign-in links were sent in the last hour; use one of them or try again later")
	}
	sec, hash := secret("qsl_")
	return sec, st.InsertSignInLink(ctx, SignInLink{Hash: hash, UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(valid)})
}

// Redeem signs in with a link's secret: the link is used up and a new
// session begins. It returns the session's secret (the cookie's value).
// A link that is unknown, used or expired is one error, whichever it is.
func (s *Service) Redeem(ctx context.Context, st SessionStore, link, ip, userAgent string) (string, Session, error) {
	bad := quotient.Errorf(quotient.Unauthorized, "this sign-in link is not valid any more: links work once, for a limited time; ask for a new one")
	if link == "" || len(link) > 200 {
		return "", Session{}, bad
	}
	now := s.now().UTC()
	l, err := st.UseSignInLink(ctx, HashToken(link), now)
	if quotient.ErrorCode(err) == quotient.NotFound {
		return "", Session{}, bad
	}
	if err != nil {
		return "", Session{}, err
	}
	u, err := st.GetUser(ctx, l.UserID)
	if err != nil {
		return "", Session{}, err
	}
	if !u.Active {
		return "", Session{}, bad
	}
	return s.begin(ctx, st, u, ip, userAgent)
}

// begin starts a new session for a user who just proved who they are: a
// new secret every time, so a session id never outlives a sign-in.
func (s *Service) begin(ctx context.Context, st SessionStore, u User, ip, userAgent string) (string, Session, error) {
	now := s.now().UTC()
	sec, hash := secret("qss_")
	csrf, _ := secret("")
	if len(userAgent) > 500 {
		userAgent = userAgent[:500]
	}
	due, err := s.SecondFactorDue(ctx, st, u)
	if err != nil {
		return "", Session{}, err
	}
	ses := Session{Hash: hash, UserID: u.ID, CSRF: csrf, IP: ip, UserAgent: userAgent, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(s.SessionAbsolute),
		SecondFactor: !due}
	return sec, ses, st.InsertSession(ctx, ses)
}

// SessionActor resolves a session's secret to the person signed in: the
// same actor an API token of theirs gives, so pages and the API enforce
// one set of rules. A session that is unknown, revoked, expired or idle
// too long is unauthorized.
func (s *Service) SessionActor(ctx context.Context, st SessionStore, secret string) (quotient.Actor, Session, error) {
	bad := quotient.Errorf(quotient.Unauthorized, "sign in again: the session ended")
	if secret == "" || len(secret) > 200 {
		return quotient.Actor{}, Session{}, bad
	}
	ses, err := st.SessionByHash(ctx, HashToken(secret))
	if quotient.ErrorCode(err) == quotient.NotFound {
		return quotient.Actor{}, Session{}, bad
	}
	if err != nil {
		return quotient.Actor{}, Session{}, err
	}
	now := s.now().UTC()
	if !ses.Live(now, s.SessionIdle) {
		return quotient.Actor{}, Session{}, bad
	}
	u, err := st.GetUser(ctx, ses.UserID)
	if err != nil {
		return quotient.Actor{}, Session{}, err
	}
	if !u.Active {
		return quotient.Actor{}, Session{}, bad
	}
	a, err := s.actor(ctx, st, u)
	return a, ses, err
}

// TouchDue reports whether a session's last use is worth recording now:
// at most once a minute, so reads stay reads, and more often when the
// idle limit is short, so a session in use never idles out.
func (s *Service) TouchDue(ses Session) bool {
	return s.now().Sub(ses.LastSeenAt) >= min(time.Minute, s.SessionIdle/4)
}

// Touch records that a session was used now.
func (s *Service) Touch(ctx context.Context, st SessionStore, ses Session) error {
	return st.TouchSession(ctx, ses.Hash, s.now().UTC())
}

// SignOut ends a session.
func (s *Service) SignOut(ctx context.Context, st SessionStore, secret string) error {
	return st.RevokeSession(ctx, HashToken(secret), s.now().UTC())
}

// RevokeSessions ends every session of a user: the user themselves or an
// admin.
func (s *Service) RevokeSessions(ctx context.Context, st SessionStore, userID string) (int, error) {
	a, err := quotient.RequireActor(ctx)
	if err != nil {
		return 0, err
	}
	if a.UserID != userID && a.Role != quotient.RoleAdmin {
		return 0, forbidden("only the user themselves or an admin may sign a user out everywhere")
	}
	if _, err := st.GetUser(ctx, userID); err != nil {
		return 0, err
	}
	return st.RevokeSessionsOf(ctx, userID, s.now().UTC())
}
