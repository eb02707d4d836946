package billing

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/ledger"
)

// The statuses of a bank statement line.
const (
	LineMatched   = "matched"   // to a recorded payment (confirmed or not)
	LineProposed  = "proposed"  // as a new payment of open invoices, not yet confirmed
	LineUnmatched = "unmatched" // nothing found; finance names the account or ignores it
	LineIgnored   = "ignored"   // finance says it is not a customer payment (bank fees, transfers)
	LineSplit     = "split"     // replaced by the parts it was split into
)

// The formats a bank statement is imported from.
const (
	FormatCSV     = "csv"
	FormatCamt053 = "camt053"
)

// BankStatement is an imported bank statement of a cash account in one
// currency.
type BankStatement struct {
	ID           string
	AccountCode  string // the cash account of the chart it reconciles
	Currency     string
	Format       string
	Reference    string // the bank's statement id
	ContentHash  string // SHA-256 of the file: the same file imports once
	Opening      int64
	Closing      *int64 // the bank's closing balance, when the file has one
	ClosingDate  quotient.Date
	CreatedBy    string
	CreatedAt    time.Time
	Lines        []BankLine
	Duplicates   int   // lines of the file imported before with another file
	LedgerClosed int64 // the cash account's balance on the closing date, filled on reading
}

// BankLine is one booking on a bank statement. Amount is positive for
// money received.
type BankLine struct {
	ID           string
	StatementID  string
	LineNo       int
	BookedOn     quotient.Date
	Amount       int64
	Reference    string
	Counterparty string
	Description  string
	Key          string // what makes the line the same in another file
	Status       string
	PaymentID    string
	Confirmed    bool
	Reason       string // why it is matched or proposed
	Proposals    []Proposal
	SplitOf      string
	UpdatedAt    time.Time
}

// Done reports whether a line needs nothing more from finance.
func (l BankLine) Done() bool {
	return l.Status == LineIgnored || l.Status == LineSplit || l.Status == LineMatched && l.Confirmed
}

// Proposal is a payment a bank line could be: of an account, applied to
// its open invoices, with the reason it was proposed.
type Proposal struct {
	AccountID   string               `json:"account_id"`
	AccountName string               `json:"account_name"`
	Allocations []ProposedAllocation `json:"allocations"`
	Reason      string               `json:"reason"`
}

// ProposedAllocation is part of a proposal: an amount for an invoice.
type ProposedAllocation struct {
	InvoiceID string `json:"invoice_id"`
	Number    string `json:"number"`
	Amount    int64  `json:"amount"`
}

// CSVMapping names the columns of a bank's CSV export: date and either
// amount (signed) or credit and debit; the others are optional.
// DateFormat is a Go layout (2006-01-02 unless given); Decimal is the
// decimal separator ("." unless ",").
type CSVMapping struct {
	Date, Amount, Credit, Debit, Reference, Counterparty, Description string
	DateFormat, Decimal                                               string
}

// StatementInput is a bank statement to import. For CSV, Currency is
// required and Opening and Closing are the balances the bank states (a
// CSV export seldom carries them); camt.053 carries its own.
type StatementInput struct {
	AccountCode string
	Format      string
	Content     string
	Mapping     CSVMapping
	Currency    string
	Opening     *decimal.Decimal
	Closing     *decimal.Decimal
}

// OpenInvoice is an invoice still owed, as matching sees it.
type OpenInvoice struct {
	ID, Number, AccountID, AccountName string
	AmountDue                          int64
	DueDate                            quotient.Date
}

// UnmatchedPayment is a recorded payment no bank line is matched to yet.
type UnmatchedPayment struct {
	ID, AccountID, AccountName, Reference string
	Amount                                int64
	ReceivedOn                            quotient.Date
}

// BankStore is what bank reconciliation needs of storage.
type BankStore interface {
	PaymentStore
	// BankStatementByHash finds the statement imported from a file.
	BankStatementByHash(ctx context.Context, accountCode, hash string) (BankStatement, bool, error)
	InsertBankStatement(ctx context.Context, s BankStatement) error
	// InsertBankLines stores lines but those whose key the account has
	// already, and reports which it stored.
	InsertBankLines(ctx context.Context, accountCode, currency string, ls []BankLine) ([]bool, error)
	GetBankStatement(ctx context.Context, id string) (BankStatement, error)
	ListBankStatements(ctx context.Context, p quotient.Page) ([]BankStatement, error)
	GetBankLine(ctx context.Context, statementID, lineID string) (BankLine, error)
	UpdateBankLine(ctx context.Context, l BankLine) error
	// OpenInvoicesIn lists every invoice in a currency with an amount due.
	OpenInvoicesIn(ctx context.Context, currency string) ([]OpenInvoice, error)
	// UnmatchedPayments lists payments in a currency received between two
	// dates that no bank line is matched to.
	UnmatchedPayments(ctx context.Context, currency string, from, to quotient.Date) ([]UnmatchedPayment, error)
	// BankLinesBetween lists the lines booked between two dates (inclusive)
	// of every statement, parts of split lines included.
	BankLinesBetween(ctx context.Context, from, to quotient.Date) ([]BankLine, error)
}

// MaxBankLines bounds one statement.
const MaxBankLines = 50000

// matchWindow is how far a payment's date may be from the bank's booking
// date for the two to match.
const matchWindow = 7

// ImportStatement reads a bank statement, stores its lines and matches
// each: to a recorded payment of the same amount near its date (the
// reference deciding between several), or proposes a new payment of open
// invoices found by invoice number, amount or customer name, with the
// reason; the rest is unmatched (finance). Importing a file again answers
// the statement it made, adding nothing; a line another file brought
// already is counted as a duplicate and left out.
func (s *Service) ImportStatement(ctx context.Context, st BankStore, in StatementInput) (BankStatement, bool, error) {
	a, err := requireFinanceWrite(ctx)
	if err != nil {
		return BankStatement{}, false, err
	}
	p := quotient.Problems{}
	books, err := s.ledger.Books(ctx, st, quotient.DateOf(s.now()))
	if err != nil {
		return BankStatement{}, false, err
	}
	if in.AccountCode == "" {
		in.AccountCode = ledger.Cash
	}
	if acc, ok := books.Account(in.AccountCode); !ok || acc.Type != ledger.Asset {
		p.Add("account_code", "name an asset account of the chart for the bank (such as %s)", ledger.Cash)
	}
	p.OneOf("format", in.Format, FormatCSV, FormatCamt053)
	if strings.TrimSpace(in.Content) == "" {
		p.Add("content", "is the statement file's text")
	} else if len(in.Content) > 32<<20 {
		p.Add("content", "at most 32 MiB")
	}
	if err := p.Err(); err != nil {
		return BankStatement{}, false, err
	}
	sum := sha256.Sum256([]byte(in.Content))
	hash := hex.EncodeToString(sum[:])
	if prev, ok, err := st.BankStatementByHash(ctx, in.AccountCode, hash); err != nil || ok {
		return prev, false, err
	}
	var bs BankStatement
	if in.Format == FormatCSV {
		bs, err = parseCSV(in)
	} else {
		bs, err = parseCamt(in.Content)
	}
	if err != nil {
		return BankStatement{}, false, err
	}
	now := s.now().UTC()
	bs.ID, bs.AccountCode, bs.Format, bs.ContentHash, bs.CreatedBy, bs.CreatedAt = quotient.NewID("bst"), in.AccountCode, in.Format, hash, a.UserID, now
	if err := st.InsertBankStatement(ctx, bs); err != nil {
		return BankStatement{}, false, err
	}
	lines := bs.Lines
	bs.Lines = nil
	m, err := s.matcher(ctx, st, bs.Currency, lines)
	if err != nil {
		return BankStatement{}, false, err
	}
	for i := range lines {
		l := &lines[i]
		l.ID, l.StatementID, l.LineNo, l.UpdatedAt = quotient.NewID("bln"), bs.ID, i+1, now
		m.match(l)
	}
	stored, err := st.InsertBankLines(ctx, bs.AccountCode, bs.Currency, lines)
	if err != nil {
		return BankStatement{}, false, err
	}
	for i, l := range lines {
		if stored[i] {
			bs.Lines = append(bs.Lines, l)
		} else {
			bs.Duplicates++
		}
	}
	if bs.Duplicates > 0 {
		// A line another file brought is left out; what it matched is
		// matched again without it.
		m, err = s.matcher(ctx, st, bs.Currency, bs.Lines)
		if err != nil {
			return BankStatement{}, false, err
		}
		for i := range bs.Lines {
			m.match(&bs.Lines[i])
			if err := st.UpdateBankLine(ctx, bs.Lines[i]); err != nil {
				return BankStatement{}, false, err
			}
		}
	}
	return bs, true, s.ledgerClosed(ctx, st, &bs)
}

// matcher holds what a statement's lines are matched against: the
// currency's payments not yet matched and its open invoices, indexed.
type matcher struct {
	currency  quotient.Currency
	payments  map[int64][]UnmatchedPayment // by amount
	taken     map[string]bool              // payments matched by this statement's lines
	byNumber  map[string]OpenInvoice
	byAmount  map[int64][]OpenInvoice
	byAccount map[string][]OpenInvoice // oldest due first
	names     map[string][]accountName // by first word, longest first
	promised  map[string]int64         // invoice → proposed by earlier lines of this statement
}

type accountName struct {
	id, name, norm string
}

var invoiceNumberRE = regexp.MustCompile(`(?i)\bINV-\d{4}-\d{6}\b`)

func (s *Service) matcher(ctx context.Context, st BankStore, currency string, lines []BankLine) (*matcher, error) {
	c, _ := quotient.LookupCurrency(currency)
	m := &matcher{currency: c, payments: map[int64][]UnmatchedPayment{}, taken: map[string]bool{}, byNumber: map[string]OpenInvoice{},
		byAmount: map[int64][]OpenInvoice{}, byAccount: map[string][]OpenInvoice{}, names: map[string][]accountName{}, promised: map[string]int64{}}
	if len(lines) == 0 {
		return m, nil
	}
	from, to := lines[0].BookedOn, lines[0].BookedOn
	for _, l := range lines {
		if l.BookedOn.Before(from) {
			from = l.BookedOn
		}
		if l.BookedOn.After(to) {
			to = l.BookedOn
		}
	}
	pays, err := st.UnmatchedPayments(ctx, currency, from.AddDays(-matchWindow), to.AddDays(matchWindow))
	if err != nil {
		return nil, err
	}
	for _, p := range pays {
		m.payments[p.Amount] = append(m.payments[p.Amount], p)
	}
	invs, err := st.OpenInvoicesIn(ctx, currency)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, inv := range invs {
		m.byNumber[strings.ToUpper(inv.Number)] = inv
		m.byAmount[inv.AmountDue] = append(m.byAmount[inv.AmountDue], inv)
		m.byAccount[inv.AccountID] = append(m.byAccount[inv.AccountID], inv)
		if !seen[inv.AccountID] {
			seen[inv.AccountID] = true
			if n := normName(inv.AccountName); len(n) >= 3 {
				first, _, _ := strings.Cut(n, " ")
				m.names[first] = append(m.names[first], accountName{inv.AccountID, inv.AccountName, n})
			}
		}
	}
	for _, list := range m.byAccount {
		sort.SliceStable(list, func(i, j int) bool { return list[i].DueDate.Before(list[j].DueDate) })
	}
	for _, ns := range m.names {
		sort.SliceStable(ns, func(i, j int) bool { return len(ns[i].norm) > len(ns[j].norm) })
	}
	return m, nil
}

// legalForms are left out of names before comparing them.
var legalForms = map[string]bool{"inc": true, "llc": true, "ltd": true, "gmbh": true, "ag": true, "sa": true, "sas": true, "bv": true, "nv": true,
	"plc": true, "co": true, "corp": true, "kk": true, "srl": true, "spa": true, "oy": true, "ab": true, "as": true}

// normName is a name in lower case, its words joined by single spaces,
// without punctuation or legal forms.
func normName(s string) string {
	words := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 127)
	})
	out := words[:0]
	for _, w := range words {
		if !legalForms[w] {
			out = append(out, w)
		}
	}
	return strings.Join(out, " ")
}

func (m *matcher) money(minor int64) string { return m.currency.Format(m.currency.FromMinor(minor)) }

// open is what of an invoice this statement has not proposed yet.
func (m *matcher) open(inv OpenInvoice) int64 { return inv.AmountDue - m.promised[inv.ID] }

// match decides a line's status, payment or proposals, and reason.
func (m *matcher) match(l *BankLine) {
	l.Status, l.Reason, l.Proposals, l.PaymentID = LineUnmatched, "", nil, ""
	if l.Amount <= 0 {
		l.Reason = "money paid out; customer payments only are matched (ignore it, or book it by hand)"
		return
	}
	text := strings.ToLower(l.Reference + " " + l.Description)
	// A recorded payment of the amount near the date: the one whose
	// reference the bank's text holds, else the nearest in date.
	var best *UnmatchedPayment
	for i, p := range m.payments[l.Amount] {
		if m.taken[p.ID] || absDays(p.ReceivedOn, l.BookedOn) > matchWindow {
			continue
		}
		refHit := p.Reference != "" && strings.Contains(text, strings.ToLower(p.Reference))
		switch {
		case best == nil,
			refHit && !(best.Reference != "" && strings.Contains(text, strings.ToLower(best.Reference))),
			absDays(p.ReceivedOn, l.BookedOn) < absDays(best.ReceivedOn, l.BookedOn) && !(best.Reference != "" && strings.Contains(text, strings.ToLower(best.Reference))):
			best = &m.payments[l.Amount][i]
		}
	}
	if best != nil {
		m.taken[best.ID] = true
		l.Status, l.PaymentID = LineMatched, best.ID
		l.Reason = fmt.Sprintf("payment of %s from %s received %s", m.money(l.Amount), best.AccountName, best.ReceivedOn)
		if best.Reference != "" && strings.Contains(text, strings.ToLower(best.Reference)) {
			l.Reason += ", reference " + best.Reference
		}
		return
	}
	// Invoice numbers in the text, applied in the order they appear.
	if nums := invoiceNumberRE.FindAllString(l.Reference+" "+l.Description, 20); len(nums) > 0 {
		if p, ok := m.byNumbers(nums, l.Amount); ok {
			m.propose(l, p)
			return
		}
	}
	// One open invoice of exactly the amount.
	var exact []OpenInvoice
	for _, inv := range m.byAmount[l.Amount] {
		if m.open(inv) == l.Amount {
			exact = append(exact, inv)
		}
	}
	if len(exact) == 1 {
		inv := exact[0]
		m.propose(l, Proposal{AccountID: inv.AccountID, AccountName: inv.AccountName, Allocations: []ProposedAllocation{{inv.ID, inv.Number, l.Amount}},
			Reason: fmt.Sprintf("the only open invoice of %s is %s of %s", m.money(l.Amount), inv.Number, inv.AccountName)})
		return
	}
	// The customer's name in the counterparty or the text: its open
	// invoices oldest due first (an invoice of the exact amount first).
	if n, ok := m.named(normName(l.Counterparty + " " + l.Description + " " + l.Reference)); ok {
		m.propose(l, m.byName(n, l.Amount, exact))
		return
	}
	if len(exact) > 1 {
		l.Reason = fmt.Sprintf("%d open invoices are of %s; name the customer", len(exact), m.money(l.Amount))
		for _, inv := range exact {
			l.Proposals = append(l.Proposals, Proposal{AccountID: inv.AccountID, AccountName: inv.AccountName,
				Allocations: []ProposedAllocation{{inv.ID, inv.Number, l.Amount}}, Reason: fmt.Sprintf("%s of %s is open for %s", inv.Number, inv.AccountName, m.money(l.Amount))})
		}
		return
	}
	l.Reason = "no recorded payment, invoice number, amount or customer name matches"
}

// named is the customer whose whole name the text holds, the longest
// when several do.
func (m *matcher) named(hay string) (accountName, bool) {
	words := strings.Fields(hay)
	var best accountName
	for i, w := range words {
		rest := strings.Join(words[i:], " ") + " "
		for _, n := range m.names[w] {
			if len(n.norm) > len(best.norm) && strings.HasPrefix(rest, n.norm+" ") {
				best = n
				break
			}
		}
	}
	return best, best.id != ""
}

func (m *matcher) byNumbers(nums []string, amount int64) (Proposal, bool) {
	left := amount
	var p Proposal
	var named []string
	for _, n := range nums {
		inv, ok := m.byNumber[strings.ToUpper(n)]
		if !ok || left == 0 || (p.AccountID != "" && inv.AccountID != p.AccountID) {
			continue
		}
		give := min(left, m.open(inv))
		if give <= 0 {
			continue
		}
		p.AccountID, p.AccountName = inv.AccountID, inv.AccountName
		p.Allocations = append(p.Allocations, ProposedAllocation{inv.ID, inv.Number, give})
		named = append(named, inv.Number)
		left -= give
	}
	if p.AccountID == "" {
		return p, false
	}
	p.Reason = "the reference names " + strings.Join(named, ", ") + " of " + p.AccountName
	if left > 0 {
		p.Reason += fmt.Sprintf("; %s more stays as the customer's credit", m.money(left))
	}
	return p, true
}

func (m *matcher) byName(n accountName, amount int64, exact []OpenInvoice) Proposal {
	p := Proposal{AccountID: n.id, AccountName: n.name}
	left := amount
	list := m.byAccount[n.id]
	for _, inv := range exact {
		if inv.AccountID == n.id {
			list = append([]OpenInvoice{inv}, list...)
			break
		}
	}
	used := map[string]bool{}
	for _, inv := range list {
		if left == 0 || used[inv.ID] {
			continue
		}
		used[inv.ID] = true
		if give := min(left, m.open(inv)); give > 0 {
			p.Allocations = append(p.Allocations, ProposedAllocation{inv.ID, inv.Number, give})
			left -= give
		}
	}
	p.Reason = "the payer is " + n.name + "; applied to its open invoices oldest due first"
	if left > 0 {
		p.Reason += fmt.Sprintf(", %s more stays as its credit", m.money(left))
	}
	return p
}

func (m *matcher) propose(l *BankLine, p Proposal) {
	for _, al := range p.Allocations {
		m.promised[al.InvoiceID] += al.Amount
	}
	l.Status, l.Reason, l.Proposals = LineProposed, p.Reason, []Proposal{p}
}

func absDays(a, b quotient.Date) int {
	d := a.DaysSince(b)
	if d < 0 {
		return -d
	}
	return d
}

// lineKey is what makes a booking the same in two files: its date, amount,
// references and text.
func lineKey(l BankLine, bankRef string) string {
	sum := sha256.Sum256([]byte(strings.Join([]string{l.BookedOn.String(), fmt.Sprint(l.Amount), bankRef, l.Reference, l.Counterparty, l.Description}, "\x1f")))
	return hex.EncodeToString(sum[:16])
}

// keyLines gives lines their keys; the same booking twice in one file (two
// equal transfers on a day) is told apart by its occurrence.
func keyLines(lines []BankLine, refs []string) {
	seen := map[string]int{}
	for i := range lines {
		k := lineKey(lines[i], refs[i])
		seen[k]++
		if seen[k] > 1 {
			k = fmt.Sprintf("%s#%d", k, seen[k])
		}
		lines[i].Key = k
	}
}

func parseAmount(c quotient.Currency, s, sep string) (int64, bool) {
	s = strings.TrimSpace(strings.ReplaceAll(s, " ", ""))
	if sep == "," {
		s = strings.ReplaceAll(strings.ReplaceAll(s, ".", ""), ",", ".")
	} else {
		s = strings.ReplaceAll(s, ",", "")
	}
	if s == "" {
		return 0, true
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return 0, false
	}
	return c.ToMinor(d)
}

func parseCSV(in StatementInput) (BankStatement, error) {
	p := quotient.Problems{}
	c, ok := quotient.LookupCurrency(strings.ToUpper(in.Currency))
	if !ok {
		p.Add("currency", "name the statement's currency (a CSV export does not say it)")
	}
	mp := in.Mapping
	if mp.Date == "" {
		p.Add("mapping.date", "name the column of the booking date")
	}
	if mp.Amount == "" && mp.Credit == "" {
		p.Add("mapping.amount", "name the column of the signed amount, or the credit (and debit) columns")
	}
	if mp.Decimal != "" && mp.Decimal != "." && mp.Decimal != "," {
		p.Add("mapping.decimal", "is . or ,")
	}
	layout := mp.DateFormat
	if layout == "" {
		layout = time.DateOnly
	}
	if err := p.Err(); err != nil {
		return BankStatement{}, err
	}
	content := strings.TrimPrefix(in.Content, "\ufeff")
	rd := csv.NewReader(strings.NewReader(content))
	rd.FieldsPerRecord = -1
	if first, _, _ := strings.Cut(content, "\n"); strings.Count(first, ";") > strings.Count(first, ",") {
		rd.Comma = ';'
	}
	rows, err := rd.ReadAll()
	if err != nil {
		return BankStatement{}, quotient.FieldErrorf(quotient.Invalid, "content", "not a CSV file: %v", err)
	}
	if len(rows) < 2 {
		return BankStatement{}, quotient.FieldErrorf(quotient.Invalid, "content", "needs a header row and at least one booking")
	}
	if len(rows)-1 > MaxBankLines {
		return BankStatement{}, quotient.FieldErrorf(quotient.Invalid, "content", "at most %d bookings in one statement", MaxBankLines)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	for field, name := range map[string]string{"date": mp.Date, "amount": mp.Amount, "credit": mp.Credit, "debit": mp.Debit, "reference": mp.Reference,
		"counterparty": mp.Counterparty, "description": mp.Description} {
		if _, ok := col[strings.ToLower(name)]; name != "" && !ok {
			p.Add("mapping."+field, "no column %q in the header (%s)", name, strings.Join(rows[0], ", "))
		}
	}
	if err := p.Err(); err != nil {
		return BankStatement{}, err
	}
	cell := func(row []string, name string) string {
		if i, ok := col[strings.ToLower(name)]; ok && name != "" && i < len(row) {
			return strings.TrimSpace(row[i])
		}
		return ""
	}
	bs := BankStatement{Currency: c.Code}
	var refs []string
	for n, row := range rows[1:] {
		f := fmt.Sprintf("content: row %d", n+2)
		t, err := time.Parse(layout, cell(row, mp.Date))
		if err != nil {
			p.Add(f, "date %q is not %s", cell(row, mp.Date), layout)
			continue
		}
		var amount int64
		var okA bool
		if mp.Amount != "" {
			amount, okA = parseAmount(c, cell(row, mp.Amount), mp.Decimal)
		} else {
			cr, ok1 := parseAmount(c, cell(row, mp.Credit), mp.Decimal)
			dr, ok2 := parseAmount(c, cell(row, mp.Debit), mp.Decimal)
			amount, okA = cr-abs(dr), ok1 && ok2
		}
		if !okA || amount == 0 {
			p.Add(f, "the amount is not a non-zero number with at most %d decimals", c.MinorUnits)
			continue
		}
		l := BankLine{BookedOn: quotient.DateOf(t), Amount: amount, Reference: clip(cell(row, mp.Reference), 200),
			Counterparty: clip(cell(row, mp.Counterparty), 200), Description: clip(cell(row, mp.Description), 500)}
		bs.Lines = append(bs.Lines, l)
		refs = append(refs, "")
		if l.BookedOn.After(bs.ClosingDate) {
			bs.ClosingDate = l.BookedOn
		}
	}
	if err := balances(&p, c, &bs, in.Opening, in.Closing); err != nil {
		return BankStatement{}, err
	}
	if err := p.Err(); err != nil {
		return BankStatement{}, err
	}
	keyLines(bs.Lines, refs)
	return bs, nil
}

func balances(p *quotient.Problems, c quotient.Currency, bs *BankStatement, opening, closing *decimal.Decimal) error {
	if opening != nil {
		v, ok := c.ToMinor(*opening)
		if !ok {
			p.Add("opening_balance", "at most %d decimals in %s", c.MinorUnits, c.Code)
		}
		bs.Opening = v
	}
	if closing != nil {
		v, ok := c.ToMinor(*closing)
		if !ok {
			p.Add("closing_balance", "at most %d decimals in %s", c.MinorUnits, c.Code)
		}
		bs.Closing = &v
	}
	return nil
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}

// camt is what Quotient reads of an ISO 20022 camt.053 statement (any
// version: elements are matched by local name).
type camt struct {
	Stmts []struct {
		ID   string `xml:"Id"`
		Acct struct {
			Ccy string `xml:"Ccy"`
		} `xml:"Acct"`
		Bals []struct {
			Code string     `xml:"Tp>CdOrPrtry>Cd"`
			Amt  camtAmount `xml:"Amt"`
			Ind  string     `xml:"CdtDbtInd"`
			Dt   string     `xml:"Dt>Dt"`
			DtTm string     `xml:"Dt>DtTm"`
		} `xml:"Bal"`
		Ntries []struct {
			Amt     camtAmount `xml:"Amt"`
			Ind     string     `xml:"CdtDbtInd"`
			Rvsl    string     `xml:"RvslInd"`
			Booked  string     `xml:"BookgDt>Dt"`
			BookedT string     `xml:"BookgDt>DtTm"`
			BankRef string     `xml:"AcctSvcrRef"`
			Info    string     `xml:"AddtlNtryInf"`
			Txs     []struct {
				EndToEnd string   `xml:"Refs>EndToEndId"`
				Ustrd    []string `xml:"RmtInf>Ustrd"`
				CdtrRef  string   `xml:"RmtInf>Strd>CdtrRefInf>Ref"`
				Dbtr     string   `xml:"RltdPties>Dbtr>Nm"`
				DbtrPty  string   `xml:"RltdPties>Dbtr>Pty>Nm"`
				Cdtr     string   `xml:"RltdPties>Cdtr>Nm"`
				CdtrPty  string   `xml:"RltdPties>Cdtr>Pty>Nm"`
			} `xml:"NtryDtls>TxDtls"`
		} `xml:"Ntry"`
	} `xml:"BkToCstmrStmt>Stmt"`
}

type camtAmount struct {
	Ccy   string `xml:"Ccy,attr"`
	Value string `xml:",chardata"`
}

func camtDate(d, dt string) (quotient.Date, bool) {
	if d == "" && len(dt) >= 10 {
		d = dt[:10]
	}
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(d))
	return quotient.DateOf(t), err == nil
}

func parseCamt(content string) (BankStatement, error) {
	var doc camt
	dec := xml.NewDecoder(bytes.NewReader([]byte(content)))
	dec.Strict = true
	if err := dec.Decode(&doc); err != nil {
		return BankStatement{}, quotient.FieldErrorf(quotient.Invalid, "content", "not a camt.053 statement: %v", err)
	}
	if len(doc.Stmts) != 1 {
		return BankStatement{}, quotient.FieldErrorf(quotient.Invalid, "content", "a camt.053 file of one statement (BkToCstmrStmt/Stmt) is expected; it has %d", len(doc.Stmts))
	}
	s := doc.Stmts[0]
	p := quotient.Problems{}
	cur := strings.ToUpper(s.Acct.Ccy)
	if cur == "" && len(s.Ntries) > 0 {
		cur = strings.ToUpper(s.Ntries[0].Amt.Ccy)
	}
	c, ok := quotient.LookupCurrency(cur)
	if !ok {
		return BankStatement{}, quotient.FieldErrorf(quotient.Invalid, "content", "the statement's account currency (Acct/Ccy) %q is unknown", cur)
	}
	if len(s.Ntries) > MaxBankLines {
		return BankStatement{}, quotient.FieldErrorf(quotient.Invalid, "content", "at most %d entries in one statement", MaxBankLines)
	}
	bs := BankStatement{Currency: c.Code, Reference: clip(s.ID, 100)}
	signed := func(a camtAmount, ind string) (int64, bool) {
		v, ok := parseAmount(c, a.Value, ".")
		if strings.EqualFold(ind, "DBIT") {
			v = -v
		}
		return v, ok && (a.Ccy == "" || strings.EqualFold(a.Ccy, c.Code))
	}
	for i, b := range s.Bals {
		v, ok := signed(b.Amt, b.Ind)
		d, okd := camtDate(b.Dt, b.DtTm)
		if !ok || !okd {
			p.Add("content", "balance %d (%s) has an amount or date Quotient cannot read", i+1, b.Code)
			continue
		}
		switch strings.ToUpper(b.Code) {
		case "OPBD", "PRCD":
			bs.Opening = v
		case "CLBD":
			bs.Closing, bs.ClosingDate = &v, d
		}
	}
	var refs []string
	for i, n := range s.Ntries {
		v, ok := signed(n.Amt, n.Ind)
		d, okd := camtDate(n.Booked, n.BookedT)
		if !ok || !okd || v == 0 {
			p.Add("content", "entry %d has an amount in %s or booking date Quotient cannot read", i+1, c.Code)
			continue
		}
		if strings.EqualFold(n.Rvsl, "true") {
			v = -v
		}
		l := BankLine{BookedOn: d, Amount: v, Description: n.Info}
		if len(n.Txs) > 0 {
			tx := n.Txs[0]
			l.Reference = firstOf(tx.CdtrRef, tx.EndToEnd)
			if l.Reference == "NOTPROVIDED" {
				l.Reference = ""
			}
			if u := strings.Join(tx.Ustrd, " "); u != "" {
				l.Description = strings.TrimSpace(u + " " + l.Description)
			}
			if v > 0 {
				l.Counterparty = firstOf(tx.Dbtr, tx.DbtrPty)
			} else {
				l.Counterparty = firstOf(tx.Cdtr, tx.CdtrPty)
			}
		}
		l.Reference, l.Counterparty, l.Description = clip(l.Reference, 200), clip(l.Counterparty, 200), clip(l.Description, 500)
		bs.Lines = append(bs.Lines, l)
		refs = append(refs, n.BankRef)
		if bs.Closing == nil && d.After(bs.ClosingDate) {
			bs.ClosingDate = d
		}
	}
	if err := p.Err(); err != nil {
		return BankStatement{}, err
	}
	keyLines(bs.Lines, refs)
	return bs, nil
}

func firstOf(ss ...string) string {
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	return ""
}
