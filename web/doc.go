// Package web is the workspace: server-rendered pages for the people who
// run the business, served at / by the same binary as the API. Pages call
// the application layer's use cases, never the JSON API and never the
// store, so each page enforces exactly what the API enforces for its user.
//
// What is here: sign-in by one-time link (e-mailed through the outbox, or
// printed by serve --demo) with server-side sessions (hashed ids, an
// HttpOnly SameSite=Lax cookie, Secure behind https, idle and absolute
// expiry, revocable), CSRF protection on every state-changing request,
// the home page (my open quotes, what waits for my approval) and the
// quote page. Pages use no script at all, so the content security policy
// allows none.
package web
