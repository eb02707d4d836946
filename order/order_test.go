package order

import (
	"testing"

	"github.com/quotient-cpq/quotient"
)

func TestStatusFollowsLines(t *testing.T) {
	line := func(id, parent string, qty, fulfilled, cancelled quotient.Quantity) Line {
		return Line{ID: id, ParentLineID: parent, Stocked: parent != "" || id == "disk", Quantity: qty, Fulfilled: fulfilled, Cancelled: cancelled}
	}
	cases := []struct {
		name  string
		lines []Line
		want  Status
	}{
		{"nothing shipped", []Line{line("disk", "", 3, 0, 0), line("svc", "", 1, 0, 0)}, Open},
		{"part shipped", []Line{line("disk", "", 3, 1, 0), line("svc", "", 1, 0, 0)}, PartiallyFulfilled},
		{"all shipped", []Line{line("disk", "", 3, 3, 0), line("svc", "", 1, 1, 0)}, Fulfilled},
		{"shipped or cancelled", []Line{line("disk", "", 3, 2, 1), line("svc", "", 1, 1, 0)}, Fulfilled},
		// A bundle header never ships itself: its components decide.
		{"bundle by components", []Line{line("kit", "", 1, 0, 0), line("c1", "kit", 2, 2, 0)}, Fulfilled},
		{"bundle part", []Line{line("kit", "", 1, 0, 0), line("c1", "kit", 2, 1, 0), line("c2", "kit", 1, 0, 0)}, PartiallyFulfilled},
	}
	for _, c := range cases {
		if got := status(Order{Lines: c.lines}); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}

func TestBackordered(t *testing.T) {
	l := Line{Stocked: true, Quantity: 10, Reserved: 3, Fulfilled: 2, Cancelled: 1}
	if got := l.Backordered(); got != 4 {
		t.Fatalf("backordered %d, want 4", got)
	}
	l.Stocked = false
	if got := l.Backordered(); got != 0 {
		t.Fatalf("a service line is never backordered: %d", got)
	}
}
