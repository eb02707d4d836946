package app

import (
	"context"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/billing"
)

// ImportBankStatement imports a bank statement and matches its lines
// (finance); created is false when the same file was imported before,
// whose statement it answers.
func (a *App) ImportBankStatement(ctx context.Context, in billing.StatementInput) (billing.BankStatement, bool, error) {
	type result struct {
		bs      billing.BankStatement
		created bool
	}
	r, err := change(ctx, a, func(tx Tx) (result, error) {
		bs, created, err := a.billing.ImportStatement(ctx, tx, in)
		return result{bs, created}, err
	})
	return r.bs, r.created, err
}

// BankStatement returns a statement with its lines and the ledger's
// balance on its closing date.
func (a *App) BankStatement(ctx context.Context, id string) (billing.BankStatement, error) {
	return read(ctx, a, func(tx Tx) (billing.BankStatement, error) { return a.billing.GetStatement(ctx, tx, id) })
}

// BankStatements lists imported statements, newest first.
func (a *App) BankStatements(ctx context.Context, p quotient.Page) ([]billing.BankStatement, error) {
	return read(ctx, a, func(tx Tx) ([]billing.BankStatement, error) { return a.billing.ListStatements(ctx, tx, p) })
}

// ConfirmBankLine confirms a bank line's match, or records the payment it
// is (accruing the commission that payment earns), and answers the
// statement.
func (a *App) ConfirmBankLine(ctx context.Context, statementID, lineID string, in billing.ConfirmInput) (billing.BankStatement, error) {
	return change(ctx, a, func(tx Tx) (billing.BankStatement, error) {
		_, pay, err := a.billing.ConfirmLine(ctx, tx, statementID, lineID, in)
		if err != nil {
			return billing.BankStatement{}, err
		}
		if pay != nil {
			if err := a.settled(ctx, tx, pay.Allocations); err != nil {
				return billing.BankStatement{}, err
			}
		}
		return a.billing.GetStatement(ctx, tx, statementID)
	})
}

// IgnoreBankLine sets a bank line aside with a reason, and answers the
// statement.
func (a *App) IgnoreBankLine(ctx context.Context, statementID, lineID, reason string) (billing.BankStatement, error) {
	return change(ctx, a, func(tx Tx) (billing.BankStatement, error) {
		if _, err := a.billing.IgnoreLine(ctx, tx, statementID, lineID, reason); err != nil {
			return billing.BankStatement{}, err
		}
		return a.billing.GetStatement(ctx, tx, statementID)
	})
}

// SplitBankLine splits a bank line into parts, each matched again, and
// answers the statement.
func (a *App) SplitBankLine(ctx context.Context, statementID, lineID string, amounts []decimal.Decimal) (billing.BankStatement, error) {
	return change(ctx, a, func(tx Tx) (billing.BankStatement, error) {
		if _, err := a.billing.SplitLine(ctx, tx, statementID, lineID, amounts); err != nil {
			return billing.BankStatement{}, err
		}
		return a.billing.GetStatement(ctx, tx, statementID)
	})
}
