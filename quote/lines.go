package quote

import (
	"context"
	"strconv"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
)

// LineEdit changes, adds or removes one line of a draft, so that an
// editor of a long quote sends one line rather than all of them.
type LineEdit struct {
	// Line is the 1-based number of the line to change or remove; 0 adds
	// Add as a new last line.
	Line int
	// ProductID is the product the editor saw on the line: a line that
	// now holds another product (lines were removed or reordered since)
	// is stale.
	ProductID         string
	Quantity          *decimal.Decimal
	ManualDiscountPct *decimal.Decimal
	// Configuration, when not nil, replaces the line's configuration.
	Configuration map[string]string
	Remove        bool
	Add           *Line
}

// EditLine applies one line edit to a draft read at version and revision
// (0: any) and prices it again. Field errors name the line as
// lines[i], as an update of every line would.
func (s *Service) EditLine(ctx context.Context, st Store, id string, version, revision int, e LineEdit) (Quote, Version, error) {
	q, v, err := s.draft(ctx, st, id, version, revision)
	if err != nil {
		return Quote{}, Version{}, err
	}
	old := v.ETag
	lines := make([]Line, len(v.Lines), len(v.Lines)+1)
	copy(lines, v.Lines)
	var what said
	switch {
	case e.Line == 0:
		if e.Add == nil {
			return Quote{}, Version{}, quotient.FieldErrorf(quotient.Invalid, "line", "name the line to change, or a line to add")
		}
		lines = append(lines, carryContract(q, v.Lines, []Line{*e.Add})...)
		what = says("line %s added", strconv.Itoa(len(lines)))
	case e.Line < 0 || e.Line > len(lines):
		return Quote{}, Version{}, quotient.FieldErrorf(quotient.Stale, "line", "quote %s has %d line(s) now; there is no line %d", q.Number, len(lines), e.Line)
	case e.ProductID != "" && lines[e.Line-1].ProductID != e.ProductID:
		return Quote{}, Version{}, quotient.FieldErrorf(quotient.Stale, "line", "line %d of quote %s holds another product now; fetch the quote again", e.Line, q.Number)
	case e.Remove:
		lines = append(lines[:e.Line-1], lines[e.Line:]...)
		what = says("line %s removed", strconv.Itoa(e.Line))
	default:
		l := &lines[e.Line-1]
		setIf(&l.Quantity, e.Quantity)
		setIf(&l.ManualDiscountPct, e.ManualDiscountPct)
		if e.Configuration != nil {
			l.Configuration = e.Configuration
		}
		what = says("line %s changed", strconv.Itoa(e.Line))
	}
	v.Lines = lines
	return s.repriced(ctx, st, q, v, old, what)
}
