package ledger_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/quotient-cpq/quotient"
	. "github.com/quotient-cpq/quotient/app/apptest"
	"github.com/quotient-cpq/quotient/ledger"
	"github.com/quotient-cpq/quotient/store"
)

func manual(lines ...ledger.ManualLine) ledger.ManualEntry {
	return ledger.ManualEntry{Date: quotient.NewDate(2026, 3, 2), Memo: "test", Currency: "USD", Lines: lines}
}

func dr(code, amount string) ledger.ManualLine {
	return ledger.ManualLine{AccountCode: code, Debit: D(amount)}
}
func cr(code, amount string) ledger.ManualLine {
	return ledger.ManualLine{AccountCode: code, Credit: D(amount)}
}

// fields names every field an error points at, in order.
func fields(err error) string {
	var e *quotient.Error
	if !errors.As(err, &e) {
		return ""
	}
	var out []string
	for _, f := range e.Fields {
		out = append(out, f.Field)
	}
	if len(out) == 0 {
		out = append(out, e.Field)
	}
	return strings.Join(out, ",")
}

// A balanced entry is stored in minor units as written; unbalanced,
// negative, doubled and over-precise lines are refused naming each line;
// only finance and admins post.
func TestPostingValidatesAndStores(t *testing.T) {
	t.Parallel()
	Each(t, func(t *testing.T, w *World) {
		e := Must(w.App.PostJournalEntry(w.Finance, manual(dr("1000", "1234.56"), cr("3000", "1000"), cr("4000", "234.56"))))(t)
		want := []ledger.Line{{AccountCode: "1000", Currency: "USD", Debit: 123456}, {AccountCode: "3000", Currency: "USD", Credit: 100000},
			{AccountCode: "4000", Currency: "USD", Credit: 23456}}
		got := Must(w.App.JournalEntry(w.Finance, e.ID))(t)
		if len(got.Lines) != 3 || got.SourceType != "manual" || got.PostedBy != w.Users["finance"].ID {
			t.Fatalf("stored: %+v", got)
		}
		for i := range want {
			if l := got.Lines[i]; l.AccountCode != want[i].AccountCode || l.Debit != want[i].Debit || l.Credit != want[i].Credit {
				t.Errorf("line %d: got %+v, want %+v", i, l, want[i])
			}
		}
		for _, c := range []struct {
			name  string
			in    ledger.ManualEntry
			code  quotient.Code
			field string
		}{
			{"unbalanced", manual(dr("1000", "100"), cr("4000", "99.99")), quotient.Unprocessable, "lines"},
			{"one line", manual(dr("1000", "100")), quotient.Unprocessable, "lines,lines"},
			{"negative", manual(dr("1000", "-5"), cr("4000", "-5")), quotient.Unprocessable, "lines[0],lines[1]"},
			{"both sides", manual(ledger.ManualLine{AccountCode: "1000", Debit: D("5"), Credit: D("5")}, cr("4000", "5")), quotient.Unprocessable, "lines[0],lines"},
			{"cents of cents", manual(dr("1000", "1.005"), cr("4000", "1.005")), quotient.Unprocessable, "lines[0],lines[1]"},
			{"no such account", manual(dr("9999", "5"), cr("4000", "5")), quotient.Unprocessable, "lines[0].account_code,lines"},
			{"before 1900", ledger.ManualEntry{Date: quotient.NewDate(1899, 12, 31), Currency: "USD", Lines: []ledger.ManualLine{dr("1000", "5"), cr("4000", "5")}}, quotient.Unprocessable, "date"},
		} {
			_, err := w.App.PostJournalEntry(w.Finance, c.in)
			if quotient.ErrorCode(err) != c.code || fields(err) != c.field {
				t.Errorf("%s: %v (fields %q), want %s naming %q", c.name, err, fields(err), c.code, c.field)
			}
		}
		if _, err := w.App.PostJournalEntry(w.Rep, manual(dr("1000", "5"), cr("4000", "5"))); quotient.ErrorCode(err) != quotient.Forbidden {
			t.Errorf("a rep posted: %v", err)
		}
		tb := Must(w.App.TrialBalance(w.Finance, quotient.NewDate(2026, 3, 31), "USD"))(t)
		if tb.TotalDebit.String() != "1234.56" || tb.TotalCredit.String() != "1234.56" || len(tb.Rows) != 3 {
			t.Errorf("trial balance after one entry: %s / %s in %d rows", tb.TotalDebit, tb.TotalCredit, len(tb.Rows))
		}
	})
}

// A closed month refuses postings dated in it (409 naming date), logged;
// reopening is an admin's, with a reason.
func TestClosedPeriodRefusesPostings(t *testing.T) {
	t.Parallel()
	Each(t, func(t *testing.T, w *World) {
		Must(w.App.ClosePeriod(w.Finance, "2026-03", "March is done", false))(t)
		_, err := w.App.PostJournalEntry(w.Finance, manual(dr("1000", "5"), cr("4000", "5")))
		if quotient.ErrorCode(err) != quotient.Conflict || fields(err) != "date" {
			t.Errorf("posting into a closed month: %v, want a conflict naming date", err)
		}
		if _, err := w.App.ReopenPeriod(w.Finance, "2026-03", "oops"); quotient.ErrorCode(err) != quotient.Forbidden {
			t.Errorf("finance reopened: %v", err)
		}
		if _, err := w.App.ReopenPeriod(w.Admin, "2026-03", " "); quotient.ErrorCode(err) != quotient.Unprocessable {
			t.Errorf("reopened without a reason: %v", err)
		}
		h := Must(w.App.ReopenPeriod(w.Admin, "2026-03", "late invoice"))(t)
		if h.Period.Status != ledger.PeriodOpen || len(h.Events) != 2 || h.Events[1].Action != "reopen" || h.Events[1].Reason != "late invoice" {
			t.Errorf("history after close and reopen: %+v", h)
		}
		Must(w.App.PostJournalEntry(w.Finance, manual(dr("1000", "5"), cr("4000", "5"))))(t)
	})
}

// A reversal is the mirror image of its entry, posted once; reversing a
// reversal or reversing twice is a conflict; the account ledger runs the
// balance through both.
func TestReversalMirrorsOnce(t *testing.T) {
	t.Parallel()
	Each(t, func(t *testing.T, w *World) {
		e := Must(w.App.PostJournalEntry(w.Finance, manual(dr("1000", "80"), cr("4000", "80"))))(t)
		r := Must(w.App.ReverseJournalEntry(w.Finance, e.ID, quotient.NewDate(2026, 3, 3), ""))(t)
		if r.ReversalOf != e.ID || r.Lines[0].AccountCode != "1000" || r.Lines[0].Credit != 8000 || r.Lines[1].Debit != 8000 || r.Memo != "Reversal of "+e.ID {
			t.Errorf("reversal: %+v", r)
		}
		if _, err := w.App.ReverseJournalEntry(w.Finance, e.ID, quotient.Date{}, ""); quotient.ErrorCode(err) != quotient.Conflict {
			t.Errorf("reversing twice: %v", err)
		}
		if _, err := w.App.ReverseJournalEntry(w.Finance, r.ID, quotient.Date{}, ""); quotient.ErrorCode(err) != quotient.Conflict {
			t.Errorf("reversing a reversal: %v", err)
		}
		l := Must(w.App.AccountLedger(w.Finance, "1000", "USD", quotient.NewDate(2026, 3, 1), quotient.NewDate(2026, 3, 31)))(t)
		if len(l.Rows) != 2 || l.Rows[0].Balance.String() != "80" || !l.Rows[1].Balance.IsZero() || !l.Closing.IsZero() {
			t.Errorf("cash ledger: %+v", l)
		}
	})
}

// A posting rule's entry posts once per source and event: a repeat returns
// the first, in the same books.
func TestPostOnceReturnsTheFirst(t *testing.T) {
	t.Parallel()
	Each(t, func(t *testing.T, w *World) {
		ctx := context.Background()
		in := ledger.EntryInput{Date: quotient.NewDate(2026, 3, 2), Currency: "USD", SourceType: "test", SourceID: "doc-1", Event: "post",
			Lines: []ledger.LineInput{{AccountCode: "1100", Debit: 500}, {AccountCode: "4000", Credit: 500}}}
		var first, second ledger.Entry
		var made, again bool
		if err := w.DB.InTx(ctx, func(tx *store.Tx) error {
			var err error
			if first, made, err = w.Services.Ledger.PostOnce(ctx, tx, in, "system"); err != nil {
				return err
			}
			second, again, err = w.Services.Ledger.PostOnce(ctx, tx, in, "system")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if !made || again || first.ID != second.ID {
			t.Errorf("posted %v then %v: %s and %s, want one entry", made, again, first.ID, second.ID)
		}
		in.Date = quotient.NewDate(2026, 4, 1)
		err := w.DB.InTx(ctx, func(tx *store.Tx) error {
			b, err := w.Services.Ledger.Open(ctx, tx, quotient.NewDate(2026, 3, 2))
			if err != nil {
				return err
			}
			_, _, err = w.Services.Ledger.Record(ctx, tx, b, in, "system")
			return err
		})
		if err == nil || !strings.Contains(err.Error(), "books of 2026-03") {
			t.Errorf("an April entry in March's books: %v", err)
		}
	})
}
