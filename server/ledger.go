package server

import (
	"context"
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/app"
	"github.com/quotient-cpq/quotient/ledger"
)

// LedgerAccountJSON is an account of the chart.
type LedgerAccountJSON struct {
	Code      string    `json:"code"`
	Name      string    `json:"name"`
	Type      string    `json:"type" enum:"asset,liability,equity,revenue,expense"`
	Family    string    `json:"family"`
	Active    bool      `json:"active"`
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// LedgerAccountRequest creates an account (code, name, type) or changes one
// (name, family, active).
type LedgerAccountRequest struct {
	Code   *string `json:"code" maxLength:"20"`
	Name   *string `json:"name" maxLength:"200"`
	Type   *string `json:"type" enum:"asset,liability,equity,revenue,expense"`
	Family *string `json:"family" maxLength:"50"`
	Active *bool   `json:"active"`
}

func ledgerAccountJSON(a ledger.Account) LedgerAccountJSON {
	return LedgerAccountJSON{Code: a.Code, Name: a.Name, Type: string(a.Type), Family: a.Family, Active: a.Active, Version: a.Version,
		CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt}
}

func (r LedgerAccountRequest) input() (ledger.Account, error) {
	if r.Active != nil && !*r.Active {
		return ledger.Account{}, quotient.FieldErrorf(quotient.Unprocessable, "active", "a new account is active; deactivate it afterwards")
	}
	return ledger.Account{Code: strOr(r.Code), Name: strOr(r.Name), Type: ledger.Type(strOr(r.Type)), Family: strOr(r.Family)}, nil
}

func (r LedgerAccountRequest) patch() (ledger.AccountPatch, error) {
	p := quotient.Problems{}
	if r.Code != nil {
		p.Add("code", "an account's code never changes; create a new account")
	}
	if r.Type != nil {
		p.Add("type", "an account's type never changes; create a new account")
	}
	return ledger.AccountPatch{Name: r.Name, Family: r.Family, Active: r.Active}, p.Err()
}

// JournalLineJSON is one side of an entry. Exactly one of debit and credit
// is non-zero, but on a line of an exchange difference, which moves the
// base amount only; base_debit and base_credit are the line in the base
// currency (base_currency) at the rate of the entry's date.
type JournalLineJSON struct {
	AccountCode  string `json:"account_code"`
	Currency     string `json:"currency"`
	Debit        string `json:"debit" format:"decimal"`
	Credit       string `json:"credit" format:"decimal"`
	BaseCurrency string `json:"base_currency"`
	BaseDebit    string `json:"base_debit" format:"decimal"`
	BaseCredit   string `json:"base_credit" format:"decimal"`
	Memo         string `json:"memo"`
}

// JournalEntryJSON is a posted entry.
type JournalEntryJSON struct {
	ID         string            `json:"id"`
	Date       string            `json:"date" format:"date"`
	Memo       string            `json:"memo"`
	SourceType string            `json:"source_type"`
	SourceID   string            `json:"source_id"`
	Event      string            `json:"event"`
	ReversalOf *string           `json:"reversal_of"`
	ReversedBy *string           `json:"reversed_by"`
	PostedBy   string            `json:"posted_by"`
	CreatedAt  time.Time         `json:"created_at"`
	Lines      []JournalLineJSON `json:"lines"`
}

func journalEntryJSON(e ledger.Entry) JournalEntryJSON {
	out := JournalEntryJSON{ID: e.ID, Date: e.Date.String(), Memo: e.Memo, SourceType: e.SourceType, SourceID: e.SourceID, Event: e.Event,
		ReversalOf: optStr(e.ReversalOf), ReversedBy: optStr(e.ReversedBy), PostedBy: e.PostedBy, CreatedAt: e.CreatedAt,
		Lines: []JournalLineJSON{}}
	for _, l := range e.Lines {
		out.Lines = append(out.Lines, JournalLineJSON{AccountCode: l.AccountCode, Currency: l.Currency, Debit: fmtMinor(l.Debit, l.Currency),
			Credit: fmtMinor(l.Credit, l.Currency), BaseCurrency: e.Base, BaseDebit: fmtMinor(l.BaseDebit, e.Base), BaseCredit: fmtMinor(l.BaseCredit, e.Base),
			Memo: l.Memo})
	}
	return out
}

// JournalLineRequest is a line to post: a debit or a credit.
type JournalLineRequest struct {
	AccountCode string `json:"account_code"`
	Currency    string `json:"currency"`
	Debit       *Dec   `json:"debit,omitempty"`
	Credit      *Dec   `json:"credit,omitempty"`
	Memo        string `json:"memo" maxLength:"500"`
}

// JournalEntryRequest posts a manual entry. currency applies to lines that
// name none.
type JournalEntryRequest struct {
	Date       string               `json:"date" format:"date"`
	Memo       string               `json:"memo" maxLength:"500"`
	Currency   string               `json:"currency"`
	SourceType string               `json:"source_type" maxLength:"50"`
	SourceID   string               `json:"source_id" maxLength:"100"`
	Lines      []JournalLineRequest `json:"lines"`
}

func (r JournalEntryRequest) input() (ledger.ManualEntry, error) {
	p := quotient.Problems{}
	in := ledger.ManualEntry{Date: p.Date("date", r.Date, quotient.Optional), Memo: r.Memo, Currency: r.Currency, SourceType: r.SourceType, SourceID: r.SourceID}
	for i, l := range r.Lines {
		f := fmt.Sprintf("lines[%d]", i)
		in.Lines = append(in.Lines, ledger.ManualLine{AccountCode: l.AccountCode, Currency: l.Currency, Memo: l.Memo,
			Debit: l.Debit.Value(&p, f+".debit"), Credit: l.Credit.Value(&p, f+".credit")})
	}
	return in, p.Err()
}

// ReverseRequest dates and describes a reversal.
type ReverseRequest struct {
	Date string `json:"date" format:"date"`
	Memo string `json:"memo" maxLength:"500"`
}

// PeriodRequest says why a period is closed or reopened.
type PeriodRequest struct {
	Reason string `json:"reason" maxLength:"2000"`
	// Override closes a month over open blocking items of its close
	// checklist (admins, with a reason).
	Override bool `json:"override"`
}

// PeriodEventJSON is a close or reopen.
type PeriodEventJSON struct {
	Action  string    `json:"action" enum:"close,reopen"`
	Reason  string    `json:"reason"`
	ActorID string    `json:"actor_id"`
	At      time.Time `json:"at"`
}

// PeriodJSON is a month of the ledger with its history.
type PeriodJSON struct {
	Period  string            `json:"period"`
	Status  string            `json:"status" enum:"open,closed"`
	History []PeriodEventJSON `json:"history"`
}

// TrialRowJSON is an account's net balance.
type TrialRowJSON struct {
	AccountCode string `json:"account_code"`
	Name        string `json:"name"`
	Type        string `json:"type"`
	Debit       string `json:"debit" format:"decimal"`
	Credit      string `json:"credit" format:"decimal"`
}

// TrialBalanceJSON is the trial balance of one currency as of a date.
type TrialBalanceJSON struct {
	AsOf        string         `json:"as_of" format:"date"`
	Currency    string         `json:"currency"`
	InBase      bool           `json:"in_base"`
	Rows        []TrialRowJSON `json:"rows"`
	TotalDebit  string         `json:"total_debit" format:"decimal"`
	TotalCredit string         `json:"total_credit" format:"decimal"`
	Balanced    bool           `json:"balanced"`
}

// AccountLedgerRowJSON is a posting with the balance after it.
type AccountLedgerRowJSON struct {
	Date    string `json:"date" format:"date"`
	EntryID string `json:"entry_id"`
	Memo    string `json:"memo"`
	Debit   string `json:"debit" format:"decimal"`
	Credit  string `json:"credit" format:"decimal"`
	Balance string `json:"balance" format:"decimal"`
}

// AccountLedgerJSON is an account's postings with a running balance
// (debit positive).
type AccountLedgerJSON struct {
	AccountCode    string                 `json:"account_code"`
	Name           string                 `json:"name"`
	Currency       string                 `json:"currency"`
	InBase         bool                   `json:"in_base"`
	From           string                 `json:"from" format:"date"`
	To             string                 `json:"to" format:"date"`
	OpeningBalance string                 `json:"opening_balance" format:"decimal"`
	Rows           []AccountLedgerRowJSON `json:"rows"`
	ClosingBalance string                 `json:"closing_balance" format:"decimal"`
}

var ledgerAccountView = view[ledger.Account, LedgerAccountJSON]{version: func(a ledger.Account) int { return a.Version }, json: ledgerAccountJSON}

func (s *Server) listLedgerAccounts() fiber.Handler {
	return listOf(func(a ledger.Account) string { return a.Code }, ledgerAccountJSON, nil,
		func(ctx context.Context, c *fiber.Ctx, p quotient.Page, _ map[string]string) ([]ledger.Account, error) {
			as, err := s.app.LedgerAccounts(ctx)
			return pageAfter(as, func(a ledger.Account) string { return a.Code }, p), err
		})
}

func (s *Server) createLedgerAccount() fiber.Handler {
	return createOne(ledgerAccountView, LedgerAccountRequest.input, func(a ledger.Account) string { return v1 + "/ledger/accounts/" + a.Code },
		func(ctx context.Context, c *fiber.Ctx, in ledger.Account) (ledger.Account, error) {
			return s.app.CreateLedgerAccount(ctx, in)
		})
}

func (s *Server) getLedgerAccount() fiber.Handler {
	return getOne(ledgerAccountView, func(ctx context.Context, c *fiber.Ctx) (ledger.Account, error) {
		return s.app.LedgerAccount(ctx, c.Params("code"))
	})
}

func (s *Server) patchLedgerAccount() fiber.Handler {
	return patchOne(ledgerAccountView, LedgerAccountRequest.patch, func(ctx context.Context, c *fiber.Ctx, v int, p ledger.AccountPatch) (ledger.Account, error) {
		return s.app.UpdateLedgerAccount(ctx, c.Params("code"), v, p)
	})
}

func (s *Server) listJournalEntries() fiber.Handler {
	return listOf(func(e ledger.Entry) string { return e.ID }, journalEntryJSON, []string{"source_type", "source_id", "from", "to"},
		func(ctx context.Context, c *fiber.Ctx, p quotient.Page, f map[string]string) ([]ledger.Entry, error) {
			d, err := queryDays(f, "from", "to")
			if err != nil {
				return nil, err
			}
			return s.app.JournalEntries(ctx, ledger.EntryFilter{SourceType: f["source_type"], SourceID: f["source_id"], From: d[0], To: d[1],
				Page: p})
		})
}

func (s *Server) postJournalEntry() fiber.Handler {
	return func(c *fiber.Ctx) error {
		in, err := decodeWith(c, JournalEntryRequest.input)
		if err != nil {
			return err
		}
		return commit(c, func(ctx context.Context) (ledger.Entry, error) {
			return s.app.PostJournalEntry(ctx, in)
		}, func(e ledger.Entry) response {
			return response{status: fiber.StatusCreated, location: v1 + "/ledger/entries/" + e.ID, body: journalEntryJSON(e)}
		})
	}
}

func (s *Server) getJournalEntry() fiber.Handler {
	return func(c *fiber.Ctx) error {
		e, err := s.app.JournalEntry(c.UserContext(), c.Params("id"))
		if err != nil {
			return err
		}
		return send(c, fiber.StatusOK, 0, journalEntryJSON(e))
	}
}

func (s *Server) reverseJournalEntry() fiber.Handler {
	return func(c *fiber.Ctx) error {
		req, err := decodeOptional[ReverseRequest](c)
		if err != nil {
			return err
		}
		p := quotient.Problems{}
		date := p.Date("date", req.Date, quotient.Optional)
		if err := p.Err(); err != nil {
			return err
		}
		return commit(c, func(ctx context.Context) (ledger.Entry, error) {
			return s.app.ReverseJournalEntry(ctx, c.Params("id"), date, req.Memo)
		}, func(e ledger.Entry) response {
			return response{status: fiber.StatusCreated, location: v1 + "/ledger/entries/" + e.ID, body: journalEntryJSON(e)}
		})
	}
}

func periodJSON(h app.PeriodHistory) PeriodJSON {
	out := PeriodJSON{Period: h.Period.Period, Status: h.Period.Status, History: []PeriodEventJSON{}}
	for _, e := range h.Events {
		out.History = append(out.History, PeriodEventJSON{Action: e.Action, Reason: e.Reason, ActorID: e.ActorID, At: e.At})
	}
	return out
}

// setPeriod closes or reopens a month.
func (s *Server) setPeriod(fn func(ctx context.Context, period, reason string) (app.PeriodHistory, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		req, err := decodeOptional[PeriodRequest](c)
		if err != nil {
			return err
		}
		return commit(c, func(ctx context.Context) (app.PeriodHistory, error) {
			return fn(ctx, c.Params("period"), req.Reason)
		}, func(h app.PeriodHistory) response { return response{status: fiber.StatusOK, body: periodJSON(h)} })
	}
}

func (s *Server) closePeriod() fiber.Handler {
	return func(c *fiber.Ctx) error {
		req, err := decodeOptional[PeriodRequest](c)
		if err != nil {
			return err
		}
		return commit(c, func(ctx context.Context) (app.PeriodHistory, error) {
			return s.app.ClosePeriod(ctx, c.Params("period"), req.Reason, req.Override)
		}, func(h app.PeriodHistory) response { return response{status: fiber.StatusOK, body: periodJSON(h)} })
	}
}

func (s *Server) getPeriod() fiber.Handler {
	return func(c *fiber.Ctx) error {
		h, err := s.app.Period(c.UserContext(), c.Params("period"))
		if err != nil {
			return err
		}
		return send(c, fiber.StatusOK, 0, periodJSON(h))
	}
}

func (s *Server) trialBalance() fiber.Handler {
	return func(c *fiber.Ctx) error {
		_, f, err := parseList(c, "as_of", "currency", "basis")
		if err != nil {
			return err
		}
		d, err := queryDays(f, "as_of")
		if err != nil {
			return err
		}
		tbs, err := s.app.TrialBalanceAll(c.UserContext(), d[0], f["currency"], f["basis"])
		if err != nil {
			return err
		}
		secs := mapSlice(tbs, trialBalanceJSON)
		asOf := d[0]
		if asOf.IsZero() {
			asOf = s.app.Today()
		}
		return sendReport(c, report[TrialBalanceJSON]{named: single(f), sections: secs, csvName: "trial-balance-" + csvView(f) + "-" + asOf.String(),
			header:   []string{"account_code", "name", "type", "debit", "credit"},
			currency: func(t TrialBalanceJSON) string { return t.Currency },
			wrap:     func(s []TrialBalanceJSON) any { return TrialBalanceReportJSON{AsOf: asOf.String(), Sections: s} },
			rows: func(out TrialBalanceJSON) [][]string {
				rows := make([][]string, 0, len(out.Rows)+1)
				for _, r := range out.Rows {
					rows = append(rows, []string{r.AccountCode, r.Name, r.Type, r.Debit, r.Credit})
				}
				return append(rows, []string{"", "Total", "", out.TotalDebit, out.TotalCredit})
			}})
	}
}

func trialBalanceJSON(tb ledger.TrialBalance) TrialBalanceJSON {
	cur, _ := quotient.LookupCurrency(tb.Currency)
	out := TrialBalanceJSON{AsOf: tb.AsOf.String(), Currency: tb.Currency, InBase: tb.InBase, Rows: []TrialRowJSON{}, TotalDebit: cur.Format(tb.TotalDebit),
		TotalCredit: cur.Format(tb.TotalCredit), Balanced: tb.TotalDebit.Equal(tb.TotalCredit)}
	for _, r := range tb.Rows {
		out.Rows = append(out.Rows, TrialRowJSON{AccountCode: r.Account.Code, Name: r.Account.Name, Type: string(r.Account.Type),
			Debit: cur.Format(r.Debit), Credit: cur.Format(r.Credit)})
	}
	return out
}

// TrialBalanceReportJSON is the trial balance of every currency the
// journal holds, when none is named.
type TrialBalanceReportJSON struct {
	AsOf     string             `json:"as_of" format:"date"`
	Sections []TrialBalanceJSON `json:"sections"`
}

func (s *Server) accountLedger() fiber.Handler {
	return func(c *fiber.Ctx) error {
		_, f, err := parseList(c, "currency", "from", "to")
		if err != nil {
			return err
		}
		d, err := queryDays(f, "from", "to")
		if err != nil {
			return err
		}
		l, err := s.app.AccountLedger(c.UserContext(), c.Params("code"), f["currency"], d[0], d[1])
		if err != nil {
			return err
		}
		cur, _ := quotient.LookupCurrency(l.Currency)
		out := AccountLedgerJSON{AccountCode: l.Account.Code, Name: l.Account.Name, Currency: l.Currency, InBase: l.InBase, From: l.From.String(), To: l.To.String(),
			OpeningBalance: cur.Format(l.Opening), Rows: []AccountLedgerRowJSON{}, ClosingBalance: cur.Format(l.Closing)}
		for _, r := range l.Rows {
			out.Rows = append(out.Rows, AccountLedgerRowJSON{Date: r.Date.String(), EntryID: r.EntryID, Memo: r.Memo, Debit: cur.Format(r.DebitAmount),
				Credit: cur.Format(r.CreditAmount), Balance: cur.Format(r.Balance)})
		}
		if !wantsCSV(c) {
			return send(c, fiber.StatusOK, 0, out)
		}
		rows := [][]string{{out.From, "", "Opening balance", "", "", out.OpeningBalance}}
		for _, r := range out.Rows {
			rows = append(rows, []string{r.Date, r.EntryID, r.Memo, r.Debit, r.Credit, r.Balance})
		}
		return sendCSV(c, "ledger-"+out.AccountCode+"-"+out.Currency, []string{"date", "entry_id", "memo", "debit", "credit", "balance"}, rows)
	}
}
