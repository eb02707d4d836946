package billing

import (
	"context"
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
)

// GetStatement returns a bank statement with its lines and the cash
// account's balance on its closing date (finance, admins, managers).
func (s *Service) GetStatement(ctx context.Context, st BankStore, id string) (BankStatement, error) {
	if err := RequireReceivablesReader(ctx); err != nil {
		return BankStatement{}, err
	}
	bs, err := st.GetBankStatement(ctx, id)
	if err != nil {
		return BankStatement{}, err
	}
	return bs, s.ledgerClosed(ctx, st, &bs)
}

func (s *Service) ledgerClosed(ctx context.Context, st BankStore, bs *BankStatement) error {
	bals, err := st.Balances(ctx, bs.ClosingDate, bs.Currency)
	if err != nil {
		return err
	}
	bs.LedgerClosed = 0
	for _, b := range bals {
		if b.AccountCode == bs.AccountCode {
			bs.LedgerClosed = b.Debit - b.Credit
		}
	}
	return nil
}

// Difference is the bank's closing balance less the cash account's on
// the same date; ok is false when the statement states no closing balance.
func (bs BankStatement) Difference() (int64, bool) {
	if bs.Closing == nil {
		return 0, false
	}
	return *bs.Closing - bs.LedgerClosed, true
}

// Reconciled reports whether every line is done and the closing balance
// agrees with the ledger.
func (bs BankStatement) Reconciled() bool {
	for _, l := range bs.Lines {
		if !l.Done() {
			return false
		}
	}
	d, _ := bs.Difference()
	return d == 0
}

// ListStatements lists imported statements, newest first, each with its
// lines and the ledger's balance on its closing date (as GetStatement).
func (s *Service) ListStatements(ctx context.Context, st BankStore, p quotient.Page) ([]BankStatement, error) {
	if err := RequireReceivablesReader(ctx); err != nil {
		return nil, err
	}
	heads, err := st.ListBankStatements(ctx, p)
	if err != nil {
		return nil, err
	}
	out := make([]BankStatement, len(heads))
	for i, h := range heads {
		if out[i], err = st.GetBankStatement(ctx, h.ID); err != nil {
			return nil, err
		}
		if err := s.ledgerClosed(ctx, st, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ConfirmInput says what a bank line is: the proposal to take (the first
// when none is named), or the account that paid and, optionally, the
// invoices it pays (its oldest due first when none are named).
type ConfirmInput struct {
	Proposal    *int
	AccountID   string
	Allocations []AllocationInput
}

func (s *Service) line(ctx context.Context, st BankStore, statementID, lineID string) (BankStatement, BankLine, error) {
	if _, err := requireFinanceWrite(ctx); err != nil {
		return BankStatement{}, BankLine{}, err
	}
	bs, err := st.GetBankStatement(ctx, statementID)
	if err != nil {
		return BankStatement{}, BankLine{}, err
	}
	l, err := st.GetBankLine(ctx, statementID, lineID)
	return bs, l, err
}

// ConfirmLine confirms a bank line (finance): a match to a recorded
// payment as it is, or a proposal (or the account finance names) as a new
// payment received on the booking date, applied to the invoices proposed.
// Confirming a confirmed line again changes nothing.
func (s *Service) ConfirmLine(ctx context.Context, st BankStore, statementID, lineID string, in ConfirmInput) (BankLine, *Payment, error) {
	bs, l, err := s.line(ctx, st, statementID, lineID)
	if err != nil {
		return BankLine{}, nil, err
	}
	switch {
	case l.Status == LineMatched && l.Confirmed:
		return l, nil, nil
	case l.Status == LineSplit || l.Status == LineIgnored:
		return BankLine{}, nil, quotient.Errorf(quotient.Conflict, "the line is %s; confirm its parts, or import it again", l.Status)
	case l.Status == LineMatched && in.AccountID == "" && in.Proposal == nil:
		l.Confirmed, l.UpdatedAt = true, s.now().UTC()
		return l, nil, st.UpdateBankLine(ctx, l)
	case l.Amount <= 0:
		return BankLine{}, nil, quotient.Errorf(quotient.Conflict, "money paid out is not a customer payment; ignore the line or post it by hand")
	}
	c, _ := quotient.LookupCurrency(bs.Currency)
	pin := PaymentInput{Currency: bs.Currency, Amount: c.FromMinor(l.Amount), ReceivedOn: l.BookedOn, Method: "bank_transfer",
		Reference: clip(firstOf(l.Reference, l.Description, "bank statement "+bs.Reference), 200)}
	switch {
	case in.AccountID != "":
		pin.AccountID, pin.Allocations = in.AccountID, in.Allocations
	case len(l.Proposals) > 0:
		i := 0
		if in.Proposal != nil {
			i = *in.Proposal
		}
		if i < 0 || i >= len(l.Proposals) {
			return BankLine{}, nil, quotient.FieldErrorf(quotient.Invalid, "proposal", "the line has proposals 0 to %d", len(l.Proposals)-1)
		}
		p := l.Proposals[i]
		pin.AccountID = p.AccountID
		for _, al := range p.Allocations {
			pin.Allocations = append(pin.Allocations, AllocationInput{InvoiceID: al.InvoiceID, Amount: c.FromMinor(al.Amount)})
		}
		if len(pin.Allocations) == 0 {
			pin.Allocations = nil
		}
	default:
		return BankLine{}, nil, quotient.FieldErrorf(quotient.Unprocessable, "account_id", "nothing was proposed for this line; name the account that paid")
	}
	pay, err := s.Receive(ctx, st, pin)
	if err != nil {
		return BankLine{}, nil, err
	}
	l.Status, l.PaymentID, l.Confirmed, l.UpdatedAt = LineMatched, pay.ID, true, s.now().UTC()
	l.Reason = strings.TrimPrefix(l.Reason+"; ", "; ") + "confirmed as payment " + pay.ID
	return l, &pay, st.UpdateBankLine(ctx, l)
}

// IgnoreLine marks a bank line as not a customer payment, with the reason
// (finance): bank fees, transfers between own accounts.
func (s *Service) IgnoreLine(ctx context.Context, st BankStore, statementID, lineID, reason string) (BankLine, error) {
	_, l, err := s.line(ctx, st, statementID, lineID)
	if err != nil {
		return BankLine{}, err
	}
	reason = strings.TrimSpace(reason)
	p := quotient.Problems{}
	p.Text("reason", reason, quotient.Required, 500)
	if err := p.Err(); err != nil {
		return BankLine{}, err
	}
	switch {
	case l.Status == LineIgnored:
		return l, nil
	case l.Status == LineSplit || l.Status == LineMatched && l.Confirmed:
		return BankLine{}, quotient.Errorf(quotient.Conflict, "the line is %s; it cannot be ignored now", map[bool]string{true: "confirmed", false: l.Status}[l.Confirmed])
	}
	l.Status, l.PaymentID, l.Proposals, l.Reason, l.UpdatedAt = LineIgnored, "", nil, "ignored: "+reason, s.now().UTC()
	return l, st.UpdateBankLine(ctx, l)
}

// SplitLine replaces a bank line by parts that add up to it (finance): one
// transfer that pays for two customers, or an invoice and a fee. Each
// part is matched again.
func (s *Service) SplitLine(ctx context.Context, st BankStore, statementID, lineID string, amounts []decimal.Decimal) ([]BankLine, error) {
	bs, l, err := s.line(ctx, st, statementID, lineID)
	if err != nil {
		return nil, err
	}
	if l.Status == LineSplit || l.Status == LineIgnored || l.Status == LineMatched && l.Confirmed {
		return nil, quotient.Errorf(quotient.Conflict, "the line is %s; only an open line splits", map[bool]string{true: "confirmed", false: l.Status}[l.Confirmed])
	}
	c, _ := quotient.LookupCurrency(bs.Currency)
	p := quotient.Problems{}
	if len(amounts) < 2 || len(amounts) > 100 {
		p.Add("amounts", "split into 2 to 100 parts")
	}
	var parts []int64
	var sum int64
	for i, a := range amounts {
		v, ok := c.ToMinor(a)
		if !ok || v == 0 || (v > 0) != (l.Amount > 0) {
			p.Add(fmt.Sprintf("amounts[%d]", i), "a part is non-zero, on the line's side, with at most %d decimals", c.MinorUnits)
			continue
		}
		parts = append(parts, v)
		sum += v
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	if sum != l.Amount {
		return nil, quotient.FieldErrorf(quotient.Unprocessable, "amounts", "the parts add up to %s, the line is %s", c.Format(c.FromMinor(sum)), c.Format(c.FromMinor(l.Amount)))
	}
	now := s.now().UTC()
	l.Status, l.PaymentID, l.Proposals, l.Reason, l.UpdatedAt = LineSplit, "", nil, fmt.Sprintf("split into %d parts", len(parts)), now
	if err := st.UpdateBankLine(ctx, l); err != nil {
		return nil, err
	}
	out := make([]BankLine, len(parts))
	for i, v := range parts {
		out[i] = BankLine{ID: quotient.NewID("bln"), StatementID: l.StatementID, LineNo: l.LineNo, BookedOn: l.BookedOn, Amount: v, Reference: l.Reference,
			Counterparty: l.Counterparty, Description: l.Description, Key: fmt.Sprintf("%s/%d", l.Key, i+1), SplitOf: l.ID, UpdatedAt: now}
	}
	m, err := s.matcher(ctx, st, bs.Currency, out)
	if err != nil {
		return nil, err
	}
	for i := range out {
		m.match(&out[i])
	}
	_, err = st.InsertBankLines(ctx, bs.AccountCode, bs.Currency, out)
	return out, err
}

// BankReconciliation is, for a month, how far bank reconciliation is:
// lines booked in it still open, and statements ending in it whose
// closing balance differs from the ledger's.
type BankReconciliation struct {
	Lines, Open int
	Statements  []BankStatement // ending in the month, with LedgerClosed
}

// ReconciliationOf reads a month's bank reconciliation.
func (s *Service) ReconciliationOf(ctx context.Context, st BankStore, from, to quotient.Date) (BankReconciliation, error) {
	ls, err := st.BankLinesBetween(ctx, from, to)
	if err != nil {
		return BankReconciliation{}, err
	}
	out := BankReconciliation{}
	for _, l := range ls {
		if l.Status == LineSplit {
			continue
		}
		out.Lines++
		if !l.Done() {
			out.Open++
		}
	}
	sts, err := st.ListBankStatements(ctx, quotient.Page{Limit: 1000})
	if err != nil {
		return BankReconciliation{}, err
	}
	for _, bs := range sts {
		if bs.ClosingDate.Before(from) || bs.ClosingDate.After(to) {
			continue
		}
		if err := s.ledgerClosed(ctx, st, &bs); err != nil {
			return BankReconciliation{}, err
		}
		out.Statements = append(out.Statements, bs)
	}
	return out, nil
}
