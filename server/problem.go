package server

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/gofiber/fiber/v2"

	"github.com/quotient-cpq/quotient"
)

// statusOf is the one table from error codes to HTTP statuses.
var statusOf = map[quotient.Code]int{
	quotient.Invalid:         http.StatusBadRequest,
	quotient.Unauthorized:    http.StatusUnauthorized,
	quotient.Forbidden:       http.StatusForbidden,
	quotient.NotFound:        http.StatusNotFound,
	quotient.Conflict:        http.StatusConflict,
	quotient.Stale:           http.StatusPreconditionFailed,
	quotient.Unprocessable:   http.StatusUnprocessableEntity,
	quotient.TooLarge:        http.StatusRequestEntityTooLarge,
	quotient.RateLimited:     http.StatusTooManyRequests,
	quotient.PreconditionReq: http.StatusPreconditionRequired,
	quotient.Internal:        http.StatusInternalServerError,
	quotient.Unavailable:     http.StatusServiceUnavailable,
}

// codeOfStatus maps fiber's own errors (unknown route, body too large)
// back to a code.
var codeOfStatus = map[int]quotient.Code{
	http.StatusBadRequest:            quotient.Invalid,
	http.StatusNotFound:              quotient.NotFound,
	http.StatusMethodNotAllowed:      quotient.NotFound,
	http.StatusRequestEntityTooLarge: quotient.TooLarge,
	http.StatusUnsupportedMediaType:  quotient.Invalid,
	http.StatusTooManyRequests:       quotient.RateLimited,
}

// retryAfterSeconds is what a 503 asks a client to wait: long enough for
// a database restart or fail-over to begin answering.
const retryAfterSeconds = "5"

// Problem is an RFC 9457 problem detail.
type Problem struct {
	Type      string                `json:"type"`
	Title     string                `json:"title"`
	Status    int                   `json:"status"`
	Detail    string                `json:"detail"`
	Code      string                `json:"code"`
	Errors    []quotient.FieldError `json:"errors,omitempty"`
	RequestID string                `json:"request_id,omitempty"`
}

func problemType(code quotient.Code) string {
	return "urn:quotient:problem:" + string(code)
}

// problemOf turns any error into a problem; errors that are not ours are
// internal and their text is logged, never shown.
func (s *Server) problemOf(c *fiber.Ctx, err error) Problem {
	var qe *quotient.Error
	var fe *fiber.Error
	var p Problem
	switch {
	case errors.As(err, &qe):
		status, ok := statusOf[qe.Code]
		if !ok {
			status = http.StatusInternalServerError
		}
		p = Problem{Status: status, Code: string(qe.Code), Detail: qe.Message}
		if qe.Code == quotient.Internal {
			p.Detail = "internal error; the request id identifies it in the server log"
		}
		p.Errors = qe.Fields
		if len(p.Errors) == 0 && qe.Field != "" {
			p.Errors = []quotient.FieldError{{Field: qe.Field, Message: qe.Message}}
			p.Detail = qe.Field + ": " + qe.Message
		}
	case errors.As(err, &fe):
		code, ok := codeOfStatus[fe.Code]
		if !ok {
			code = quotient.Invalid
			if fe.Code >= 500 {
				code = quotient.Internal
			}
		}
		p = Problem{Status: fe.Code, Code: string(code), Detail: fe.Message}
		switch fe.Code {
		case http.StatusRequestEntityTooLarge:
			p.Detail = "the request body is larger than 1 MiB"
		case http.StatusNotFound:
			p.Detail = "no such endpoint: " + c.Method() + " " + c.Path()
		case http.StatusMethodNotAllowed:
			p.Detail = c.Method() + " is not allowed on " + c.Path()
		}
	default:
		p = Problem{Status: http.StatusInternalServerError, Code: string(quotient.Internal),
			Detail: "internal error; the request id identifies it in the server log"}
	}
	if p.Status >= 500 {
		s.log.ErrorContext(c.UserContext(), "request failed", slog.String("request_id", requestID(c)),
			slog.String("method", c.Method()), slog.String("path", loggedPath(c.Path())), slog.Any("error", err))
	}
	p.Type = problemType(quotient.Code(p.Code))
	p.Title = http.StatusText(p.Status)
	p.RequestID = requestID(c)
	return p
}

// errorHandler is fiber's error handler: every error becomes problem JSON.
func (s *Server) errorHandler(c *fiber.Ctx, err error) error {
	p := s.problemOf(c, err)
	c.Status(p.Status)
	if p.Status == http.StatusServiceUnavailable {
		c.Set(fiber.HeaderRetryAfter, retryAfterSeconds)
	}
	b, mErr := jsonMarshal(p)
	if mErr != nil {
		return c.SendStatus(http.StatusInternalServerError)
	}
	c.Set(fiber.HeaderContentType, "application/problem+json")
	return c.Send(b)
}
