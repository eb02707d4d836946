package crm

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/i18n"
)

// Service applies the CRM's rules on top of a Store.
type Service struct {
	now func() time.Time
	// SessionIdle and SessionAbsolute are how long a workspace session
	// lasts without a request, and at most after sign-in.
	SessionIdle, SessionAbsolute time.Duration
}

// NewService returns a Service that reads the time from now, with the
// default session lengths.
func NewService(now func() time.Time) *Service {
	return &Service{now: now, SessionIdle: DefaultSessionIdle, SessionAbsolute: DefaultSessionAbsolute}
}

// UserInput holds the fields of a new user.
type UserInput struct {
	Name        string
	Email       string
	Role        quotient.Role
	ManagerID   string
	Quota       decimal.Decimal
	QuotaPeriod string
	Locale      string
}

// UserPatch holds the fields to change; nil leaves a field as it is.
type UserPatch struct {
	Name        *string
	Email       *string
	Role        *quotient.Role
	ManagerID   *string
	Quota       *decimal.Decimal
	QuotaPeriod *string
	Locale      *string
	Active      *bool
}

var quotaPeriods = []string{"month", "quarter", "year"}

func validateUser(u User) error {
	p := quotient.Problems{}
	p.Text("name", u.Name, quotient.Required, 200)
	p.Email("email", u.Email, quotient.Required)
	if !u.Role.Valid() {
		p.Add("role", "must be one of admin, sales_rep, sales_manager, finance (got %q)", u.Role)
	}
	p.NonNegative("quota", u.Quota, 2)
	p.OneOf("quota_period", u.QuotaPeriod, quotaPeriods...)
	checkLocale(&p, u.Locale)
	return p.Err()
}

func (s *Service) checkManager(ctx context.Context, st Store, userID, managerID string) error {
	if managerID == "" {
		return nil
	}
	if managerID == userID {
		return quotient.FieldErrorf(quotient.Unprocessable, "manager_id", "a user cannot manage themselves")
	}
	m, err := st.GetUser(ctx, managerID)
	if err != nil {
		return asFieldError(err, "manager_id", "no such user")
	}
	// Walk up the chain: the new manager must not report to this user.
	for seen := 0; m.ManagerID != "" && seen < 1000; seen++ {
		if m.ManagerID == userID {
			return quotient.FieldErrorf(quotient.Unprocessable, "manager_id", "that would make a reporting loop")
		}
		if m, err = st.GetUser(ctx, m.ManagerID); err != nil {
			return err
		}
	}
	return nil
}

// CreateUser adds a user; admins only.
func (s *Service) CreateUser(ctx context.Context, st Store, in UserInput) (User, error) {
	if err := requireAdmin(ctx, "create users"); err != nil {
		return User{}, err
	}
	return s.createUser(ctx, st, in)
}

func (s *Service) createUser(ctx context.Context, st Store, in UserInput) (User, error) {
	now := s.now().UTC()
	if in.QuotaPeriod == "" {
		in.QuotaPeriod = "quarter"
	}
	u := User{ID: quotient.NewID("usr"), Name: strings.TrimSpace(in.Name), Email: strings.ToLower(in.Email),
		Role: in.Role, ManagerID: in.ManagerID, Quota: in.Quota, QuotaPeriod: in.QuotaPeriod, Locale: in.Locale,
		Active: true, Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := validateUser(u); err != nil {
		return User{}, err
	}
	if err := s.checkManager(ctx, st, u.ID, u.ManagerID); err != nil {
		return User{}, err
	}
	if err := st.InsertUser(ctx, u); err != nil {
		return User{}, err
	}
	return u, nil
}

// GetUser returns one user: finance and admins read everyone, a
// salesperson their colleagues (see Colleagues); anyone else is not found.
func (s *Service) GetUser(ctx context.Context, st Store, id string) (User, error) {
	c, err := colleagues(ctx, st)
	if err != nil {
		return User{}, err
	}
	u, err := st.GetUser(ctx, id)
	if err != nil {
		return User{}, err
	}
	if c != nil && !c.Has(u) {
		return User{}, quotient.Errorf(quotient.NotFound, "user %q not found", id)
	}
	return u, nil
}

// colleagues are the users the actor may read (nil: everyone).
func colleagues(ctx context.Context, st Store) (*Colleagues, error) {
	a, err := quotient.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	r := a.Reach()
	if r.All {
		return nil, nil
	}
	me, err := st.GetUser(ctx, a.UserID)
	if err != nil && quotient.ErrorCode(err) != quotient.NotFound {
		return nil, err
	}
	return &Colleagues{Users: r.Users, Manager: me.ManagerID}, nil
}

// ListUsers returns a page of the users the actor may read.
func (s *Service) ListUsers(ctx context.Context, st Store, f UserFilter) ([]User, error) {
	c, err := colleagues(ctx, st)
	if err != nil {
		return nil, err
	}
	f.Colleagues = c
	return st.ListUsers(ctx, f)
}

// UpdateUser changes a user; admins only. Deactivating a user revokes
// their tokens.
func (s *Service) UpdateUser(ctx context.Context, st Store, id string, version int, p UserPatch) (User, error) {
	if err := requireAdmin(ctx, "change users"); err != nil {
		return User{}, err
	}
	u, err := st.GetUser(ctx, id)
	if err != nil {
		return User{}, err
	}
	if err := checkVersion(version, u.Version); err != nil {
		return User{}, err
	}
	old := u
	setIf(&u.Name, p.Name)
	if p.Email != nil {
		u.Email = strings.ToLower(*p.Email)
	}
	setIf(&u.Role, p.Role)
	setIf(&u.ManagerID, p.ManagerID)
	setIf(&u.Quota, p.Quota)
	setIf(&u.QuotaPeriod, p.QuotaPeriod)
	setIf(&u.Locale, p.Locale)
	setIf(&u.Active, p.Active)
	if err := validateUser(u); err != nil {
		return User{}, err
	}
	if u.ManagerID != old.ManagerID {
		if err := s.checkManager(ctx, st, u.ID, u.ManagerID); err != nil {
			return User{}, err
		}
	}
	a, _ := quotient.RequireActor(ctx)
	if u.ID == a.UserID && (u.Role != quotient.RoleAdmin || !u.Active) {
		return User{}, quotient.Errorf(quotient.Conflict, "you cannot remove your own admin role or deactivate yourself; ask another admin")
	}
	u.Version++
	u.UpdatedAt = s.now().UTC()
	if err := st.UpdateUser(ctx, u, old.Version); err != nil {
		return User{}, err
	}
	if old.Active && !u.Active {
		if err := st.DeleteTokensOf(ctx, u.ID); err != nil {
			return User{}, err
		}
	}
	return u, nil
}

// checkLocale holds a user's locale to the ones the workspace offers.
func checkLocale(p *quotient.Problems, locale string) {
	if !i18n.Valid(locale) {
		tags := make([]string, len(i18n.Options))
		for i, o := range i18n.Options {
			tags[i] = o.Tag
		}
		p.Add("locale", "must be one of %s, or empty to follow the browser's language (got %q)", strings.Join(tags, ", "), locale)
	}
}

// SetMyLocale changes the signed-in user's own locale: anyone may choose
// their language and formats.
func (s *Service) SetMyLocale(ctx context.Context, st Store, locale string) (User, error) {
	a, err := quotient.RequireActor(ctx)
	if err != nil {
		return User{}, err
	}
	u, err := st.GetUser(ctx, a.UserID)
	if err != nil {
		return User{}, err
	}
	p := quotient.Problems{}
	checkLocale(&p, locale)
	if err := p.Err(); err != nil {
		return User{}, err
	}
	if u.Locale == locale {
		return u, nil
	}
	old := u.Version
	u.Locale, u.Version, u.UpdatedAt = locale, u.Version+1, s.now().UTC()
	return u, st.UpdateUser(ctx, u, old)
}

// NewTokenSecret returns a fresh random API token and its stored hash.
func NewTokenSecret() (secret, hash string) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	secret = "qtk_" + base64.RawURLEncoding.EncodeToString(b)
	return secret, HashToken(secret)
}

// HashToken returns the stored form of a token.
func HashToken(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// CreateToken makes an API token for a user; admins only. The secret is
// returned once and never stored.
func (s *Service) CreateToken(ctx context.Context, st Store, userID, name string) (Token, string, error) {
	if err := requireAdmin(ctx, "create API tokens"); err != nil {
		return Token{}, "", err
	}
	p := quotient.Problems{}
	p.Text("user_id", userID, quotient.Required, 64)
	p.Text("name", name, quotient.Optional, 100)
	if err := p.Err(); err != nil {
		return Token{}, "", err
	}
	u, err := st.GetUser(ctx, userID)
	if err != nil {
		return Token{}, "", asFieldError(err, "user_id", "no such user")
	}
	if !u.Active {
		return Token{}, "", quotient.FieldErrorf(quotient.Unprocessable, "user_id", "user %s is inactive; reactivate them first", userID)
	}
	secret, hash := NewTokenSecret()
	t := Token{ID: quotient.NewID("tok"), UserID: userID, Name: name, Hash: hash, CreatedAt: s.now().UTC()}
	if err := st.InsertToken(ctx, t); err != nil {
		return Token{}, "", err
	}
	return t, secret, nil
}

// ListTokens lists a user's tokens (never their secrets); admins, or the
// user themselves.
func (s *Service) ListTokens(ctx context.Context, st Store, userID string, p quotient.Page) ([]Token, error) {
	a, err := quotient.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	if a.Role != quotient.RoleAdmin && a.UserID != userID {
		return nil, forbidden("only an admin may list another user's tokens")
	}
	if _, err := st.GetUser(ctx, userID); err != nil {
		return nil, err
	}
	return st.ListTokens(ctx, userID, p)
}

// RevokeToken deletes a token; admins only.
func (s *Service) RevokeToken(ctx context.Context, st Store, id string) error {
	if err := requireAdmin(ctx, "revoke API tokens"); err != nil {
		return err
	}
	_, err := st.DeleteToken(ctx, id)
	return err
}

// Authenticate resolves a token secret into the acting user, with their
// team when they manage one, and the token used.
func (s *Service) Authenticate(ctx context.Context, st Store, secret string) (quotient.Actor, Token, error) {
	bad := quotient.Errorf(quotient.Unauthorized, "the API token is not valid")
	if secret == "" || len(secret) > 200 {
		return quotient.Actor{}, Token{}, bad
	}
	t, u, err := st.TokenByHash(ctx, HashToken(secret))
	if err != nil {
		if quotient.ErrorCode(err) == quotient.NotFound {
			return quotient.Actor{}, Token{}, bad
		}
		return quotient.Actor{}, Token{}, err
	}
	if !u.Active {
		return quotient.Actor{}, Token{}, bad
	}
	a, err := s.actor(ctx, st, u)
	return a, t, err
}

// actor is the actor a user acts as, through a token or a session alike:
// a sales manager's team is everyone reporting to them.
func (s *Service) actor(ctx context.Context, st Store, u User) (quotient.Actor, error) {
	a := quotient.Actor{UserID: u.ID, Role: u.Role, Team: []string{u.ID}}
	if u.Role == quotient.RoleSalesManager {
		reports, err := st.ReportsOf(ctx, u.ID)
		if err != nil {
			return quotient.Actor{}, err
		}
		a.Team = append(a.Team, reports...)
	}
	return a, nil
}

// TokenUseGranularity is how stale a token's last_used_at may get: it is
// written at most once per this interval, so reads stay reads.
const TokenUseGranularity = time.Hour

// TokenUseDue reports whether a token's last recorded use is older than
// TokenUseGranularity, so that NoteTokenUse should run.
func (s *Service) TokenUseDue(t Token) bool {
	return t.LastUsedAt == nil || s.now().Sub(*t.LastUsedAt) >= TokenUseGranularity
}

// NoteTokenUse records that a token was used now.
func (s *Service) NoteTokenUse(ctx context.Context, st Store, t Token) error {
	return st.TouchToken(ctx, t.ID, s.now().UTC())
}

// Bootstrap creates the admin user with the given token when no user
// exists yet. It reports whether it created one.
func (s *Service) Bootstrap(ctx context.Context, st Store, secret string) (bool, error) {
	n, err := st.CountUsers(ctx)
	if err != nil || n > 0 {
		return false, err
	}
	if len(secret) < 16 {
		return false, quotient.Errorf(quotient.Invalid, "QUOTIENT_BOOTSTRAP_TOKEN must be at least 16 characters")
	}
	u, err := s.createUser(ctx, st, UserInput{Name: "admin", Email: "admin@localhost.localdomain", Role: quotient.RoleAdmin})
	if err != nil {
		return false, err
	}
	t := Token{ID: quotient.NewID("tok"), UserID: u.ID, Name: "bootstrap", Hash: HashToken(secret), CreatedAt: s.now().UTC()}
	return true, st.InsertToken(ctx, t)
}

// Seed creates a user and a token for them without an acting user; it is
// for the demo company and tests, never reachable over HTTP.
func (s *Service) Seed(ctx context.Context, st Store, in UserInput) (User, string, error) {
	u, err := s.createUser(ctx, st, in)
	if err != nil {
		return User{}, "", err
	}
	secret, hash := NewTokenSecret()
	t := Token{ID: quotient.NewID("tok"), UserID: u.ID, Name: "demo", Hash: hash, CreatedAt: s.now().UTC()}
	return u, secret, st.InsertToken(ctx, t)
}

func setIf[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}
