package crm

import (
	"context"
	"strings"
	"time"

	"github.com/quotient-cpq/quotient"
)

// Case statuses and priorities.
const (
	CaseOpen    = "open"
	CasePending = "pending" // waiting for the customer
	CaseClosed  = "closed"
)

var casePriorities = []string{"low", "normal", "high", "urgent"}

// Case is a customer's support case.
type Case struct {
	ID          string
	AccountID   string
	ContactID   string
	Subject     string
	Description string
	Priority    string
	Status      string
	OwnerID     string
	ClosedAt    *time.Time
	Version     int
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// CaseInput creates a case or, as a patch, changes the fields given.
type CaseInput struct {
	AccountID   *string
	ContactID   *string
	Subject     *string
	Description *string
	Priority    *string
	Status      *string
	OwnerID     *string
}

// CaseFilter narrows a list of cases.
type CaseFilter struct {
	quotient.Page
	AccountID string
	Status    string
	OwnerID   string
}

// CaseStore is what cases need beyond Store.
type CaseStore interface {
	Store
	InsertCase(ctx context.Context, c Case) error
	GetCase(ctx context.Context, id string) (Case, error)
	UpdateCase(ctx context.Context, c Case, version int) error
	ListCases(ctx context.Context, f CaseFilter) ([]Case, error)
}

func (s *Service) checkCase(ctx context.Context, st CaseStore, c Case) error {
	p := quotient.Problems{}
	p.Text("subject", c.Subject, quotient.Required, 300)
	p.Text("description", c.Description, quotient.Optional, 20000)
	p.OneOf("priority", c.Priority, casePriorities...)
	p.OneOf("status", c.Status, CaseOpen, CasePending, CaseClosed)
	if _, err := st.GetAccount(ctx, c.AccountID); quotient.ErrorCode(err) == quotient.NotFound || c.AccountID == "" {
		p.Add("account_id", "no account %q", c.AccountID)
	} else if err != nil {
		return err
	}
	if c.ContactID != "" {
		if con, err := st.GetContact(ctx, c.ContactID); quotient.ErrorCode(err) == quotient.NotFound || (err == nil && con.AccountID != c.AccountID) {
			p.Add("contact_id", "no contact %q at this account", c.ContactID)
		} else if err != nil {
			return err
		}
	}
	if _, err := st.GetUser(ctx, c.OwnerID); quotient.ErrorCode(err) == quotient.NotFound {
		p.Add("owner_id", "no user %q", c.OwnerID)
	} else if err != nil {
		return err
	}
	return p.Err()
}

func caseWriter(ctx context.Context) (quotient.Actor, error) {
	a, err := quotient.RequireActor(ctx)
	if err == nil && a.Role == quotient.RoleFinance {
		err = forbidden("support cases are worked by sales and admins")
	}
	return a, err
}

// CreateCase opens a case (any role but finance); the creator owns it
// unless owner_id says otherwise.
func (s *Service) CreateCase(ctx context.Context, st CaseStore, in CaseInput) (Case, error) {
	a, err := caseWriter(ctx)
	if err != nil {
		return Case{}, err
	}
	now := s.now().UTC()
	c := Case{ID: quotient.NewID("cas"), Priority: "normal", Status: CaseOpen, OwnerID: a.UserID, Version: 1, CreatedAt: now, UpdatedAt: now}
	apply(&c, in)
	if c.Status == CaseClosed {
		c.ClosedAt = &now
	}
	if err := s.checkCase(ctx, st, c); err != nil {
		return Case{}, err
	}
	return c, st.InsertCase(ctx, c)
}

func apply(c *Case, in CaseInput) {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = strings.TrimSpace(*v)
		}
	}
	set(&c.AccountID, in.AccountID)
	set(&c.ContactID, in.ContactID)
	set(&c.Subject, in.Subject)
	set(&c.Description, in.Description)
	set(&c.Priority, in.Priority)
	set(&c.Status, in.Status)
	set(&c.OwnerID, in.OwnerID)
}

// UpdateCase changes a case; closing it records when, reopening clears that.
func (s *Service) UpdateCase(ctx context.Context, st CaseStore, id string, version int, in CaseInput) (Case, error) {
	if _, err := caseWriter(ctx); err != nil {
		return Case{}, err
	}
	c, err := st.GetCase(ctx, id)
	if err != nil {
		return Case{}, err
	}
	if err := quotient.CheckVersion("case", version, c.Version); err != nil {
		return Case{}, err
	}
	if in.AccountID != nil && *in.AccountID != c.AccountID {
		return Case{}, quotient.FieldErrorf(quotient.Conflict, "account_id", "a case stays with its account; open a new one")
	}
	was := c.Status
	apply(&c, in)
	now := s.now().UTC()
	if c.Status == CaseClosed && was != CaseClosed {
		c.ClosedAt = &now
	} else if c.Status != CaseClosed {
		c.ClosedAt = nil
	}
	if err := s.checkCase(ctx, st, c); err != nil {
		return Case{}, err
	}
	old := c.Version
	c.Version++
	c.UpdatedAt = now
	return c, st.UpdateCase(ctx, c, old)
}

// GetCase returns a case.
func (s *Service) GetCase(ctx context.Context, st CaseStore, id string) (Case, error) {
	if _, err := quotient.RequireActor(ctx); err != nil {
		return Case{}, err
	}
	return st.GetCase(ctx, id)
}

// Cases lists cases by id.
func (s *Service) Cases(ctx context.Context, st CaseStore, f CaseFilter) ([]Case, error) {
	if _, err := quotient.RequireActor(ctx); err != nil {
		return nil, err
	}
	if f.Status != "" {
		p := quotient.Problems{Code: quotient.Invalid}
		p.OneOf("status", f.Status, CaseOpen, CasePending, CaseClosed)
		if err := p.Err(); err != nil {
			return nil, err
		}
	}
	return st.ListCases(ctx, f)
}
