package web

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	qrcode "github.com/skip2/go-qrcode"
)

// TestQRDrawsTheCode reads the squares back out of the drawing and holds
// them to the QR code of the text, module by module: every dark module
// drawn, no light one, the quiet zone included; and the label is escaped.
func TestQRDrawsTheCode(t *testing.T) {
	text := "otpauth://totp/Quotient:sofia%40northwind.example?secret=JBSWY3DPEHPK3PXP&issuer=Quotient"
	svg, err := qrSVG(text, `QR code <of> the key`)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := qrcode.New(text, qrcode.Medium)
	if got := ReadQR(string(svg)); !equalBits(got, want.Bitmap()) {
		t.Fatalf("the drawing is not the code of %q", text)
	}
	other, _ := qrcode.New(text+"x", qrcode.Medium)
	if equalBits(ReadQR(string(svg)), other.Bitmap()) {
		t.Fatal("the drawing matches another text's code")
	}
	if !strings.Contains(string(svg), `aria-label="QR code &lt;of&gt; the key"`) {
		t.Fatalf("the label: %s", svg[:120])
	}
}

var moduleRe = regexp.MustCompile(`M(\d+) (\d+)h1v1h-1z`)

// ReadQR turns a drawing of qrSVG back into its modules.
func ReadQR(svg string) [][]bool {
	m := regexp.MustCompile(`viewBox="0 0 (\d+) `).FindStringSubmatch(svg)
	if m == nil {
		return nil
	}
	n, _ := strconv.Atoi(m[1])
	bits := make([][]bool, n)
	for i := range bits {
		bits[i] = make([]bool, n)
	}
	for _, sq := range moduleRe.FindAllStringSubmatch(svg, -1) {
		x, _ := strconv.Atoi(sq[1])
		y, _ := strconv.Atoi(sq[2])
		if x < n && y < n {
			bits[y][x] = true
		}
	}
	return bits
}

func equalBits(a, b [][]bool) bool {
	if len(a) != len(b) || len(a) == 0 {
		return false
	}
	for y := range a {
		if len(a[y]) != len(b[y]) {
			return false
		}
		for x := range a[y] {
			if a[y][x] != b[y][x] {
				return false
			}
		}
	}
	return true
}
