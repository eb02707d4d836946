// Package rules compiles and evaluates the expressions of Quotient's
// rules (price rules, configuration rules, approval rules) with
// expr-lang: type-checked at save time against an environment struct the
// consuming package declares, with exact decimal arithmetic, bounded in
// size and memory, and cached by rule id and version.
package rules
