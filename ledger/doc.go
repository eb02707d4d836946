// Package ledger is the general ledger: a chart of accounts, balanced
// journal entries that are never changed once posted (corrections are
// reversals), monthly periods that can be closed, and the trial balance
// and account ledgers. Amounts are integer minor units of their currency
// (cents, yen) everywhere: posting rules hand them in that way, and only
// entries people type are converted, once, from decimals.
package ledger
