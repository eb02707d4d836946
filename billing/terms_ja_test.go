package billing

import "testing"

// TestTermsInJapanese: the terms a Japanese invoice prints.
func TestTermsInJapanese(t *testing.T) {
	for code, want := range map[string]string{
		"eom_30":         "月末締め 30日後払い",
		"net_60":         "請求日より60日以内",
		"due_on_receipt": "請求書受領時払い",
		"2_10_net_30":    "請求日より30日以内（10日以内のお支払いで2%割引）",
	} {
		tm, err := ParseTerms(code)
		if err != nil {
			t.Fatal(err)
		}
		if got := tm.Japanese(); got != want {
			t.Errorf("%s: %q, want %q", code, got, want)
		}
	}
}
