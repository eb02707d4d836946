// Package order holds sales orders: made once from an accepted quote
// version (copied, never re-priced), their lines and states, and the
// reservations that set stock aside for them.
package order
