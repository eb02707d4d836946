package quote

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// A portal token names one version of one quote and when the link
// expires, signed with HMAC-SHA256 under the server secret:
// base64url("quoteID.version.expiryUnix") + "." + base64url(mac).

// SignToken makes the portal token of a quote version.
func SignToken(secret []byte, quoteID string, version int, expires time.Time) string {
	body := fmt.Sprintf("%s.%d.%d", quoteID, version, expires.Unix())
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(body))
	return base64.RawURLEncoding.EncodeToString([]byte(body)) + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// VerifyToken checks a token's signature and expiry and returns what it
// names. Every failure is the same error, so a caller learns nothing from
// a forged, tampered or expired token.
func VerifyToken(secret []byte, token string, now time.Time) (quoteID string, version int, err error) {
	bad := fmt.Errorf("invalid or expired link")
	if len(token) > 300 {
		return "", 0, bad
	}
	b64, sig, ok := strings.Cut(token, ".")
	if !ok {
		return "", 0, bad
	}
	body, err1 := base64.RawURLEncoding.DecodeString(b64)
	got, err2 := base64.RawURLEncoding.DecodeString(sig)
	if err1 != nil || err2 != nil {
		return "", 0, bad
	}
	mac := hmac.New(sha256.New, secret)
	mac.Write(body)
	if !hmac.Equal(got, mac.Sum(nil)) {
		return "", 0, bad
	}
	parts := strings.Split(string(body), ".")
	if len(parts) != 3 {
		return "", 0, bad
	}
	v, errV := strconv.Atoi(parts[1])
	exp, errE := strconv.ParseInt(parts[2], 10, 64)
	if errV != nil || errE != nil || now.Unix() > exp {
		return "", 0, bad
	}
	return parts[0], v, nil
}
