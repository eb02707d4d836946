// Package commission pays reps for what they sell: plans with a basis
// (invoiced or paid), a base rate and rules over the invoice line, the
// account and the rep's attainment; assignments of plans to users;
// credit splits of opportunities; accruals on invoices or on payments,
// clawbacks on credit notes, each posted to the ledger; monthly
// statements that finance pays; and the feedback to sales: a rep's
// performance and the KPIs.
package commission
