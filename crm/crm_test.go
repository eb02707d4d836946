package crm

import (
	"testing"
	"time"

	"github.com/quotient-cpq/quotient"
)

func TestPaymentTerms(t *testing.T) {
	for s, want := range map[string]bool{
		"net_30": true, "net_0": true, "eom_30": true, "due_on_receipt": true, "2_10_net_30": true, "1.5_15_net_45": true,
		"net30": false, "net_": false, "NET_30": false, "2/10 net 30": false, "eom_1000": false, "": false,
	} {
		if got := ValidPaymentTerms(s); got != want {
			t.Errorf("ValidPaymentTerms(%q): got %v, want %v", s, got, want)
		}
	}
}

func TestCanOwn(t *testing.T) {
	mgr := quotient.Actor{UserID: "m", Role: quotient.RoleSalesManager, Team: []string{"m", "r1"}}
	rep := quotient.Actor{UserID: "r1", Role: quotient.RoleSalesRep, Team: []string{"r1"}}
	fin := quotient.Actor{UserID: "f", Role: quotient.RoleFinance}
	adm := quotient.Actor{UserID: "a", Role: quotient.RoleAdmin}
	cases := []struct {
		who   quotient.Actor
		owner string
		want  bool
	}{
		{adm, "anyone", true}, {mgr, "r1", true}, {mgr, "m", true}, {mgr, "r2", false},
		{rep, "r1", true}, {rep, "r2", false}, {fin, "f", false},
	}
	for _, c := range cases {
		if got := canOwn(c.who, c.owner); got != c.want {
			t.Errorf("canOwn(%s, %s): got %v, want %v", c.who.Role, c.owner, got, c.want)
		}
	}
}

func TestStageProbabilities(t *testing.T) {
	want := map[Stage]string{Prospecting: "10", Qualification: "20", Proposal: "50", Negotiation: "75", ClosedWon: "100", ClosedLost: "0"}
	for st, p := range want {
		if got := st.DefaultProbability().String(); got != p {
			t.Errorf("%s: got %s, want %s", st, got, p)
		}
		if st.Closed() != (st == ClosedWon || st == ClosedLost) {
			t.Errorf("%s: Closed() wrong", st)
		}
	}
	if len(Stages) != 6 {
		t.Fatalf("got %d stages, want 6", len(Stages))
	}
}

func TestTokenUseDue(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	s := NewService(func() time.Time { return now })
	recent, old := now.Add(-59*time.Minute), now.Add(-61*time.Minute)
	for _, c := range []struct {
		last *time.Time
		want bool
	}{{nil, true}, {&recent, false}, {&old, true}} {
		if got := s.TokenUseDue(Token{LastUsedAt: c.last}); got != c.want {
			t.Errorf("TokenUseDue(last used %v): got %v, want %v", c.last, got, c.want)
		}
	}
}
