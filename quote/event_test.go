package quote

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestEventFormatsListed holds every format the package says events in
// (says("…"), and a line's change with its total) to EventFormats, which
// the catalog's test holds to a translation: an event said in a new way
// fails here until it is listed.
func TestEventFormatsListed(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	re := regexp.MustCompile(`says\("((?:[^"\\]|\\.)*)"`)
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			n++
			format := m[1]
			if strings.HasPrefix(format, "line %s ") || format == "%s line(s)" {
				format += ", total %s %s" // what repriced says with the new total
			}
			if !slices.Contains(EventFormats, format) {
				t.Errorf("%s says events as %q, which EventFormats does not list", f, format)
			}
		}
	}
	if n < 10 {
		t.Fatalf("found %d formats; the pattern no longer matches the code", n)
	}
	if got := says("line %s added", "3").String(); got != "line 3 added" {
		t.Fatalf("a sentence: %q", got)
	}
}
