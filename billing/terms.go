package billing

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
)

// Terms are payment terms: when an invoice falls due, and an optional
// early-payment discount.
type Terms struct {
	Code         string
	EndOfMonth   bool            // days count from the end of the invoice month
	Days         int             // days until due
	DiscountPct  decimal.Decimal // early-payment discount, 0 when none
	DiscountDays int             // the discount applies when paid within this many days of issue
}

// ParseTerms reads the codes accounts carry: due_on_receipt, net_N, eom_N
// (N days after the end of the invoice month) and P_D_net_N (P % off when
// paid within D days, otherwise due in N days; "2_10_net_30" is 2/10 net 30).
func ParseTerms(code string) (Terms, error) {
	t := Terms{Code: code, DiscountPct: decimal.Zero}
	bad := fmt.Errorf("payment terms %q: use due_on_receipt, net_N, eom_N or P_D_net_N such as 2_10_net_30", code)
	days := func(s string) (int, bool) {
		n, err := strconv.Atoi(s)
		return n, err == nil && n >= 0 && n <= 999 && s != ""
	}
	var ok bool
	switch {
	case code == "due_on_receipt":
		return t, nil
	case strings.HasPrefix(code, "net_"):
		t.Days, ok = days(strings.TrimPrefix(code, "net_"))
	case strings.HasPrefix(code, "eom_"):
		t.EndOfMonth = true
		t.Days, ok = days(strings.TrimPrefix(code, "eom_"))
	default:
		parts := strings.Split(code, "_")
		if len(parts) != 4 || parts[2] != "net" {
			return Terms{}, bad
		}
		pct, err := decimal.NewFromString(parts[0])
		if err != nil || !pct.IsPositive() || pct.GreaterThanOrEqual(decimal.NewFromInt(100)) || strings.ContainsAny(parts[0], "eE+-") {
			return Terms{}, bad
		}
		var okd bool
		t.DiscountPct = pct
		t.DiscountDays, okd = days(parts[1])
		t.Days, ok = days(parts[3])
		ok = ok && okd && t.DiscountDays <= t.Days
	}
	if !ok {
		return Terms{}, bad
	}
	return t, nil
}

// String says the terms in words: "Net 30", "30 days after month end",
// "2% if paid within 10 days, net 30", "Due on receipt".
func (t Terms) String() string {
	var s string
	switch {
	case t.EndOfMonth:
		s = fmt.Sprintf("%d days after month end", t.Days)
	case t.Days == 0 && t.Code == "due_on_receipt":
		s = "Due on receipt"
	default:
		s = fmt.Sprintf("Net %d", t.Days)
	}
	if t.DiscountPct.IsPositive() {
		s = fmt.Sprintf("%s%% if paid within %d days, %s", t.DiscountPct, t.DiscountDays, strings.ToLower(s[:1])+s[1:])
	}
	return s
}

// Japanese is the terms as a Japanese document states them: 月末締め 30日後
// 払い, 請求日より30日以内, 10日以内のお支払いで2%割引.
func (t Terms) Japanese() string {
	var s string
	switch {
	case t.EndOfMonth:
		s = fmt.Sprintf("月末締め %d日後払い", t.Days)
	case t.Days == 0 && t.Code == "due_on_receipt":
		s = "請求書受領時払い"
	default:
		s = fmt.Sprintf("請求日より%d日以内", t.Days)
	}
	if t.DiscountPct.IsPositive() {
		s = fmt.Sprintf("%s（%d日以内のお支払いで%s%%割引）", s, t.DiscountDays, t.DiscountPct)
	}
	return s
}

// Due is the due date of an invoice issued on issue.
func (t Terms) Due(issue quotient.Date) quotient.Date {
	d := issue
	if t.EndOfMonth {
		d = quotient.NewDate(d.Year(), d.Month()+1, 1).AddDays(-1) // last day of the month
	}
	return d.AddDays(t.Days)
}

// DiscountUntil is the last day the early-payment discount applies, and
// false when the terms have none.
func (t Terms) DiscountUntil(issue quotient.Date) (quotient.Date, bool) {
	if !t.DiscountPct.IsPositive() {
		return quotient.Date{}, false
	}
	return issue.AddDays(t.DiscountDays), true
}
