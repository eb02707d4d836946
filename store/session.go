package store

import (
	"context"
	"strings"
	"time"

	"github.com/quotient-cpq/quotient/crm"
)

// UserByEmail loads the user with an e-mail address (case-insensitive).
func (t *Tx) UserByEmail(ctx context.Context, email string) (crm.User, error) {
	var r userRow
	if err := t.get(ctx, &r, `SELECT `+userCols+` FROM users WHERE LOWER(email) = ?`, strings.ToLower(strings.TrimSpace(email))); err != nil {
		return crm.User{}, getOr(err, "user with e-mail", email)
	}
	return r.user(), nil
}

// InsertSignInLink stores a sign-in link (its hash).
func (t *Tx) InsertSignInLink(ctx context.Context, l crm.SignInLink) error {
	_, err := t.exec(ctx, `INSERT INTO sign_in_links (hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
		l.Hash, l.UserID, t.ts(l.CreatedAt), t.ts(l.ExpiresAt))
	return err
}

// UseSignInLink marks an unused, unexpired link used and returns it.
func (t *Tx) UseSignInLink(ctx context.Context, hash string, now time.Time) (crm.SignInLink, error) {
	n, err := t.execN(ctx, `UPDATE sign_in_links SET used_at = ? WHERE hash = ? AND used_at IS NULL AND expires_at > ?`, t.ts(now), hash, t.ts(now))
	if err != nil {
		return crm.SignInLink{}, err
	}
	if n == 0 {
		return crm.SignInLink{}, notFound("sign-in link", "")
	}
	var r struct {
		Hash      string `db:"hash"`
		UserID    string `db:"user_id"`
		CreatedAt dbTime `db:"created_at"`
		ExpiresAt dbTime `db:"expires_at"`
	}
	if err := t.get(ctx, &r, `SELECT hash, user_id, created_at, expires_at FROM sign_in_links WHERE hash = ?`, hash); err != nil {
		return crm.SignInLink{}, err
	}
	used := now
	return crm.SignInLink{Hash: r.Hash, UserID: r.UserID, CreatedAt: r.CreatedAt.Time, ExpiresAt: r.ExpiresAt.Time, UsedAt: &used}, nil
}

// RecentSignInLinks counts the links made for a user since a time.
func (t *Tx) RecentSignInLinks(ctx context.Context, userID string, since time.Time) (int, error) {
	var n int
	err := t.get(ctx, &n, `SELECT COUNT(*) FROM sign_in_links WHERE user_id = ? AND created_at > ?`, userID, t.ts(since))
	return n, err
}

type sessionRow struct {
	Hash       string  `db:"hash"`
	UserID     string  `db:"user_id"`
	CSRF       string  `db:"csrf"`
	IP         string  `db:"ip"`
	UserAgent  string  `db:"user_agent"`
	CreatedAt  dbTime  `db:"created_at"`
	LastSeenAt dbTime  `db:"last_seen_at"`
	ExpiresAt  dbTime  `db:"expires_at"`
	RevokedAt  *dbTime `db:"revoked_at"`
	Second     bool    `db:"second_factor"`
}

// InsertSession stores a session (its hash).
func (t *Tx) InsertSession(ctx context.Context, s crm.Session) error {
	_, err := t.exec(ctx, `INSERT INTO sessions (hash, user_id, csrf, ip, user_agent, created_at, last_seen_at, expires_at, second_factor)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.Hash, s.UserID, s.CSRF, s.IP, s.UserAgent, t.ts(s.CreatedAt), t.ts(s.LastSeenAt), t.ts(s.ExpiresAt), s.SecondFactor)
	return err
}

// SessionByHash loads a session.
func (t *Tx) SessionByHash(ctx context.Context, hash string) (crm.Session, error) {
	var r sessionRow
	if err := t.get(ctx, &r, `SELECT hash, user_id, csrf, ip, user_agent, created_at, last_seen_at, expires_at, revoked_at, second_factor FROM sessions WHERE hash = ?`, hash); err != nil {
		return crm.Session{}, getOr(err, "session", "")
	}
	s := crm.Session{Hash: r.Hash, UserID: r.UserID, CSRF: r.CSRF, IP: r.IP, UserAgent: r.UserAgent, CreatedAt: r.CreatedAt.Time,
		LastSeenAt: r.LastSeenAt.Time, ExpiresAt: r.ExpiresAt.Time, SecondFactor: r.Second}
	if r.RevokedAt != nil {
		at := r.RevokedAt.Time
		s.RevokedAt = &at
	}
	return s, nil
}

// TouchSession records a session's last use.
func (t *Tx) TouchSession(ctx context.Context, hash string, at time.Time) error {
	_, err := t.exec(ctx, `UPDATE sessions SET last_seen_at = ? WHERE hash = ?`, t.ts(at), hash)
	return err
}

// RevokeSession ends a session.
func (t *Tx) RevokeSession(ctx context.Context, hash string, at time.Time) error {
	_, err := t.exec(ctx, `UPDATE sessions SET revoked_at = ? WHERE hash = ? AND revoked_at IS NULL`, t.ts(at), hash)
	return err
}

// RevokeSessionsOf ends every live session of a user.
func (t *Tx) RevokeSessionsOf(ctx context.Context, userID string, at time.Time) (int, error) {
	n, err := t.execN(ctx, `UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL`, t.ts(at), userID)
	return int(n), err
}

var _ crm.SessionStore = (*Tx)(nil)

// PasswordHash reads a user's password hash ("" when none is set).
func (t *Tx) PasswordHash(ctx context.Context, userID string) (string, error) {
	var h string
	err := t.get(ctx, &h, `SELECT password_hash FROM users WHERE id = ?`, userID)
	return h, getOr(err, "user", userID)
}

// SetPasswordHash stores a user's password hash.
func (t *Tx) SetPasswordHash(ctx context.Context, userID, hash string) error {
	_, err := t.exec(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`, hash, userID)
	return err
}

// InsertSignInFailure records a failed sign-in.
func (t *Tx) InsertSignInFailure(ctx context.Context, userID string, at time.Time) error {
	_, err := t.exec(ctx, `INSERT INTO sign_in_failures (user_id, at) VALUES (?, ?)`, userID, t.ts(at))
	return err
}

// SignInFailures counts a user's failed sign-ins since a time.
func (t *Tx) SignInFailures(ctx context.Context, userID string, since time.Time) (int, error) {
	var n int
	err := t.get(ctx, &n, `SELECT COUNT(*) FROM sign_in_failures WHERE user_id = ? AND at > ?`, userID, t.ts(since))
	return n, err
}

// GetTOTP reads a user's second-factor state.
func (t *Tx) GetTOTP(ctx context.Context, userID string) (crm.TOTP, error) {
	var r struct {
		Secret   string `db:"totp_secret"`
		Pending  string `db:"totp_pending"`
		LastStep int64  `db:"totp_last_step"`
	}
	err := t.get(ctx, &r, `SELECT totp_secret, totp_pending, totp_last_step FROM users WHERE id = ?`, userID)
	return crm.TOTP{Secret: r.Secret, Pending: r.Pending, LastStep: r.LastStep}, getOr(err, "user", userID)
}

// PutTOTP stores a user's second-factor state.
func (t *Tx) PutTOTP(ctx context.Context, userID string, s crm.TOTP) error {
	_, err := t.exec(ctx, `UPDATE users SET totp_secret = ?, totp_pending = ?, totp_last_step = ? WHERE id = ?`, s.Secret, s.Pending, s.LastStep, userID)
	return err
}

// PassSecondFactor records that a session proved its second factor.
func (t *Tx) PassSecondFactor(ctx context.Context, hash string) error {
	_, err := t.exec(ctx, `UPDATE sessions SET second_factor = TRUE WHERE hash = ?`, hash)
	return err
}
