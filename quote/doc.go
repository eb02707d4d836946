// Package quote owns the quote aggregate: a quote with numbered versions,
// each with lines priced by the pricing engine and frozen once it leaves
// draft; the lifecycle from draft through approval; revisions; the diff
// between versions; approval rules and their requests; and the history of
// every decision.
package quote
