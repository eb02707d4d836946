package ledger

import (
	"context"
	"regexp"

	"github.com/quotient-cpq/quotient"
)

var codeRE = regexp.MustCompile(`^[0-9A-Z][0-9A-Z.-]{0,19}$`)

func validateAccount(a Account) error {
	p := quotient.Problems{}
	if !codeRE.MatchString(a.Code) {
		p.Add("code", "must be 1-20 digits, capital letters, dots or dashes, starting with a digit or letter")
	}
	p.Text("name", a.Name, quotient.Required, 200)
	p.OneOf("type", string(a.Type), string(Asset), string(Liability), string(Equity), string(Revenue), string(Expense))
	if a.Family != "" && a.Type != Revenue {
		p.Add("family", "only a revenue account collects a product family")
	}
	p.Text("family", a.Family, quotient.Optional, 50)
	return p.Err()
}

// SeedChart adds the standard chart's accounts that are missing.
func (s *Service) SeedChart(ctx context.Context, st Store) error {
	have, err := st.ListLedgerAccounts(ctx) // one read on every start-up
	if err != nil {
		return err
	}
	codes := map[string]bool{}
	for _, a := range have {
		codes[a.Code] = true
	}
	now := s.now().UTC()
	for _, a := range StandardChart {
		if codes[a.Code] {
			continue
		}
		a.Active, a.Version, a.CreatedAt, a.UpdatedAt = true, 1, now, now
		if err := st.InsertLedgerAccount(ctx, a); err != nil {
			return err
		}
	}
	return nil
}

// CreateAccount adds an account to the chart.
func (s *Service) CreateAccount(ctx context.Context, st Store, a Account) (Account, error) {
	if _, err := mayWrite(ctx); err != nil {
		return Account{}, err
	}
	if err := validateAccount(a); err != nil {
		return Account{}, err
	}
	now := s.now().UTC()
	a.Active, a.Version, a.CreatedAt, a.UpdatedAt = true, 1, now, now
	if err := st.InsertLedgerAccount(ctx, a); err != nil {
		if quotient.ErrorCode(err) == quotient.Conflict {
			return Account{}, quotient.FieldErrorf(quotient.Conflict, "code", "account %s exists", a.Code)
		}
		return Account{}, err
	}
	return a, nil
}

// AccountPatch changes an account; its code and type never change once
// it may carry postings.
type AccountPatch struct {
	Name   *string
	Family *string
	Active *bool
}

// UpdateAccount renames, re-assigns the family of, or (de)activates an account.
func (s *Service) UpdateAccount(ctx context.Context, st Store, code string, version int, p AccountPatch) (Account, error) {
	if _, err := mayWrite(ctx); err != nil {
		return Account{}, err
	}
	a, err := st.GetLedgerAccount(ctx, code)
	if err != nil {
		return Account{}, err
	}
	if err := quotient.CheckVersion("account", version, a.Version); err != nil {
		return Account{}, err
	}
	if p.Name != nil {
		a.Name = *p.Name
	}
	if p.Family != nil {
		a.Family = *p.Family
	}
	if p.Active != nil {
		a.Active = *p.Active
	}
	if err := validateAccount(a); err != nil {
		return Account{}, err
	}
	old := a.Version
	a.Version, a.UpdatedAt = a.Version+1, s.now().UTC()
	return a, st.UpdateLedgerAccount(ctx, a, old)
}

// Accounts lists the chart by code.
func (s *Service) Accounts(ctx context.Context, st Store) ([]Account, error) {
	if _, err := mayRead(ctx); err != nil {
		return nil, err
	}
	return st.ListLedgerAccounts(ctx)
}

// GetAccount returns an account.
func (s *Service) GetAccount(ctx context.Context, st Store, code string) (Account, error) {
	if _, err := mayRead(ctx); err != nil {
		return Account{}, err
	}
	return st.GetLedgerAccount(ctx, code)
}
