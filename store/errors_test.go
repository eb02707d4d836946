package store

import (
	"database/sql/driver"
	"fmt"
	"io"
	"net"
	"testing"

	"github.com/lib/pq"

	"github.com/quotient-cpq/quotient"
)

// TestLostDatabaseIsUnavailable: every way a database connection fails
// (refused, dropped, shut down, starting up, full) maps to Unavailable,
// which the API answers 503; a constraint failure stays what it is.
func TestLostDatabaseIsUnavailable(t *testing.T) {
	for _, err := range []error{
		&net.OpError{Op: "dial", Net: "tcp", Err: fmt.Errorf("connection refused")},
		driver.ErrBadConn,
		io.ErrUnexpectedEOF,
		fmt.Errorf("begin: %w", io.EOF),
		&pq.Error{Code: "57P01"}, // admin shutdown
		&pq.Error{Code: "57P03"}, // the database system is starting up
		&pq.Error{Code: "08006"}, // connection failure
		&pq.Error{Code: "53300"}, // too many connections
	} {
		if got := quotient.ErrorCode(mapErr(err)); got != quotient.Unavailable {
			t.Errorf("%v: %s, want unavailable", err, got)
		}
	}
	if got := quotient.ErrorCode(mapErr(&pq.Error{Code: "23505"})); got != quotient.Conflict {
		t.Errorf("unique violation: %s", got)
	}
}
