// Package app is Quotient's application layer: every action a user or a
// background worker can take is one exported method of App, which runs it
// in one database transaction over the domain packages. The JSON API and
// the customer portal (server), the workers (worker) and the command line
// call these methods and nothing below them, so each rule lives once:
// who may do what is decided by the domain packages the method calls,
// whichever door the request came through.
package app
