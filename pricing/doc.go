// Package pricing owns the price waterfall: a pure function from quote
// lines, an account, a price book and a rulebook (volume schedules, price
// rules, tax rates) on a pricing date to priced lines, each with a trace of
// every step and of every rule considered and skipped, and document totals
// whose parts always add up.
package pricing
