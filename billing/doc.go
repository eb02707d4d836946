// Package billing holds invoicing and receivables: payment terms and due
// dates, invoices, credit notes, payments and their allocation, cost of
// goods, credit control, the AR aging, statements, reconciliation and
// dunning, each posted to the ledger.
package billing
