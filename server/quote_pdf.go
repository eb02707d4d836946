package server

import (
	"github.com/gofiber/fiber/v2"

	"github.com/quotient-cpq/quotient/app"
)

// sendFile sends a rendered document to be shown in the browser.
func sendFile(c *fiber.Ctx, f app.File) error {
	c.Set(fiber.HeaderContentType, f.ContentType)
	c.Set(fiber.HeaderContentDisposition, `inline; filename="`+f.Name+`.pdf"`)
	return c.Send(f.Body)
}

// pdf answers with a document the application layer rendered.
func pdf(c *fiber.Ctx, f app.File, err error) error {
	if err != nil {
		return err
	}
	return sendFile(c, f)
}

// quotePDF is GET /quotes/{id}/pdf (?version=N).
func (s *Server) quotePDF() fiber.Handler {
	return func(c *fiber.Ctx) error {
		n, err := versionParam(c)
		if err != nil {
			return err
		}
		f, err := s.app.QuotePDF(c.UserContext(), c.Params("id"), n)
		return pdf(c, f, err)
	}
}
