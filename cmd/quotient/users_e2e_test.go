package main

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/quotient-cpq/quotient/crm"
	"github.com/quotient-cpq/quotient/store/storetest"
)

// signedInPastCode signs in with a link as a user who must prove a code
// (admins, finance): it sets up the authenticator from the key the page
// shows and proves the first code.
func signedInPastCode(t *testing.T, base, link string) *http.Client {
	t.Helper()
	c := signedIn(t, link)
	_, body, _ := fetch(t, c, "GET", base+"/signin/code", nil)
	m := regexp.MustCompile(`id="totp-secret">([A-Z2-7]+)<`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no key to set up: %.300s", body)
	}
	if st, _, _ := fetch(t, c, "POST", base+"/signin/code", url.Values{"csrf": {csrfRe.FindStringSubmatch(body)[1]},
		"code": {crm.TOTPCode(m[1], time.Now())}}); st != 303 {
		t.Fatalf("the code: %d", st)
	}
	return c
}

// TestAdminEndsSessions: an admin (past the second factor) lists the
// users and signs one out everywhere: that user's open session ends at
// once while their API token keeps working; a rep sees the list without
// the button and is refused the same post.
func TestAdminEndsSessions(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		a, links, toks := startDemo(t, db, nil)
		kenji := signedIn(t, links["kenji.watanabe@northwind.example"])
		if st, _, _ := fetch(t, kenji, "GET", a.base+"/", nil); st != 200 {
			t.Fatalf("Kenji's home: %d", st)
		}
		admin := signedInPastCode(t, a.base, links["mira.okafor@northwind.example"])
		st, body, _ := fetch(t, admin, "GET", a.base+"/users", nil)
		m := regexp.MustCompile(`action="/users/([^/"]+)/sessions/revoke"[^>]*>(?:[^<]|<[^/])*?<button[^>]*>End every session<span class="visually-hidden"> of Kenji Watanabe`).FindStringSubmatch(body)
		if st != 200 || m == nil {
			t.Fatalf("the users page: %d %.800s", st, body)
		}
		kid := m[1]
		rep := signedIn(t, links["priya.nair@northwind.example"])
		_, rb, _ := fetch(t, rep, "GET", a.base+"/users", nil)
		if strings.Contains(rb, "End every session") {
			t.Fatal("a rep is offered to end sessions")
		}
		if st, _, _ := fetch(t, rep, "POST", a.base+"/users/"+kid+"/sessions/revoke", url.Values{"csrf": {csrfRe.FindStringSubmatch(rb)[1]}}); st != 403 {
			t.Fatalf("a rep ending another's sessions: %d", st)
		}
		if st, _, _ := fetch(t, kenji, "GET", a.base+"/", nil); st != 200 {
			t.Fatalf("Kenji after the refused post: %d", st)
		}
		st, body, _ = fetch(t, admin, "POST", a.base+"/users/"+kid+"/sessions/revoke", url.Values{"csrf": {csrfRe.FindStringSubmatch(body)[1]}})
		if st != 200 || !strings.Contains(body, "Kenji Watanabe is signed out everywhere (1 session(s) ended)") {
			t.Fatalf("end Kenji's sessions: %d %.500s", st, body)
		}
		if st, _, h := fetch(t, kenji, "GET", a.base+"/", nil); st != 303 || !strings.HasPrefix(h.Get("Location"), "/signin") {
			t.Fatalf("Kenji's ended session: %d %v", st, h)
		}
		a.must(200, "GET", "/api/v1/me", toks["kenji.watanabe@northwind.example"], nil)
	})
}
