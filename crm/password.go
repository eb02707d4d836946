package crm

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"github.com/quotient-cpq/quotient"
)

// Passwords are hashed with argon2id at OWASP's recommended cost (19 MiB,
// two passes, one lane) and kept in the PHC string form, so the cost can
// rise later without breaking the hashes already stored.
const (
	argonMemory  = 19 * 1024
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
	// MaxFailures failed sign-ins within FailureWindow lock an account's
	// password until the window passes (a sign-in link still works).
	MaxFailures   = 5
	FailureWindow = 15 * time.Minute
)

// HashPassword hashes a password with a fresh salt.
func HashPassword(password string) string {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// CheckPassword reports whether password matches a stored hash, in time
// that does not depend on where they differ.
func CheckPassword(hash, password string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m uint32
	var t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m == 0 || t == 0 || p == 0 || m > 1<<20 || t > 10 {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is checked against when the user is unknown, so that a wrong
// address takes as long as a wrong password.
var dummyHash = HashPassword("a password nobody has")

// PasswordStore is what passwords need of storage.
type PasswordStore = SessionStore

// SetPassword sets the signed-in user's own password: at least 12
// characters, at most 200, and not their e-mail address.
func (s *Service) SetPassword(ctx context.Context, st PasswordStore, password string) error {
	a, err := quotient.RequireActor(ctx)
	if err != nil {
		return err
	}
	u, err := st.GetUser(ctx, a.UserID)
	if err != nil {
		return err
	}
	p := quotient.Problems{}
	switch n := utf8.RuneCountInString(password); {
	case n < 12:
		p.Add("password", "must be at least 12 characters; a few unrelated words make a good one")
	case n > 200:
		p.Add("password", "must be at most 200 characters")
	case strings.Contains(strings.ToLower(password), strings.ToLower(u.Email)):
		p.Add("password", "must not contain your e-mail address")
	}
	if err := p.Err(); err != nil {
		return err
	}
	return st.SetPasswordHash(ctx, u.ID, HashPassword(password))
}

// SignInWithPassword checks an e-mail address and password and begins a
// session, returning its secret. A wrong address and a wrong password are
// one error; MaxFailures failures within FailureWindow lock the account's
// password for the rest of the window (rate_limited, saying so).
func (s *Service) SignInWithPassword(ctx context.Context, st PasswordStore, email, password, ip, userAgent string) (string, Session, error) {
	bad := quotient.Errorf(quotient.Unauthorized, "the e-mail address or the password is wrong")
	now := s.now().UTC()
	u, err := st.UserByEmail(ctx, email)
	if quotient.ErrorCode(err) == quotient.NotFound || (err == nil && !u.Active) {
		CheckPassword(dummyHash, password)
		return "", Session{}, bad
	}
	if err != nil {
		return "", Session{}, err
	}
	n, err := st.SignInFailures(ctx, u.ID, now.Add(-FailureWindow))
	if err != nil {
		return "", Session{}, err
	}
	if n >= MaxFailures {
		return "", Session{}, quotient.Errorf(quotient.RateLimited, "too many failed sign-ins for this account; wait 15 minutes or ask for a sign-in link")
	}
	hash, err := st.PasswordHash(ctx, u.ID)
	if err != nil {
		return "", Session{}, err
	}
	if hash == "" || !CheckPassword(hash, password) {
		if hash == "" {
			CheckPassword(dummyHash, password)
		}
		return "", Session{}, errFailed{err: bad, userID: u.ID}
	}
	return s.begin(ctx, st, u, ip, userAgent)
}

// errFailed is a failed password sign-in: the caller records it (in a
// transaction of its own, since the sign-in's rolls back).
type errFailed struct {
	err    *quotient.Error
	userID string
}

func (e errFailed) Error() string { return e.err.Error() }
func (e errFailed) Unwrap() error { return e.err }

// FailedUser is the user a failed password sign-in was for ("" when the
// error is no such failure).
func FailedUser(err error) string {
	var f errFailed
	if errors.As(err, &f) {
		return f.userID
	}
	return ""
}

// NoteFailure records a failed sign-in.
func (s *Service) NoteFailure(ctx context.Context, st PasswordStore, userID string) error {
	return st.InsertSignInFailure(ctx, userID, s.now().UTC())
}
