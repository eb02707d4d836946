package quotient

import (
	"errors"
	"fmt"
)

// Code classifies an error so the HTTP layer can map it to one status.
type Code string

// The error codes. The server maps each to exactly one HTTP status.
const (
	Invalid       Code = "invalid"
	Unauthorized  Code = "unauthorized"
	Forbidden     Code = "forbidden"
	NotFound      Code = "not_found"
	Conflict      Code = "conflict"
	Stale         Code = "stale"
	Unprocessable Code = "unprocessable"
	TooLarge      Code = "too_large"
	RateLimited   Code = "rate_limited"
	Internal      Code = "internal"
	// Unavailable: the database cannot be reached; retry later.
	Unavailable     Code = "unavailable"
	PreconditionReq Code = "precondition_required"
)

// FieldError names one field at fault and what is wrong with it.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
	// Format and Args are what Message was written from, so that a page
	// can say it in the reader's language (the i18n catalog is keyed by
	// formats).
	Format string `json:"-"`
	Args   []any  `json:"-"`
}

// Error is the error every domain package returns to its callers.
type Error struct {
	Code    Code
	Message string
	Field   string
	// Fields lists several fields at fault (validation of a whole document).
	Fields []FieldError
	Err    error
	// Format and Args are what Message was written from (see FieldError).
	Format string
	Args   []any
}

func (e *Error) Error() string {
	msg := e.Message
	if e.Field != "" {
		msg = e.Field + ": " + msg
	}
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, msg, e.Err)
	}
	return string(e.Code) + ": " + msg
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf builds an Error with a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Format: format, Args: args}
}

// FieldErrorf builds an Error that names the field at fault.
func FieldErrorf(code Code, field, format string, args ...any) *Error {
	return &Error{Code: code, Field: field, Message: fmt.Sprintf(format, args...), Format: format, Args: args}
}

// Wrap attaches a code and message to an underlying error.
func Wrap(err error, code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Err: err, Format: format, Args: args}
}

// ErrorCode returns the code of err, Internal when err is not an *Error.
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// Problems collects field errors while validating a document and turns them
// into one Error with every field at fault.
type Problems struct {
	Code   Code
	Fields []FieldError
}

// Add records a problem with field.
func (p *Problems) Add(field, format string, args ...any) {
	p.Fields = append(p.Fields, FieldError{Field: field, Message: fmt.Sprintf(format, args...), Format: format, Args: args})
}

// Err returns nil when nothing was added, else an Error naming every field.
func (p *Problems) Err() error {
	if len(p.Fields) == 0 {
		return nil
	}
	code := p.Code
	if code == "" {
		code = Unprocessable
	}
	first := p.Fields[0]
	msg := first.Message
	if len(p.Fields) > 1 {
		msg = fmt.Sprintf("%s (and %d more problems)", msg, len(p.Fields)-1)
	}
	e := &Error{Code: code, Field: first.Field, Message: msg, Fields: p.Fields}
	if len(p.Fields) == 1 {
		e.Format, e.Args = first.Format, first.Args
	}
	return e
}

// CheckVersion compares the version a client last read (0: not given, any
// version will do) with the stored one; a mismatch is a stale error, which
// the API answers with 412.
func CheckVersion(what string, want, have int) error {
	if want != 0 && want != have {
		return Errorf(Stale, "the %s changed since you read it (version %d, now %d); fetch it again and reapply your change", what, want, have)
	}
	return nil
}
