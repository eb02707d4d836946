package crm

import (
	"strings"
	"testing"
	"time"
)

// TestPasswordHash: argon2id in PHC form, a fresh salt each time, and a
// check that takes only the right password.
func TestPasswordHash(t *testing.T) {
	h1, h2 := HashPassword("correct horse battery staple"), HashPassword("correct horse battery staple")
	if !strings.HasPrefix(h1, "$argon2id$v=19$m=19456,t=2,p=1$") || h1 == h2 {
		t.Fatalf("hashes: %s / %s", h1, h2)
	}
	if !CheckPassword(h1, "correct horse battery staple") || CheckPassword(h1, "correct horse battery stapl") || CheckPassword("", "x") ||
		CheckPassword("$argon2id$v=19$m=0,t=2,p=1$AA$AA", "x") {
		t.Fatal("the check accepts what it should not, or refuses the password")
	}
}

// TestSessionLife: a session ends when revoked, after the idle limit
// without use, and its absolute limit after sign-in however busy.
func TestSessionLife(t *testing.T) {
	start := time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)
	s := Session{CreatedAt: start, LastSeenAt: start, ExpiresAt: start.Add(DefaultSessionAbsolute)}
	for _, c := range []struct {
		name     string
		lastSeen time.Time
		now      time.Time
		revoked  bool
		live     bool
	}{
		{"in use", start, start.Add(time.Hour), false, true},
		{"idle too long", start, start.Add(DefaultSessionIdle), false, false},
		{"busy but past its absolute end", start.Add(DefaultSessionAbsolute - time.Minute), start.Add(DefaultSessionAbsolute), false, false},
		{"revoked", start, start.Add(time.Minute), true, false},
	} {
		x := s
		x.LastSeenAt = c.lastSeen
		if c.revoked {
			at := start
			x.RevokedAt = &at
		}
		if got := x.Live(c.now, DefaultSessionIdle); got != c.live {
			t.Errorf("%s: live %v, want %v", c.name, got, c.live)
		}
	}
}

// TestTOTPCode: RFC 6238's SHA-1 test vectors (the last six digits).
func TestTOTPCode(t *testing.T) {
	secret := b32.EncodeToString([]byte("12345678901234567890"))
	for unix, want := range map[int64]string{59: "287082", 1111111109: "081804", 1234567890: "005924", 2000000000: "279037"} {
		if got := TOTPCode(secret, time.Unix(unix, 0)); got != want {
			t.Errorf("at %d: %s, want %s", unix, got, want)
		}
	}
}
