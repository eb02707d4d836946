package server

import (
	"context"
	"sort"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/billing"
)

// DunningLevelRequest creates a level (every field but active required) or
// changes one. Subject and body are Go templates over {{.AccountName}},
// {{.InvoiceNumber}}, {{.IssueDate}}, {{.DueDate}}, {{.DaysOverdue}},
// {{.AmountDue}}, {{.Total}} and {{.Level}}.
type DunningLevelRequest struct {
	Level       *int    `json:"level"`
	Name        *string `json:"name" maxLength:"200"`
	DaysOverdue *int    `json:"days_overdue"`
	Subject     *string `json:"subject" maxLength:"300"`
	Body        *string `json:"body" maxLength:"20000"`
	Active      *bool   `json:"active"`
}

func (r DunningLevelRequest) input() (billing.DunningLevelInput, error) {
	return billing.DunningLevelInput{Level: r.Level, Name: r.Name, DaysOverdue: r.DaysOverdue, Subject: r.Subject, Body: r.Body, Active: r.Active}, nil
}

// DunningLevelJSON is a dunning level.
type DunningLevelJSON struct {
	ID          string    `json:"id"`
	Level       int       `json:"level"`
	Name        string    `json:"name"`
	DaysOverdue int       `json:"days_overdue"`
	Subject     string    `json:"subject"`
	Body        string    `json:"body"`
	Active      bool      `json:"active"`
	Version     int       `json:"version"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

func dunningLevelJSON(l billing.DunningLevel) DunningLevelJSON {
	return DunningLevelJSON{ID: l.ID, Level: l.Level, Name: l.Name, DaysOverdue: l.DaysOverdue, Subject: l.Subject, Body: l.Body, Active: l.Active,
		Version: l.Version, CreatedAt: l.CreatedAt, UpdatedAt: l.UpdatedAt}
}

// DunningNoticeJSON is a reminder an invoice got; sent_to is empty when
// the account had no contact with an e-mail address.
type DunningNoticeJSON struct {
	ID          string    `json:"id"`
	Level       int       `json:"level"`
	LevelName   string    `json:"level_name"`
	DaysOverdue int       `json:"days_overdue"`
	SentTo      string    `json:"sent_to"`
	MailStatus  *string   `json:"mail_status" enum:"pending,sent,failed"`
	CreatedAt   time.Time `json:"created_at"`
}

func dunningNoticeJSON(n billing.DunningNotice) DunningNoticeJSON {
	return DunningNoticeJSON{ID: n.ID, Level: n.Level, LevelName: n.LevelName, DaysOverdue: n.DaysOverdue, SentTo: n.SentTo,
		MailStatus: optStr(n.MailStatus), CreatedAt: n.CreatedAt}
}

// DunningRunJSON says how many reminders a run recorded.
type DunningRunJSON struct {
	Notices int `json:"notices"`
}

var dunningLevelView = view[billing.DunningLevel, DunningLevelJSON]{version: func(l billing.DunningLevel) int { return l.Version }, json: dunningLevelJSON}

func (s *Server) listDunningLevels() fiber.Handler {
	return listOf(func(l billing.DunningLevel) string { return l.ID }, dunningLevelJSON, nil,
		func(ctx context.Context, c *fiber.Ctx, p quotient.Page, _ map[string]string) ([]billing.DunningLevel, error) {
			ls, err := s.app.DunningLevels(ctx)
			sort.Slice(ls, func(i, j int) bool { return ls[i].ID < ls[j].ID }) // pages go by id, as every list's
			return pageAfter(ls, func(l billing.DunningLevel) string { return l.ID }, p), err
		})
}

func (s *Server) createDunningLevel() fiber.Handler {
	return createOne(dunningLevelView, DunningLevelRequest.input, func(l billing.DunningLevel) string { return v1 + "/dunning-levels/" + l.ID },
		func(ctx context.Context, c *fiber.Ctx, in billing.DunningLevelInput) (billing.DunningLevel, error) {
			return s.app.CreateDunningLevel(ctx, in)
		})
}

func (s *Server) getDunningLevel() fiber.Handler {
	return getOne(dunningLevelView, func(ctx context.Context, c *fiber.Ctx) (billing.DunningLevel, error) {
		return s.app.DunningLevel(ctx, c.Params("id"))
	})
}

func (s *Server) patchDunningLevel() fiber.Handler {
	return patchOne(dunningLevelView, DunningLevelRequest.input, func(ctx context.Context, c *fiber.Ctx, v int, in billing.DunningLevelInput) (billing.DunningLevel, error) {
		return s.app.UpdateDunningLevel(ctx, c.Params("id"), v, in)
	})
}

// runDunning sends the reminders that are due now (finance), whether or
// not the daily run has happened.
// NextNoticeJSON is a reminder the next dunning run sends: the invoice,
// its days overdue, the level and the address (empty: the account has no
// contact with one, and the notice is only recorded).
type NextNoticeJSON struct {
	InvoiceID   string `json:"invoice_id"`
	Number      string `json:"number"`
	AccountID   string `json:"account_id"`
	AccountName string `json:"account_name"`
	DaysOverdue int    `json:"days_overdue"`
	Level       int    `json:"level"`
	LevelName   string `json:"level_name"`
	SendTo      string `json:"send_to"`
	AmountDue   string `json:"amount_due" format:"decimal"`
}

// DunningPreviewJSON is what the next run sends.
type DunningPreviewJSON struct {
	Notices []NextNoticeJSON `json:"notices"`
}

func (s *Server) nextDunning() fiber.Handler {
	return func(c *fiber.Ctx) error {
		ns, err := s.app.NextDunning(c.UserContext())
		if err != nil {
			return err
		}
		out := DunningPreviewJSON{Notices: []NextNoticeJSON{}}
		for _, n := range ns {
			out.Notices = append(out.Notices, NextNoticeJSON{InvoiceID: n.Invoice.ID, Number: n.Invoice.Number, AccountID: n.Invoice.AccountID, AccountName: n.Account,
				DaysOverdue: n.Days, Level: n.Level.Level, LevelName: n.Level.Name, SendTo: n.To, AmountDue: fmtMinor(n.Invoice.AmountDue, n.Invoice.Currency)})
		}
		return send(c, fiber.StatusOK, 0, out)
	}
}

func (s *Server) runDunning() fiber.Handler {
	return func(c *fiber.Ctx) error {
		return commit(c, func(ctx context.Context) (int, error) {
			return s.app.RunDunning(ctx)
		}, func(n int) response { return response{status: fiber.StatusOK, body: DunningRunJSON{Notices: n}} })
	}
}
