package crm

import (
	"context"
	"strings"

	"github.com/quotient-cpq/quotient"
)

// ContactInput holds the fields of a new contact or, as pointers in
// ContactPatch, the fields to change.
type ContactInput struct {
	Name  string
	Email string
	Phone string
	Title string
	// Primary makes this the account's primary contact; an account's
	// first contact is primary anyway.
	Primary bool
}

// ContactPatch holds the fields to change; nil leaves a field as it is.
type ContactPatch struct {
	Name    *string
	Email   *string
	Phone   *string
	Title   *string
	Primary *bool
}

func validateContact(c Contact) error {
	p := quotient.Problems{}
	p.Text("name", c.Name, quotient.Required, 200)
	p.Email("email", c.Email, quotient.Optional)
	p.Text("phone", c.Phone, quotient.Optional, 50)
	p.Text("title", c.Title, quotient.Optional, 100)
	return p.Err()
}

// writableAccount loads an account the actor may change the people of.
func writableAccount(ctx context.Context, st Store, accountID string) (Account, error) {
	a, err := quotient.RequireActor(ctx)
	if err != nil {
		return Account{}, err
	}
	acc, err := st.GetAccount(ctx, accountID)
	if err != nil {
		return Account{}, err
	}
	if !MayChangeContacts(a, acc) {
		return Account{}, forbidden("account %s belongs to another rep; only its owner, their manager or an admin may change its contacts", accountID)
	}
	return acc, nil
}

// CreateContact adds a contact to an account the actor may write.
func (s *Service) CreateContact(ctx context.Context, st Store, accountID string, in ContactInput) (Contact, error) {
	if _, err := writableAccount(ctx, st, accountID); err != nil {
		return Contact{}, err
	}
	now := s.now().UTC()
	c := Contact{ID: quotient.NewID("con"), AccountID: accountID, Name: strings.TrimSpace(in.Name),
		Email: strings.ToLower(in.Email), Phone: in.Phone, Title: in.Title, Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := validateContact(c); err != nil {
		return Contact{}, err
	}
	_, err := st.PrimaryContact(ctx, accountID)
	switch {
	case quotient.ErrorCode(err) == quotient.NotFound:
		c.Primary = true // the first contact, or the account has none primary
	case err != nil:
		return Contact{}, err
	case in.Primary:
		if err := st.ClearPrimaryContact(ctx, accountID); err != nil {
			return Contact{}, err
		}
		c.Primary = true
	}
	return c, st.InsertContact(ctx, c)
}

// GetContact returns a contact of an account.
func (s *Service) GetContact(ctx context.Context, st Store, accountID, id string) (Contact, error) {
	if _, err := quotient.RequireActor(ctx); err != nil {
		return Contact{}, err
	}
	c, err := st.GetContact(ctx, id)
	if err != nil {
		return Contact{}, err
	}
	if c.AccountID != accountID {
		return Contact{}, quotient.Errorf(quotient.NotFound, "contact %s not found on account %s", id, accountID)
	}
	return c, nil
}

// ListContacts returns a page of an account's contacts.
func (s *Service) ListContacts(ctx context.Context, st Store, f ContactFilter) ([]Contact, error) {
	if _, err := quotient.RequireActor(ctx); err != nil {
		return nil, err
	}
	if _, err := st.GetAccount(ctx, f.AccountID); err != nil {
		return nil, err
	}
	return st.ListContacts(ctx, f)
}

// UpdateContact changes a contact.
func (s *Service) UpdateContact(ctx context.Context, st Store, accountID, id string, version int, p ContactPatch) (Contact, error) {
	c, err := s.GetContact(ctx, st, accountID, id)
	if err != nil {
		return Contact{}, err
	}
	if _, err := writableAccount(ctx, st, accountID); err != nil {
		return Contact{}, err
	}
	if err := checkVersion(version, c.Version); err != nil {
		return Contact{}, err
	}
	old := c.Version
	setIf(&c.Name, p.Name)
	if p.Email != nil {
		c.Email = strings.ToLower(*p.Email)
	}
	setIf(&c.Phone, p.Phone)
	setIf(&c.Title, p.Title)
	if err := validateContact(c); err != nil {
		return Contact{}, err
	}
	if p.Primary != nil && *p.Primary && !c.Primary {
		if err := st.ClearPrimaryContact(ctx, accountID); err != nil {
			return Contact{}, err
		}
	}
	setIf(&c.Primary, p.Primary)
	c.Version++
	c.UpdatedAt = s.now().UTC()
	return c, st.UpdateContact(ctx, c, old)
}

// DeleteContact removes a contact.
func (s *Service) DeleteContact(ctx context.Context, st Store, accountID, id string) error {
	if _, err := s.GetContact(ctx, st, accountID, id); err != nil {
		return err
	}
	if _, err := writableAccount(ctx, st, accountID); err != nil {
		return err
	}
	return st.DeleteContact(ctx, id)
}
