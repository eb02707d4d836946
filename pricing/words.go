package pricing

import (
	"regexp"
	"strconv"
	"strings"
)

// The formats the waterfall's details (Step.Detail), conflicts and
// warnings are said in. The engine writes English with fmt; a page that
// speaks another language reads a detail back into its format and values
// (ParseDetail) and says it through its message catalog. Every detail the
// engine writes is one of TraceFormats: the package's tests hold each
// priced trace to that.
const (
	sayListPrice         = "%s in %s"
	sayOption            = "%s = %s adds %s"
	sayComponent         = "%s × %s at %s"
	sayRange             = "range schedule: quantity in tier %d, %s%% off every unit"
	saySlab              = "slab schedule: %s; %s%% off on average"
	sayNoTier            = "quantity %s is in no discounted tier"
	sayNotApplicable     = "%d rule(s) test another product, family or segment and were not evaluated"
	sayManyNotApplicable = "1000 or more rules test another product, family or segment and were not evaluated"
	sayManual            = "%s%% off by the rep"
	sayContract          = "the contract's price %s per unit replaces the book's price, schedules and rules"
	sayNet               = "unit price × quantity %s, rounded to %d decimals half-up"
	sayHeader            = "this line's share of the %s%% header discount of %s, by largest remainder"
	sayNoTaxRate         = "no tax rate for region %q and category %q: 0%%"
	sayTax               = "%s%% on %s of lines at this rate is %s, rounded once; this line's share by largest remainder"
	sayOutsideValidity   = "outside validity (%s to %s)"
	sayConflict          = "non-stackable rules %q and %q both match at priority %d; change a priority or make one stackable"
	sayConflictSkip      = "conflict: " + sayConflict
	sayAfterStop         = "after non-stackable rule %q"
	sayError             = "error: %s"
	sayFormulaError      = "error in formula: %s"
	sayFalse             = "condition false: %s"
	sayFalseBecause      = "condition false: %s (%s)"
	sayPercentOff        = "%s%% off"
	sayAmountOff         = "%s off per unit"
	saySetPrice          = "unit price set to %s"
	sayFormula           = "formula: %s"
	sayClamp             = "a unit price cannot go below zero"
	sayRuleWarning       = "rule %q: %s"
	sayFormulaWarning    = "rule %q: formula: %s"
)

// TraceFormats lists the formats of Step.Detail, Line.Conflicts and
// Line.Warnings, most specific first (ParseDetail takes the first that
// reads the whole text).
var TraceFormats = []string{sayListPrice, sayOption, sayComponent, sayRange, saySlab, sayNoTier, sayNotApplicable, sayManyNotApplicable,
	sayManual, sayContract, sayNet, sayHeader, sayNoTaxRate, sayTax, sayOutsideValidity, sayConflictSkip, sayConflict, sayAfterStop, sayFormulaError,
	sayError, sayFalseBecause, sayFalse, sayPercentOff, sayAmountOff, saySetPrice, sayFormula, sayClamp, sayFormulaWarning, sayRuleWarning}

// reader reads texts of one format back into their values.
type reader struct {
	format string
	re     *regexp.Regexp
	verbs  []byte // 's', 'd' or 'q', one per value
}

var readers = func() []reader {
	verb := regexp.MustCompile(`%[sdq%]`)
	out := make([]reader, len(TraceFormats))
	for i, f := range TraceFormats {
		var re strings.Builder
		var verbs []byte
		re.WriteString("^")
		last := 0
		for _, m := range verb.FindAllStringIndex(f, -1) {
			re.WriteString(regexp.QuoteMeta(f[last:m[0]]))
			switch v := f[m[0]+1]; v {
			case '%':
				re.WriteString("%")
			case 'd':
				re.WriteString(`(-?[0-9]+)`)
				verbs = append(verbs, v)
			case 'q':
				re.WriteString(`("(?:[^"\\]|\\.)*")`)
				verbs = append(verbs, v)
			default:
				re.WriteString(`(.*?)`)
				verbs = append(verbs, v)
			}
			last = m[1]
		}
		re.WriteString(regexp.QuoteMeta(f[last:]))
		re.WriteString("$")
		out[i] = reader{format: f, re: regexp.MustCompile(re.String()), verbs: verbs}
	}
	return out
}()

// ParseDetail reads a detail, conflict or warning the engine wrote back
// into its format (one of TraceFormats) and values, typed for the format's
// verbs (int for %d, string otherwise); ok is false for any other text.
func ParseDetail(text string) (format string, args []any, ok bool) {
	for _, r := range readers {
		m := r.re.FindStringSubmatch(text)
		if m == nil {
			continue
		}
		args = make([]any, len(r.verbs))
		for i, v := range r.verbs {
			switch v {
			case 'd':
				n, err := strconv.Atoi(m[i+1])
				if err != nil {
					return "", nil, false
				}
				args[i] = n
			case 'q':
				s, err := strconv.Unquote(m[i+1])
				if err != nil {
					return "", nil, false
				}
				args[i] = s
			default:
				args[i] = m[i+1]
			}
		}
		return r.format, args, true
	}
	return "", nil, false
}
