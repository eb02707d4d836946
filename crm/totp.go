package crm

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/quotient-cpq/quotient"
)

// TOTP is the second factor's state of a user: the confirmed secret (empty
// when none), a secret being set up, and the last time step a code was
// accepted for.
type TOTP struct {
	Secret   string
	Pending  string
	LastStep int64
}

// SecondFactorRequired reports whether a role must prove a second factor:
// admins and finance, who can change everyone's data and move money.
func SecondFactorRequired(r quotient.Role) bool {
	return r == quotient.RoleAdmin || r == quotient.RoleFinance
}

// totpStep is RFC 6238's time step: 30 seconds.
const totpStep = 30

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// TOTPCode is the six-digit code of a base32 secret at a time (RFC 6238,
// HMAC-SHA1, 30-second steps), as authenticator apps show it.
func TOTPCode(secret string, at time.Time) string {
	return code(secret, at.Unix()/totpStep)
}

func code(secret string, step int64) string {
	key, err := b32.DecodeString(strings.ToUpper(secret))
	if err != nil {
		return ""
	}
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(step))
	m := hmac.New(sha1.New, key)
	m.Write(msg[:])
	sum := m.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	n := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	return fmt.Sprintf("%06d", n%1000000)
}

// TOTPStore is what the second factor needs of storage.
type TOTPStore = SessionStore

// SecondFactorDue reports whether a new session of the user starts
// waiting for a code: their role requires one, or they set one up.
func (s *Service) SecondFactorDue(ctx context.Context, st TOTPStore, u User) (bool, error) {
	if SecondFactorRequired(u.Role) {
		return true, nil
	}
	t, err := st.GetTOTP(ctx, u.ID)
	return t.Secret != "", err
}

// StartTOTP makes a new secret for the signed-in user to set up in an
// authenticator app, kept pending until ConfirmTOTP; it returns the secret
// and the otpauth:// address apps read.
func (s *Service) StartTOTP(ctx context.Context, st TOTPStore, issuer string) (string, string, error) {
	a, err := quotient.RequireActor(ctx)
	if err != nil {
		return "", "", err
	}
	u, err := st.GetUser(ctx, a.UserID)
	if err != nil {
		return "", "", err
	}
	t, err := st.GetTOTP(ctx, u.ID)
	if err != nil {
		return "", "", err
	}
	if t.Pending == "" {
		b := make([]byte, 20)
		if _, err := rand.Read(b); err != nil {
			panic(err) // crypto/rand never fails on supported platforms
		}
		t.Pending = b32.EncodeToString(b)
		if err := st.PutTOTP(ctx, u.ID, t); err != nil {
			return "", "", err
		}
	}
	label := url.PathEscape(issuer + ":" + u.Email)
	uri := "otpauth://totp/" + label + "?secret=" + t.Pending + "&issuer=" + url.QueryEscape(issuer) + "&algorithm=SHA1&digits=6&period=30"
	return t.Pending, uri, nil
}

// accept checks a code against a secret at now, a step either side for
// clock drift, never a step already used; it returns the step it matched.
func accept(secret, given string, last int64, now time.Time) (int64, bool) {
	step := now.Unix() / totpStep
	for _, st := range []int64{step - 1, step, step + 1} {
		if st > last && hmac.Equal([]byte(code(secret, st)), []byte(given)) {
			return st, true
		}
	}
	return 0, false
}

// ProveSecondFactor checks a code for the session's user: against the
// pending secret when one is being set up (which then becomes theirs),
// else against their secret. The session then counts as proven.
func (s *Service) ProveSecondFactor(ctx context.Context, st TOTPStore, ses Session, given string) error {
	t, err := st.GetTOTP(ctx, ses.UserID)
	if err != nil {
		return err
	}
	secret := t.Secret
	if t.Pending != "" {
		secret = t.Pending
	}
	wrong := quotient.FieldErrorf(quotient.Unprocessable, "code", "is not the code your app shows now; codes change every 30 seconds and work once")
	if secret == "" {
		return quotient.FieldErrorf(quotient.Conflict, "code", "set up an authenticator app first")
	}
	step, ok := accept(secret, strings.TrimSpace(given), t.LastStep, s.now())
	if !ok {
		return wrong
	}
	if t.Pending != "" {
		t.Secret, t.Pending = t.Pending, ""
	}
	t.LastStep = step
	if err := st.PutTOTP(ctx, ses.UserID, t); err != nil {
		return err
	}
	return st.PassSecondFactor(ctx, ses.Hash)
}
