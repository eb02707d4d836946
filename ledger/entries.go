package ledger

import (
	"context"

	"github.com/quotient-cpq/quotient"
)

// GetEntry returns an entry.
func (s *Service) GetEntry(ctx context.Context, st Store, id string) (Entry, error) {
	if _, err := mayRead(ctx); err != nil {
		return Entry{}, err
	}
	return st.GetJournalEntry(ctx, id)
}

// Entries lists entries by id (posting order).
func (s *Service) Entries(ctx context.Context, st Store, f EntryFilter) ([]Entry, error) {
	if _, err := mayRead(ctx); err != nil {
		return nil, err
	}
	return st.ListJournalEntries(ctx, f)
}

// Reverse posts the mirror image of an entry (debits and credits swapped),
// dated date (today when zero), once: reversing twice is a conflict.
func (s *Service) Reverse(ctx context.Context, st Store, id string, date quotient.Date, memo string) (Entry, error) {
	a, err := mayWrite(ctx)
	if err != nil {
		return Entry{}, err
	}
	orig, err := st.GetJournalEntry(ctx, id)
	if err != nil {
		return Entry{}, err
	}
	if orig.ReversalOf != "" {
		return Entry{}, quotient.Errorf(quotient.Conflict, "entry %s is itself a reversal; post a new entry instead", id)
	}
	if orig.ReversedBy != "" {
		return Entry{}, quotient.Errorf(quotient.Conflict, "entry %s was already reversed by %s", id, orig.ReversedBy)
	}
	if memo == "" {
		memo = "Reversal of " + id
	}
	if date.IsZero() {
		date = s.today()
	}
	in := EntryInput{Date: date, Memo: memo, SourceType: "reversal", SourceID: id, Event: "reverse"}
	for _, l := range orig.Lines {
		in.Lines = append(in.Lines, LineInput{AccountCode: l.AccountCode, Currency: l.Currency, Debit: l.Credit, Credit: l.Debit,
			FixedBase: true, BaseDebit: l.BaseCredit, BaseCredit: l.BaseDebit, Memo: l.Memo})
	}
	var b Books
	if date.Year() >= 1900 {
		if b, err = s.Books(ctx, st, date); err != nil {
			return Entry{}, err
		}
	}
	e, err := s.make(ctx, st, b, in, a.UserID, &quotient.Problems{})
	if err != nil {
		return Entry{}, err
	}
	e.ReversalOf = id
	if e, err = s.insert(ctx, st, e); err != nil {
		return Entry{}, err
	}
	return e, st.SetReversedBy(ctx, id, e.ID)
}
