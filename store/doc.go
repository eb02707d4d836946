// Package store is Quotient's storage: every SQL statement, for both
// PostgreSQL (production) and embedded SQLite (the zero-setup default),
// the embedded migrations of each, and the transaction type. Tx implements
// the Store interface each domain package declares, so one database
// transaction serves every package of a use case; DB runs transactions,
// retrying them on serialization failures and deadlocks. Amounts that SQL
// adds up are integer minor units; prices and rates are exact decimals.
package store
