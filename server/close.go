package server

import (
	"github.com/gofiber/fiber/v2"

	"github.com/quotient-cpq/quotient/app"
)

// FigureJSON is a labelled figure of a close item.
type FigureJSON struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

// CloseItemJSON is one check of a month's close: ok when it holds; a
// blocking one that does not stops the month from closing. problems say
// what is wrong, link where to fix it.
type CloseItemJSON struct {
	Name     string       `json:"name"`
	Title    string       `json:"title"`
	OK       bool         `json:"ok"`
	Blocking bool         `json:"blocking"`
	Figures  []FigureJSON `json:"figures"`
	Problems []string     `json:"problems"`
	Link     string       `json:"link"`
}

// CloseJSON is a month's close checklist.
type CloseJSON struct {
	Period   string          `json:"period"`
	From     string          `json:"from" format:"date"`
	To       string          `json:"to" format:"date"`
	Status   string          `json:"status" enum:"open,closed"`
	CanClose bool            `json:"can_close"`
	Items    []CloseItemJSON `json:"items"`
}

func closeJSON(c app.CloseChecklist) CloseJSON {
	out := CloseJSON{Period: c.Period, From: c.From.String(), To: c.To.String(), Status: c.Status, CanClose: len(c.Blockers()) == 0, Items: []CloseItemJSON{}}
	for _, it := range c.Items {
		j := CloseItemJSON{Name: it.Name, Title: it.Title, OK: it.OK, Blocking: it.Blocking, Figures: []FigureJSON{}, Problems: append([]string{}, it.Problems...),
			Link: it.Link}
		for _, f := range it.Figures {
			j.Figures = append(j.Figures, FigureJSON{f.Label, f.Value})
		}
		out.Items = append(out.Items, j)
	}
	return out
}

func (s *Server) closeChecklist() fiber.Handler {
	return func(c *fiber.Ctx) error {
		cl, err := s.app.CloseChecklist(c.UserContext(), c.Params("period"))
		if err != nil {
			return err
		}
		return send(c, fiber.StatusOK, 0, closeJSON(cl))
	}
}
