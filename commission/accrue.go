package commission

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/billing"
	"github.com/quotient-cpq/quotient/crm"
	"github.com/quotient-cpq/quotient/ledger"
)

// Status is where a commission line is in its life.
type Status string

// Statuses of a commission line.
const (
	Accrued    Status = "accrued"     // earned on an invoice not yet paid
	Payable    Status = "payable"     // earned and collected: finance may pay it
	PaidOut    Status = "paid"        // on a paid statement
	ClawedBack Status = "clawed_back" // taken back by a credit note (negative)
)

// Line is what a rep earned (or gave back) on an invoice line for one
// event: the invoice, a payment applied to it, a credit note. Amounts are
// in minor units of the invoice's currency.
type Line struct {
	ID            string
	UserID        string
	PlanID        string
	PlanVersion   int
	InvoiceID     string
	InvoiceNumber string
	OrderLineID   string
	SKU           string
	SourceType    string // invoice, payment_allocation, credit_note
	SourceID      string
	Period        string // yyyy-mm
	Date          quotient.Date
	Currency      string
	Basis         int64
	SharePct      decimal.Decimal
	RatePct       decimal.Decimal
	Amount        int64
	Status        Status
	Rule          string // base rate, rule "…", excluded by "…"
	// Excluded is set when an exclusion of the plan took the line out: it
	// earns nothing and its basis does not count toward quota.
	Excluded       bool
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
	// Booked sums the basis of a user's lines in a period and currency
	// that count toward quota (not excluded).
	Booked(ctx context.Context, userID, period, currency string) (int64, error)
	InsertCommissionLine(ctx context.Context, l Line) error
	// CommissionLines lists lines by filter, oldest first.
	CommissionLines(ctx context.Context, f LineFilter) ([]Line, error)
	// MarkPayable makes an invoice's accrued lines payable.
	MarkPayable(ctx context.Context, invoiceID string) error
}

// LineFilter selects commission lines.
type LineFilter struct {
	quotient.Page
	UserID    string
	Period    string
	InvoiceID string
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
func (s *Service) reps(ctx context.Context, st AccrueStore, invoiceID string, day quotient.Date, basis Basis) ([]rep, error) {
	all, err := s.credited(ctx, st, invoiceID, day)
	return on(all, basis), err
}

// on are the reps of a plan of basis ("": a plan that pays recurring
// deals at booking).
func on(all []rep, basis Basis) []rep {
	var out []rep
	for _, r := range all {
		if basis == "" && r.plan.AtBooking() || r.plan.Basis == basis {
			out = append(out, r)
		}
	}
	return out
}

// credited are the reps credited with an invoice's sale with a plan
// assigned on day, whatever its basis.
func (s *Service) credited(ctx context.Context, st AccrueStore, invoiceID string, day quotient.Date) ([]rep, error) {
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
		if ok && day.Within(p.ValidFrom, p.ValidTo) {
			out = append(out, rep{sp, a, p})
		}
	}
	return out, nil
}

// AccrueInvoice accrues commission on a posted invoice for reps on an
// invoiced-basis plan: one line per rep per invoice line, on the net after
// discounts and before tax, times the rep's share and the line's rate. It
// posts in the books the invoice was posted in; acc is the invoice's
// account. bs are the recurring deals the invoice books (their
// subscriptions' first invoice; none for other invoices): reps on a plan
// that pays at booking accrue on their first-year or total contract
// value too (see accrueBooking), from the same reading of who is credited.
func (s *Service) AccrueInvoice(ctx context.Context, st AccrueStore, books ledger.Books, inv billing.Invoice, acc crm.Account, bs []Booking) error {
	all, err := s.credited(ctx, st, inv.ID, inv.IssueDate)
	if err != nil {
		return err
	}
	if reps := on(all, Invoiced); len(reps) > 0 {
		parts := make([]part, len(inv.Lines))
		for i, l := range inv.Lines {
			parts[i] = part{line: l, basis: l.Net}
		}
		if err := s.accrue(ctx, st, books, event{inv: inv, acc: acc, sourceType: "invoice", sourceID: inv.ID, day: inv.IssueDate, status: Accrued,
			why: "invoice " + inv.Number}, reps, parts); err != nil {
			return err
		}
	}
	return s.accrueBooking(ctx, st, books, inv, acc, bs, on(all, ""))
}

// AccruePayment accrues commission for reps on a paid-basis plan when
// money is applied to an invoice (of account acc): each line's net in the
// proportion the amount bears to the invoice's total.
func (s *Service) AccruePayment(ctx context.Context, st AccrueStore, inv billing.Invoice, acc crm.Account, allocationID string, amount int64, day quotient.Date) error {
	reps, err := s.reps(ctx, st, inv.ID, day, Paid)
	if err != nil || len(reps) == 0 || inv.Total == 0 {
		return err
	}
	c, _ := quotient.LookupCurrency(inv.Currency)
	parts := make([]part, len(inv.Lines))
	for i, l := range inv.Lines {
		parts[i] = part{line: l, basis: c.RoundMinor(c.FromMinor(l.Net).Mul(decimal.NewFromInt(amount)).Div(decimal.NewFromInt(inv.Total)))}
	}
	books, err := s.ledger.Open(ctx, st, day)
	if err != nil {
		return err
	}
	return s.accrue(ctx, st, books, event{inv: inv, acc: acc, sourceType: "payment_allocation", sourceID: allocationID, day: day, status: Payable,
		why: fmt.Sprintf("%s of %s paid on %s", c.Format(c.FromMinor(amount)), inv.Number, day)}, reps, parts)
}

// Booking is a recurring deal's subscription first invoiced: its first
// invoice line, and what it is worth over its first year and its term.
type Booking struct {
	Line      billing.InvoiceLine
	FirstYear int64
	TCV       int64
}

// accrueBooking accrues, for reps on a plan that pays recurring deals at
// booking, commission on each subscription's first-year or total
// contract value when it is first invoiced (inv): accrued now, payable
// once that invoice is paid. Their later invoices earn nothing more.
func (s *Service) accrueBooking(ctx context.Context, st AccrueStore, books ledger.Books, inv billing.Invoice, acc crm.Account, bs []Booking, reps []rep) error {
	if len(bs) == 0 || len(reps) == 0 {
		return nil
	}
	parts := make([]part, len(bs))
	for i, b := range bs {
		parts[i] = part{line: b.Line, basis: b.FirstYear, tcv: b.TCV}
	}
	return s.accrue(ctx, st, books, event{inv: inv, acc: acc, sourceType: "booking", sourceID: inv.ID, day: inv.IssueDate, status: Accrued,
		why: "booking on " + inv.Number, booking: true}, reps, parts)
}

// Lost is what a cancellation took of a booked subscription: the share
// of its first-year value and of its total contract value it will no
// longer bill.
type Lost struct {
	OrderLineID          string
	FirstYearPct, TCVPct decimal.Decimal // 0 to 100
}

// ClawbackCancelled takes back, on day, booking commission of a contract
// cancelled within the plan's clawback window of its start (started):
// each booking line of invoice inv (the subscription's first) in the
// share of the value it was paid on that the cancellation lost.
func (s *Service) ClawbackCancelled(ctx context.Context, st AccrueStore, inv billing.Invoice, started, day quotient.Date, lost []Lost, why string) error {
	earlier, err := st.CommissionLines(ctx, LineFilter{InvoiceID: inv.ID, Page: quotient.Page{Limit: 100000}})
	if err != nil || len(earlier) == 0 {
		return err
	}
	c, _ := quotient.LookupCurrency(inv.Currency)
	now := s.now().UTC()
	var lines []Line
	for _, orig := range earlier {
		if orig.SourceType != "booking" || orig.Amount <= 0 {
			continue
		}
		plan, err := st.GetPlan(ctx, orig.PlanID)
		if err != nil {
			return err
		}
		if plan.ClawbackDays == 0 || day.DaysSince(started) > plan.ClawbackDays {
			continue
		}
		for _, l := range lost {
			if l.OrderLineID != orig.OrderLineID {
				continue
			}
			pct := l.FirstYearPct
			if plan.RecurringBasis == RecurringTCV {
				pct = l.TCVPct
			}
			basis := pctOf(c, orig.Basis, pct)
			amount := pctOf(c, basis, orig.RatePct) // as a credit note's clawback: recalculation rates it alike
			if amount == 0 {
				continue
			}
			lines = append(lines, Line{ID: quotient.NewID("cml"), UserID: orig.UserID, PlanID: orig.PlanID, PlanVersion: orig.PlanVersion, InvoiceID: inv.ID,
				InvoiceNumber: inv.Number, OrderLineID: orig.OrderLineID, SKU: orig.SKU, SourceType: "cancellation", SourceID: inv.ID, Period: day.YearMonth(),
				Date: day, Currency: inv.Currency, Basis: -basis, SharePct: orig.SharePct, RatePct: orig.RatePct, Amount: -amount,
				Status: ClawedBack, Rule: orig.Rule, Excluded: orig.Excluded, CreatedAt: now,
				Figures: fmt.Sprintf("%s %s days after its start (clawback window %d days): %s%% of the booking's %s given back", why,
					fmt.Sprint(day.DaysSince(started)), plan.ClawbackDays, pct, c.Format(c.FromMinor(orig.Amount)))})
		}
	}
	if len(lines) == 0 {
		return nil
	}
	books, err := s.ledger.Open(ctx, st, day)
	if err != nil {
		return err
	}
	return s.record(ctx, st, books, lines, "cancellation", inv.ID, "clawback", day, inv.Currency, "Commission clawback: "+why)
}

// part is the basis of one invoice line for an event; a booking's has
// its subscription's total contract value too.
type part struct {
	line  billing.InvoiceLine
	basis int64
	tcv   int64
}

// event is what commission accrues on.
type event struct {
	inv                  billing.Invoice
	acc                  crm.Account
	sourceType, sourceID string
	day                  quotient.Date
	status               Status
	why                  string
	booking              bool // a recurring deal's booking, for plans that pay at booking
}

func (s *Service) accrue(ctx context.Context, st AccrueStore, books ledger.Books, ev event, reps []rep, parts []part) error {
	c, _ := quotient.LookupCurrency(ev.inv.Currency)
	period := ev.day.YearMonth()
	now := s.now().UTC()
	var lines []Line
	for _, r := range reps {
		booked, err := st.Booked(ctx, r.split.UserID, period, r.asg.Currency)
		if err != nil {
			return err
		}
		t := tally{asg: r.asg, booked: booked}
		qc, _ := quotient.LookupCurrency(r.asg.Currency)
		for _, pt := range parts {
			if pt.line.SubscriptionID != "" && r.plan.AtBooking() != ev.booking {
				continue // a plan pays a recurring line at booking or as invoiced, not both
			}
			value := pt.basis
			if ev.booking && r.plan.RecurringBasis == RecurringTCV {
				value = pt.tcv
			}
			if value == 0 {
				continue
			}
			basis := pctOf(c, value, r.split.Pct)
			att := t.attainment()
			rt, err := rate(r.plan, facts(pt.line, ev.inv.Currency, ev.acc, r.split.UserID, r.split.Pct, t))
			if err != nil {
				return err
			}
			lines = append(lines, Line{ID: quotient.NewID("cml"), UserID: r.split.UserID, PlanID: r.plan.ID, PlanVersion: r.plan.Version,
				InvoiceID: ev.inv.ID, InvoiceNumber: ev.inv.Number, OrderLineID: pt.line.OrderLineID, SKU: pt.line.SKU, SourceType: ev.sourceType,
				SourceID: ev.sourceID, Period: period, Date: ev.day, Currency: ev.inv.Currency, Basis: basis, SharePct: r.split.Pct, RatePct: rt.pct,
				Amount: pctOf(c, basis, rt.pct), Status: ev.status, Rule: rt.rule, Excluded: rt.excluded, CreatedAt: now,
				Figures: fmt.Sprintf("%s: %s × %s%% share × %s%% (%s; attainment %s%% of quota %s before this line)", ev.why,
					c.Format(c.FromMinor(value)), r.split.Pct, rt.pct, rt.rule, att, qc.Format(r.asg.Quota))})
			t.count(basis, ev.inv.Currency, rt.excluded)
		}
	}
	return s.record(ctx, st, books, lines, ev.sourceType, ev.sourceID, "accrue", ev.day, ev.inv.Currency, "Commission on "+ev.why)
}

// record stores lines and posts their total: commission expense against
// commissions payable (the reverse for a clawback).
func (s *Service) record(ctx context.Context, st AccrueStore, books ledger.Books, lines []Line, sourceType, sourceID, event string, day quotient.Date, currency, memo string) error {
	if len(lines) == 0 {
		return nil
	}
	var total int64
	for _, l := range lines {
		total += l.Amount
	}
	entryID := ""
	if total != 0 {
		expense := ledger.LineInput{AccountCode: ledger.CommissionExpense}
		payable := ledger.LineInput{AccountCode: ledger.CommissionsPayable}
		if total > 0 {
			expense.Debit, payable.Credit = total, total
		} else {
			expense.Credit, payable.Debit = -total, -total
		}
		e, _, err := s.ledger.Record(ctx, st, books, ledger.EntryInput{Date: day, Memo: memo, Currency: currency, SourceType: "commission:" + sourceType,
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
// the rest lowers what will be paid and so what will accrue. A clawback of
// a line an exclusion took out is excluded too.
func (s *Service) Clawback(ctx context.Context, st AccrueStore, cn billing.CreditNote) error {
	earlier, err := st.CommissionLines(ctx, LineFilter{InvoiceID: cn.InvoiceID, Page: quotient.Page{Limit: 100000}})
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
			basis := pctOf(c, credited, orig.SharePct)
			if basis == 0 {
				continue
			}
			lines = append(lines, Line{ID: quotient.NewID("cml"), UserID: k.user, PlanID: orig.PlanID, PlanVersion: orig.PlanVersion, InvoiceID: cn.InvoiceID,
				InvoiceNumber: cn.InvoiceNumber, OrderLineID: k.line, SKU: cl.SKU, SourceType: "credit_note", SourceID: cn.ID, Period: cn.IssueDate.YearMonth(),
				Date: cn.IssueDate, Currency: cn.Currency, Basis: -basis, SharePct: orig.SharePct, RatePct: orig.RatePct, Amount: -pctOf(c, basis, orig.RatePct),
				Status: ClawedBack, Rule: orig.Rule, Excluded: orig.Excluded, CreatedAt: now,
				Figures: fmt.Sprintf("credit note %s: %s credited × %s%% share × %s%% (the rate earned on %s)", cn.Number, c.Format(c.FromMinor(credited)),
					orig.SharePct, orig.RatePct, cn.InvoiceNumber)})
		}
	}
	if len(lines) == 0 {
		return nil
	}
	books, err := s.ledger.Open(ctx, st, cn.IssueDate)
	if err != nil {
		return err
	}
	return s.record(ctx, st, books, lines, "credit_note", cn.ID, "clawback", cn.IssueDate, cn.Currency, "Commission clawback on credit note "+cn.Number)
}

// AuditStore is what the invariant check reads of commissions.
type AuditStore interface {
	// CommissionBreaches describes every commission posting that differs
	// from its lines, every line with an amount but no posting, and every
	// currency whose commissions payable differs from lines less payouts.
	CommissionBreaches(ctx context.Context) ([]string, error)
}
