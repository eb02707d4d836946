package app

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/billing"
)

// InvoiceRecord is an invoice with its dunning history, oldest first.
type InvoiceRecord struct {
	Invoice billing.Invoice
	Dunning []billing.DunningNotice
}

// Invoices lists invoices.
func (a *App) Invoices(ctx context.Context, f billing.InvoiceFilter) ([]billing.Invoice, error) {
	return read(ctx, a, func(tx Tx) ([]billing.Invoice, error) { return a.billing.List(ctx, tx, f) })
}

// Invoice returns an invoice with its dunning history.
func (a *App) Invoice(ctx context.Context, id string) (InvoiceRecord, error) {
	return read(ctx, a, func(tx Tx) (InvoiceRecord, error) {
		inv, err := a.billing.Get(ctx, tx, id)
		if err != nil {
			return InvoiceRecord{}, err
		}
		ns, err := a.billing.InvoiceDunning(ctx, tx, inv.ID)
		return InvoiceRecord{inv, ns}, err
	})
}

// Payments lists an account's (or every) payment.
func (a *App) Payments(ctx context.Context, accountID string, p quotient.Page) ([]billing.Payment, error) {
	return read(ctx, a, func(tx Tx) ([]billing.Payment, error) { return a.billing.Payments(ctx, tx, accountID, p) })
}

// Payment returns a payment with its allocations.
func (a *App) Payment(ctx context.Context, id string) (billing.Payment, error) {
	return read(ctx, a, func(tx Tx) (billing.Payment, error) { return a.billing.GetPayment(ctx, tx, id) })
}

// CreditNotes lists credit notes, of an account or an invoice.
func (a *App) CreditNotes(ctx context.Context, accountID, invoiceID string, p quotient.Page) ([]billing.CreditNote, error) {
	return read(ctx, a, func(tx Tx) ([]billing.CreditNote, error) {
		return a.billing.CreditNotes(ctx, tx, accountID, invoiceID, p)
	})
}

// CreditNote returns a credit note.
func (a *App) CreditNote(ctx context.Context, id string) (billing.CreditNote, error) {
	return read(ctx, a, func(tx Tx) (billing.CreditNote, error) { return a.billing.GetCreditNote(ctx, tx, id) })
}

// DunningLevels lists the dunning ladder.
func (a *App) DunningLevels(ctx context.Context) ([]billing.DunningLevel, error) {
	return read(ctx, a, func(tx Tx) ([]billing.DunningLevel, error) { return a.billing.DunningLevels(ctx, tx) })
}

// CreateDunningLevel adds a dunning level (finance).
func (a *App) CreateDunningLevel(ctx context.Context, in billing.DunningLevelInput) (billing.DunningLevel, error) {
	return change(ctx, a, func(tx Tx) (billing.DunningLevel, error) { return a.billing.CreateDunningLevel(ctx, tx, in) })
}

// DunningLevel returns a dunning level.
func (a *App) DunningLevel(ctx context.Context, id string) (billing.DunningLevel, error) {
	return read(ctx, a, func(tx Tx) (billing.DunningLevel, error) { return a.billing.GetDunningLevel(ctx, tx, id) })
}

// UpdateDunningLevel changes or deactivates a dunning level (finance)
// read at version (0: any).
func (a *App) UpdateDunningLevel(ctx context.Context, id string, version int, in billing.DunningLevelInput) (billing.DunningLevel, error) {
	return change(ctx, a, func(tx Tx) (billing.DunningLevel, error) {
		return a.billing.UpdateDunningLevel(ctx, tx, id, version, in)
	})
}

// RunDunning sends the reminders due now (finance), whether or not the
// day's run happened, and says how many it recorded.
func (a *App) RunDunning(ctx context.Context) (int, error) {
	return change(ctx, a, func(tx Tx) (int, error) { return a.billing.RunDunning(ctx, tx) })
}

// DailyDunning sends the day's reminders once across every server on the
// database (the workers call it); it returns how many it recorded.
func (a *App) DailyDunning(ctx context.Context) (int, error) {
	return change(ctx, a, func(tx Tx) (int, error) { return a.billing.DailyDunning(ctx, tx) })
}

// StatementQuery asks for a customer's statement: of an account, in its
// currency unless another is named, between two dates (the first of
// to's month and today when zero).
type StatementQuery struct {
	AccountID, Currency string
	From, To            quotient.Date
}

// ARAgingAll ages the open receivables in base, or of every currency
// invoices were issued in (basis document), one aging each in currency
// order; a currency named gives that one only.
func (a *App) ARAgingAll(ctx context.Context, currency, basis string, asOf quotient.Date) ([]billing.Aging, error) {
	return read(ctx, a, func(tx Tx) ([]billing.Aging, error) {
		return eachBasis(ctx, currency, basis, tx.InvoiceCurrencies, func(c string) (billing.Aging, error) {
			return a.billing.AgingReport(ctx, tx, c, asOf)
		})
	})
}

// CustomerStatementAll is an account's statement in every currency its
// invoices and payments were in (its own currency when it has none), one
// each; a currency named gives that one only.
func (a *App) CustomerStatementAll(ctx context.Context, q StatementQuery) ([]billing.Statement, error) {
	return read(ctx, a, func(tx Tx) ([]billing.Statement, error) { return a.statements(ctx, tx, q) })
}

func (a *App) statements(ctx context.Context, tx Tx, q StatementQuery) ([]billing.Statement, error) {
	currencies := func(ctx context.Context) ([]string, error) {
		acc, err := tx.GetAccount(ctx, q.AccountID)
		if err != nil {
			return []string{""}, nil // the statement names the missing account
		}
		curs, err := tx.AccountCurrencies(ctx, q.AccountID)
		if err != nil || slices.Contains(curs, acc.Currency) {
			return curs, err
		}
		curs = append(curs, acc.Currency)
		slices.Sort(curs)
		return curs, nil
	}
	return eachCurrency(ctx, q.Currency, currencies, func(c string) (billing.Statement, error) {
		return a.billing.CustomerStatement(ctx, tx, q.AccountID, c, q.From, q.To)
	})
}

// eachCurrency runs a report for the named currency, or for each of the
// currencies the data holds.
func eachCurrency[T any](ctx context.Context, named string, held func(context.Context) ([]string, error), report func(string) (T, error)) ([]T, error) {
	curs := []string{named}
	if named == "" {
		var err error
		if curs, err = held(ctx); err != nil {
			return nil, err
		}
	}
	out := make([]T, 0, len(curs))
	for _, c := range curs {
		r, err := report(c)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// ARAging ages a currency's open receivables on a date (today when zero).
func (a *App) ARAging(ctx context.Context, currency string, asOf quotient.Date) (billing.Aging, error) {
	return read(ctx, a, func(tx Tx) (billing.Aging, error) { return a.billing.AgingReport(ctx, tx, currency, asOf) })
}

// ARReconciliation is, per currency, the AR aging's total beside the AR
// account's balance on a date.
type ARReconciliation struct {
	AsOf quotient.Date
	Rows []billing.Reconciliation
}

// ReconcileAR reconciles the AR aging with the ledger on a date (today
// when zero); any difference is a conflict naming each.
func (a *App) ReconcileAR(ctx context.Context, asOf quotient.Date) (ARReconciliation, error) {
	if asOf.IsZero() {
		asOf = a.today()
	} else if asOf.Year() < 1900 {
		return ARReconciliation{}, quotient.FieldErrorf(quotient.Invalid, "as_of", "must be in 1900 or later")
	}
	out, err := read(ctx, a, func(tx Tx) (ARReconciliation, error) {
		if err := billing.RequireReceivablesReader(ctx); err != nil {
			return ARReconciliation{}, err
		}
		curs, err := tx.InvoiceCurrencies(ctx)
		if err != nil {
			return ARReconciliation{}, err
		}
		rs, err := billing.Reconciliations(ctx, tx, curs, asOf)
		return ARReconciliation{asOf, rs}, err
	})
	if err != nil {
		return out, err
	}
	var bad []string
	for _, r := range out.Rows {
		if r.Aging != r.Ledger {
			c, _ := quotient.LookupCurrency(r.Currency)
			bad = append(bad, fmt.Sprintf("%s: aging %s, AR account %s", r.Currency, c.Format(c.FromMinor(r.Aging)), c.Format(c.FromMinor(r.Ledger))))
		}
	}
	if len(bad) > 0 {
		return out, quotient.Errorf(quotient.Conflict, "the AR aging and the AR account disagree on %s: %s", asOf, strings.Join(bad, "; "))
	}
	return out, nil
}

// NextDunning previews the reminders the next dunning run sends today
// (finance).
func (a *App) NextDunning(ctx context.Context) ([]billing.NextNotice, error) {
	return read(ctx, a, func(tx Tx) ([]billing.NextNotice, error) { return a.billing.NextDunning(ctx, tx) })
}
