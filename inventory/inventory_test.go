package inventory

import (
	"testing"

	"github.com/shopspring/decimal"
)

func TestAvailableIsOnHandLessReserved(t *testing.T) {
	l := Level{OnHand: decimal.NewFromInt(10), Reserved: decimal.RequireFromString("2.5")}
	if !l.Available().Equal(decimal.RequireFromString("7.5")) {
		t.Errorf("Available: %s", l.Available())
	}
}
