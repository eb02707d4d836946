// Package quotient holds the vocabulary every other package shares: the error
// type and its codes, money and currencies with their rounding rules, ID
// generation, and the acting user carried in a context.
package quotient
