package server

import (
	"context"
	"sort"
	"time"

	"github.com/gofiber/fiber/v2"

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

var dunningLevelView = view[billing.DunningLevel, DunningLevelJSON]{func(l billing.DunningLevel) int { return l.Version }, dunningLevelJSON}

func (s *Server) listDunningLevels() fiber.Handler {
	return listOf(s, func(l billing.DunningLevel) string { return l.ID }, dunningLevelJSON, nil,
		func(ctx context.Context, tx Tx, c *fiber.Ctx, limit int, after string, _ map[string]string) ([]billing.DunningLevel, error) {
			ls, err := s.billing.DunningLevels(ctx, tx)
			sort.Slice(ls, func(i, j int) bool { return ls[i].ID < ls[j].ID }) // pages go by id, as every list's
			return pageAfter(ls, func(l billing.DunningLevel) string { return l.ID }, limit, after), err
		})
}

func (s *Server) createDunningLevel() fiber.Handler {
	return createOne(s, dunningLevelView, DunningLevelRequest.input, func(l billing.DunningLevel) string { return v1 + "/dunning-levels/" + l.ID },
		func(ctx context.Context, tx Tx, c *fiber.Ctx, in billing.DunningLevelInput) (billing.DunningLevel, error) {
			return s.billing.CreateDunningLevel(ctx, tx, in)
		})
}

func (s *Server) getDunningLevel() fiber.Handler {
	return getOne(s, dunningLevelView, func(ctx context.Context, tx Tx, c *fiber.Ctx) (billing.DunningLevel, error) {
		return s.billing.GetDunningLevel(ctx, tx, c.Params("id"))
	})
}

func (s *Server) patchDunningLevel() fiber.Handler {
	return patchOne(s, dunningLevelView, DunningLevelRequest.input, func(ctx context.Context, tx Tx, c *fiber.Ctx, v int, in billing.DunningLevelInput) (billing.DunningLevel, error) {
		return s.billing.UpdateDunningLevel(ctx, tx, c.Params("id"), v, in)
	})
}

// runDunning sends the reminders that are due now (finance), whether or
// not the daily run has happened.
func (s *Server) runDunning() fiber.Handler {
	return func(c *fiber.Ctx) error {
		return commit(s, c, func(ctx context.Context, tx Tx) (int, error) {
			return s.billing.RunDunning(ctx, tx)
		}, func(n int) response { return response{status: fiber.StatusOK, body: DunningRunJSON{Notices: n}} })
	}
}

// DailyDunning sends the day's reminders once across every server on the
// database; the maintenance loop calls it every tick.
// Once this server has seen the day claimed (by itself or another), it
// does not ask the database again until the date changes.
func (s *Server) DailyDunning(ctx context.Context) (int, error) {
	today := s.now().UTC().Format(time.DateOnly)
	if v, _ := s.dunnedOn.Load().(string); v == today {
		return 0, nil
	}
	n := 0
	err := s.db.InTx(ctx, func(tx Tx) error {
		var err error
		n, err = s.billing.DailyDunning(ctx, tx)
		return err
	})
	if err == nil {
		s.dunnedOn.Store(today)
	}
	return n, err
}
