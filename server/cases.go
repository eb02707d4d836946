package server

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/crm"
)

// CaseRequest opens a support case (account_id and subject required) or
// changes one.
type CaseRequest struct {
	AccountID   *string `json:"account_id"`
	ContactID   *string `json:"contact_id"`
	Subject     *string `json:"subject" maxLength:"300"`
	Description *string `json:"description" maxLength:"20000"`
	Priority    *string `json:"priority" enum:"low,normal,high,urgent"`
	Status      *string `json:"status" enum:"open,pending,closed"`
	OwnerID     *string `json:"owner_id"`
}

func (r CaseRequest) input() (crm.CaseInput, error) {
	return crm.CaseInput{AccountID: r.AccountID, ContactID: r.ContactID, Subject: r.Subject, Description: r.Description, Priority: r.Priority,
		Status: r.Status, OwnerID: r.OwnerID}, nil
}

// CaseJSON is a support case.
type CaseJSON struct {
	ID          string     `json:"id"`
	AccountID   string     `json:"account_id"`
	ContactID   *string    `json:"contact_id"`
	Subject     string     `json:"subject"`
	Description string     `json:"description"`
	Priority    string     `json:"priority"`
	Status      string     `json:"status"`
	OwnerID     string     `json:"owner_id"`
	ClosedAt    *time.Time `json:"closed_at"`
	Version     int        `json:"version"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
}

func caseJSON(c crm.Case) CaseJSON {
	return CaseJSON{ID: c.ID, AccountID: c.AccountID, ContactID: optStr(c.ContactID), Subject: c.Subject, Description: c.Description,
		Priority: c.Priority, Status: c.Status, OwnerID: c.OwnerID, ClosedAt: c.ClosedAt, Version: c.Version, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
}

var caseView = view[crm.Case, CaseJSON]{version: func(c crm.Case) int { return c.Version }, json: caseJSON}

var caseFilter = []string{"account_id", "status", "owner_id"}

func (s *Server) listCases() fiber.Handler {
	return listOf(func(c crm.Case) string { return c.ID }, caseJSON, caseFilter,
		func(ctx context.Context, c *fiber.Ctx, p quotient.Page, f map[string]string) ([]crm.Case, error) {
			return s.app.Cases(ctx, crm.CaseFilter{AccountID: f["account_id"], Status: f["status"], OwnerID: f["owner_id"], Page: p})
		})
}

func (s *Server) createCase() fiber.Handler {
	return createOne(caseView, CaseRequest.input, func(c crm.Case) string { return v1 + "/cases/" + c.ID },
		func(ctx context.Context, c *fiber.Ctx, in crm.CaseInput) (crm.Case, error) {
			return s.app.OpenCase(ctx, in)
		})
}

func (s *Server) getCase() fiber.Handler {
	return getOne(caseView, func(ctx context.Context, c *fiber.Ctx) (crm.Case, error) {
		return s.app.Case(ctx, c.Params("id"))
	})
}

func (s *Server) patchCase() fiber.Handler {
	return patchOne(caseView, CaseRequest.input, func(ctx context.Context, c *fiber.Ctx, v int, in crm.CaseInput) (crm.Case, error) {
		return s.app.UpdateCase(ctx, c.Params("id"), v, in)
	})
}
