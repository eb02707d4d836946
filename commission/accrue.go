package commission

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/billing"
	"github.com/quotient-cpq/quotient/ledger"
	"github.com/quotient-cpq/quotient/rules"
)

// Statuses of a commission line.
const (
	Accrued    = "accrued"     // earned on an invoice not yet paid
	Payable    = "payable"     // earned and collected: finance may pay it
	PaidOut    = "paid"        // on a paid statement
	ClawedBack = "clawed_back" // taken back by a credit note (negative)
)

// Line is what a rep earned (or gave back) on an invoice line for one
// event: the invoice, a payment applied to it, a credit note. Amounts are
// in minor units of the invoice's currency.
type Line struct {
	ID             string
	UserID         string
	PlanID         string
	PlanVersion    int
	InvoiceID      string
	InvoiceNumber  string
	OrderLineID    string
	SKU            string
	SourceType     string // invoice, payment_allocation, credit_note
	SourceID       string
	Period         string // yyyy-mm
	Date           string
	Currency       string
	Basis          int64
	SharePct       decimal.Decimal
	RatePct        decimal.Decimal
	Amount         int64
	Status         string
	Rule           string // base rate, rule "…", excluded by "…"
	Figures        string // how it was computed, in words
	JournalEntryID string
	PayoutID       string
	CreatedAt      time.Time
}

// AccrueStore is what accruals need.
type AccrueStore interface {
	Store
	billing.Store
	// InvoiceCredit names who sells an invoice: its order's owner and its
	// quote's opportunity ("" without one).
	InvoiceCredit(ctx context.Context, invoiceID string) (ownerID, opportunityID string, err error)
	// Booked sums the basis of a user's lines in a period and currency.
	Booked(ctx context.Context, userID, period, currency string) (int64, error)
	InsertCommissionLine(ctx context.Context, l Line) error
	// CommissionLines lists lines by filter, oldest first.
	CommissionLines(ctx context.Context, f LineFilter) ([]Line, error)
	// MarkPayable makes an invoice's accrued lines payable.
	MarkPayable(ctx context.Context, invoiceID string) error
}

// LineFilter selects commission lines.
type LineFilter struct {
	UserID    string
	Period    string
	InvoiceID string
	Limit     int
	After     string
}

// rep is a share of an invoice's credit with the rep's plan.
type rep struct {
	split Split
	asg   Assignment
	plan  Plan
}

// reps finds who earns on an invoice on a day, and on which plan: the
// opportunity's splits, or the order's owner alone; reps without a plan
// of the basis in force that day earn nothing.
func (s *Service) reps(ctx context.Context, st AccrueStore, invoiceID, day, basis string) ([]rep, error) {
	owner, opp, err := st.InvoiceCredit(ctx, invoiceID)
	if err != nil {
		return nil, err
	}
	splits := []Split{{UserID: owner, Pct: decimal.NewFromInt(100)}}
	if opp != "" {
		ss, err := st.Splits(ctx, opp)
		if err != nil {
			return nil, err
		}
		if len(ss) > 0 {
			splits = ss
		}
	}
	var out []rep
	for _, sp := range splits {
		a, p, ok, err := st.AssignmentOn(ctx, sp.UserID, day)
		if err != nil {
			return nil, err
		}
		if ok && p.Basis == basis && p.ValidFrom <= day && (p.ValidTo == "" || day <= p.ValidTo) {
			out = append(out, rep{sp, a, p})
		}
	}
	return out, nil
}

// rate decides a line's rate under a plan: nothing when an exclusion
// matches, the first matching rule's rate, or the base rate.
func rate(p Plan, env Env) (decimal.Decimal, string, error) {
	for i, x := range p.Exclusions {
		prog, err := cacheGet(p, "x", i, x.Condition)
		if err != nil {
			return decimal.Zero, "", err
		}
		if ok, err := prog.Bool(env); err != nil {
			return decimal.Zero, "", fmt.Errorf("commission: plan %s exclusion %q: %w", p.Name, x.Name, err)
		} else if ok {
			return decimal.Zero, fmt.Sprintf("excluded by %q", x.Name), nil
		}
	}
	for i, r := range p.Rules {
		prog, err := cacheGet(p, "r", i, r.Condition)
		if err != nil {
			return decimal.Zero, "", err
		}
		if ok, err := prog.Bool(env); err != nil {
			return decimal.Zero, "", fmt.Errorf("commission: plan %s rule %q: %w", p.Name, r.Name, err)
		} else if ok {
			return r.RatePct, fmt.Sprintf("rule %q", r.Name), nil
		}
	}
	return p.BaseRatePct, "base rate", nil
}

var programs = &rules.Cache{}

func cacheGet(p Plan, kind string, i int, src string) (*rules.Program, error) {
	return programs.Get(fmt.Sprintf("%s/%s%d", p.ID, kind, i), p.Version, src, Env{}, rules.Bool)
}

// AccrueInvoice accrues commission on a posted invoice for reps on an
// invoiced-basis plan: one line per rep per invoice line, on the net after
// discounts and before tax, times the rep's share and the line's rate.
func (s *Service) AccrueInvoice(ctx context.Context, st AccrueStore, inv billing.Invoice) error {
	reps, err := s.reps(ctx, st, inv.ID, inv.IssueDate, Invoiced)
	if err != nil || len(reps) == 0 {
		return err
	}
	parts := make([]part, len(inv.Lines))
	for i, l := range inv.Lines {
		parts[i] = part{line: l, basis: l.Net}
	}
	return s.accrue(ctx, st, inv, reps, parts, "invoice", inv.ID, inv.IssueDate, Accrued, "invoice "+inv.Number)
}

// AccruePayment accrues commission for reps on a paid-basis plan when
// money is applied to an invoice: each line's net in the proportion the
// amount bears to the invoice's total.
func (s *Service) AccruePayment(ctx context.Context, st AccrueStore, inv billing.Invoice, allocationID string, amount int64, day string) error {
	reps, err := s.reps(ctx, st, inv.ID, day, Paid)
	if err != nil || len(reps) == 0 || inv.Total == 0 {
		return err
	}
	c, _ := quotient.LookupCurrency(inv.Currency)
	parts := make([]part, len(inv.Lines))
	for i, l := range inv.Lines {
		parts[i] = part{line: l, basis: c.RoundMinor(c.FromMinor(l.Net).Mul(decimal.NewFromInt(amount)).Div(decimal.NewFromInt(inv.Total)))}
	}
	return s.accrue(ctx, st, inv, reps, parts, "payment_allocation", allocationID, day, Payable,
		fmt.Sprintf("%s of %s paid on %s", c.Format(c.FromMinor(amount)), inv.Number, day))
}

// part is the basis of one invoice line for an event.
type part struct {
	line  billing.InvoiceLine
	basis int64
}

func (s *Service) accrue(ctx context.Context, st AccrueStore, inv billing.Invoice, reps []rep, parts []part, sourceType, sourceID, day, status, why string) error {
	acc, err := st.GetAccount(ctx, inv.AccountID)
	if err != nil {
		return err
	}
	c, _ := quotient.LookupCurrency(inv.Currency)
	period := day[:7]
	now := s.now().UTC()
	var lines []Line
	for _, r := range reps {
		booked, err := st.Booked(ctx, r.split.UserID, period, r.asg.Currency)
		if err != nil {
			return err
		}
		qc, _ := quotient.LookupCurrency(r.asg.Currency)
		for _, pt := range parts {
			if pt.basis == 0 {
				continue
			}
			basis := c.RoundMinor(c.FromMinor(pt.basis).Mul(r.split.Pct).Div(decimal.NewFromInt(100)))
			att := decimal.Zero
			if r.asg.Quota.IsPositive() {
				att = qc.FromMinor(booked).Div(r.asg.Quota).Mul(decimal.NewFromInt(100)).Round(2)
			}
			env := Env{Line: LineFacts{SKU: pt.line.SKU, ProductID: pt.line.ProductID, Family: pt.line.Family, Quantity: decimal.New(pt.line.Quantity, -6),
				UnitPrice: pt.line.UnitPrice, Net: c.FromMinor(pt.line.Net), Currency: inv.Currency},
				Account: AccountFacts{Name: acc.Name, Segment: acc.Segment, Industry: acc.Industry, TaxRegion: acc.TaxRegion, Currency: acc.Currency},
				Rep:     RepFacts{UserID: r.split.UserID, Quota: r.asg.Quota, Booked: qc.FromMinor(booked), AttainmentPct: att, SharePct: r.split.Pct}}
			pct, rule, err := rate(r.plan, env)
			if err != nil {
				return err
			}
			amount := c.RoundMinor(c.FromMinor(basis).Mul(pct).Div(decimal.NewFromInt(100)))
			lines = append(lines, Line{ID: quotient.NewID("cml"), UserID: r.split.UserID, PlanID: r.plan.ID, PlanVersion: r.plan.Version,
				InvoiceID: inv.ID, InvoiceNumber: inv.Number, OrderLineID: pt.line.OrderLineID, SKU: pt.line.SKU, SourceType: sourceType,
				SourceID: sourceID, Period: period, Date: day, Currency: inv.Currency, Basis: basis, SharePct: r.split.Pct, RatePct: pct,
				Amount: amount, Status: status, Rule: rule, CreatedAt: now,
				Figures: fmt.Sprintf("%s: %s × %s%% share × %s%% (%s; attainment %s%% of quota %s before this line)", why,
					c.Format(c.FromMinor(pt.basis)), r.split.Pct, pct, rule, att, qc.Format(r.asg.Quota))})
			if r.asg.Currency == inv.Currency {
				booked += basis
			}
		}
	}
	return s.record(ctx, st, lines, sourceType, sourceID, "accrue", day, inv.Currency, "Commission on "+why)
}

// record stores lines and posts their total: commission expense against
// commissions payable (the reverse for a clawback).
func (s *Service) record(ctx context.Context, st AccrueStore, lines []Line, sourceType, sourceID, event, day, currency, memo string) error {
	if len(lines) == 0 {
		return nil
	}
	var total int64
	for _, l := range lines {
		total += l.Amount
	}
	entryID := ""
	if total != 0 {
		c, _ := quotient.LookupCurrency(currency)
		expense := ledger.LineInput{AccountCode: ledger.CommissionExpense, Debit: decimal.Zero, Credit: decimal.Zero}
		payable := ledger.LineInput{AccountCode: ledger.CommissionsPayable, Debit: decimal.Zero, Credit: decimal.Zero}
		if total > 0 {
			expense.Debit, payable.Credit = c.FromMinor(total), c.FromMinor(total)
		} else {
			expense.Credit, payable.Debit = c.FromMinor(-total), c.FromMinor(-total)
		}
		e, _, err := s.ledger.PostOnce(ctx, st, ledger.EntryInput{Date: day, Memo: memo, Currency: currency, SourceType: "commission:" + sourceType,
			SourceID: sourceID, Event: event, Lines: []ledger.LineInput{expense, payable}}, "system")
		if err != nil {
			return err
		}
		entryID = e.ID
	}
	for _, l := range lines {
		l.JournalEntryID = entryID
		if err := st.InsertCommissionLine(ctx, l); err != nil {
			return err
		}
	}
	return nil
}

// Clawback takes commission back for a credit note, line by line at the
// rate each rep earned on the invoice line: on an invoiced basis all of
// the credited net; on a paid basis only the part of the credit that gave
// back money already paid (what it could not take off the invoice), since
// the rest lowers what will be paid and so what will accrue.
func (s *Service) Clawback(ctx context.Context, st AccrueStore, cn billing.CreditNote) error {
	earlier, err := st.CommissionLines(ctx, LineFilter{InvoiceID: cn.InvoiceID, Limit: 100000})
	if err != nil || len(earlier) == 0 {
		return err
	}
	c, _ := quotient.LookupCurrency(cn.Currency)
	type key struct{ user, line string }
	first := map[key]Line{}
	var keys []key
	for _, l := range earlier {
		k := key{l.UserID, l.OrderLineID}
		if _, ok := first[k]; !ok && l.Amount > 0 {
			first[k] = l
			keys = append(keys, k)
		}
	}
	sort.SliceStable(keys, func(i, j int) bool { return keys[i].user < keys[j].user })
	now := s.now().UTC()
	var lines []Line
	for _, k := range keys {
		orig := first[k]
		plan, err := st.GetPlan(ctx, orig.PlanID)
		if err != nil {
			return err
		}
		for _, cl := range cn.Lines {
			if cl.OrderLineID != k.line {
				continue
			}
			credited := cl.Net
			if plan.Basis == Paid {
				if cn.Total == 0 {
					continue
				}
				credited = c.RoundMinor(c.FromMinor(cl.Net).Mul(decimal.NewFromInt(cn.Unallocated)).Div(decimal.NewFromInt(cn.Total)))
			}
			basis := c.RoundMinor(c.FromMinor(credited).Mul(orig.SharePct).Div(decimal.NewFromInt(100)))
			amount := c.RoundMinor(c.FromMinor(basis).Mul(orig.RatePct).Div(decimal.NewFromInt(100)))
			if basis == 0 {
				continue
			}
			lines = append(lines, Line{ID: quotient.NewID("cml"), UserID: k.user, PlanID: orig.PlanID, PlanVersion: orig.PlanVersion, InvoiceID: cn.InvoiceID,
				InvoiceNumber: cn.InvoiceNumber, OrderLineID: k.line, SKU: cl.SKU, SourceType: "credit_note", SourceID: cn.ID, Period: cn.IssueDate[:7],
				Date: cn.IssueDate, Currency: cn.Currency, Basis: -basis, SharePct: orig.SharePct, RatePct: orig.RatePct, Amount: -amount,
				Status: ClawedBack, Rule: orig.Rule, CreatedAt: now,
				Figures: fmt.Sprintf("credit note %s: %s credited × %s%% share × %s%% (the rate earned on %s)", cn.Number, c.Format(c.FromMinor(credited)),
					orig.SharePct, orig.RatePct, cn.InvoiceNumber)})
		}
	}
	return s.record(ctx, st, lines, "credit_note", cn.ID, "clawback", cn.IssueDate, cn.Currency, "Commission clawback on credit note "+cn.Number)
}
