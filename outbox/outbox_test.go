package outbox

import (
	"errors"
	"testing"
	"time"
)

func TestAttemptedBacksOffThenFails(t *testing.T) {
	now := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	boom := errors.New("451 mailbox busy")
	for _, tc := range []struct {
		attempts int
		err      error
		status   Status
		wait     time.Duration
	}{
		{1, nil, Sent, 0},
		{1, boom, Pending, 30 * time.Second},
		{2, boom, Pending, time.Minute},
		{4, boom, Pending, 4 * time.Minute},
		{7, boom, Pending, 32 * time.Minute},
		{MaxAttempts, boom, Failed, time.Hour},
	} {
		got := Attempted(Message{ID: "obx_1", Attempts: tc.attempts}, tc.err, now)
		if got.Status != tc.status || got.Next.Sub(now) != tc.wait {
			t.Errorf("attempt %d (%v): got %s after %s, want %s after %s", tc.attempts, tc.err, got.Status, got.Next.Sub(now), tc.status, tc.wait)
		}
		if (tc.err == nil) != (got.LastError == "") {
			t.Errorf("attempt %d: last error %q", tc.attempts, got.LastError)
		}
	}
}
