// Package apptest builds a working Quotient over a fresh database for
// tests below HTTP: the domain services wired as cmd/quotient wires them,
// the application layer over them, a signed-in context for each role, a
// clock the test moves, and a small company to sell from (a USD price
// book, a good, a service and a fee product, 10 % tax in US-CA, one
// warehouse). Each runs a test on every database storetest offers.
package apptest
