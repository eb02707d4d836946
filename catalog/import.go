package catalog

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
)

// RowError is one problem in an imported spreadsheet. Row counts lines as
// a spreadsheet does: the header is row 1.
type RowError struct {
	Row     int
	Column  string
	Message string
}

// ImportError lists every problem found; nothing was written.
type ImportError struct {
	Errors []RowError
}

func (e *ImportError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "import rejected, nothing was written: %d problem(s)", len(e.Errors))
	for _, r := range e.Errors {
		fmt.Fprintf(&b, "\n  row %d, column %s: %s", r.Row, r.Column, r.Message)
	}
	return b.String()
}

// ImportResult counts what an import wrote.
type ImportResult struct {
	Created   int
	Updated   int
	Unchanged int // rows that held what was there already
}

// ProductColumns are the columns of a products CSV; sku, name and family
// are required, the rest default as for POST /products.
var ProductColumns = []string{"sku", "name", "family", "kind", "uom", "unit_cost", "tax_category", "description", "active", "track_inventory"}

// EntryColumns are the columns of a price-book entries CSV; all but active
// are required. price_book is the book's id or its exact name.
var EntryColumns = []string{"price_book", "sku", "unit_price", "active"}

const maxImportRows = 100000

type sheet struct {
	cols map[string]int
	rows [][]string
	errs []RowError
}

func (s *sheet) get(row []string, col string) string {
	i, ok := s.cols[col]
	if !ok || i >= len(row) {
		return ""
	}
	return strings.TrimSpace(row[i])
}

func (s *sheet) fail(row int, col, format string, args ...any) {
	s.errs = append(s.errs, RowError{Row: row, Column: col, Message: fmt.Sprintf(format, args...)})
}

// readSheet reads a CSV with a header naming known columns.
func readSheet(r io.Reader, known, required []string) (*sheet, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &ImportError{Errors: []RowError{{Row: 1, Column: "-", Message: "the file is empty; the first row must name the columns"}}}
		}
		return nil, &ImportError{Errors: []RowError{{Row: 1, Column: "-", Message: err.Error()}}}
	}
	s := &sheet{cols: map[string]int{}}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		ok := false
		for _, k := range known {
			ok = ok || h == k
		}
		if !ok {
			s.fail(1, h, "unknown column; the columns are %s", strings.Join(known, ", "))
			continue
		}
		if _, dup := s.cols[h]; dup {
			s.fail(1, h, "column appears twice")
		}
		s.cols[h] = i
	}
	for _, c := range required {
		if _, ok := s.cols[c]; !ok {
			s.fail(1, c, "required column is missing")
		}
	}
	if len(s.errs) > 0 {
		return nil, &ImportError{Errors: s.errs}
	}
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			s.fail(line, "-", "%v", err)
			return nil, &ImportError{Errors: s.errs}
		}
		if len(s.rows) >= maxImportRows {
			s.fail(line, "-", "at most %d rows per import", maxImportRows)
			return nil, &ImportError{Errors: s.errs}
		}
		s.rows = append(s.rows, rec)
	}
	return s, nil
}

func parseBool(v string, def bool) (bool, bool) {
	switch strings.ToLower(v) {
	case "":
		return def, true
	case "true", "yes", "1", "y":
		return true, true
	case "false", "no", "0", "n":
		return false, true
	}
	return false, false
}

// addFieldErrors turns a domain validation error into row errors.
func (s *sheet) addFieldErrors(row int, err error) bool {
	var qe *quotient.Error
	if !errors.As(err, &qe) || (qe.Code != quotient.Unprocessable && qe.Code != quotient.Conflict) {
		return false
	}
	if len(qe.Fields) == 0 {
		s.fail(row, qe.Field, "%s", qe.Message)
		return true
	}
	for _, f := range qe.Fields {
		s.fail(row, f.Field, "%s", f.Message)
	}
	return true
}

// ImportProducts creates or updates (by sku) the products of a CSV, all or
// nothing: on any problem it returns an *ImportError listing every row at
// fault, and the caller rolls back. progress, when set, is told how many
// rows are done.
func (s *Service) ImportProducts(ctx context.Context, st Store, r io.Reader, progress func(done, total int)) (ImportResult, error) {
	if err := requireCatalogAdmin(ctx); err != nil {
		return ImportResult{}, err
	}
	sh, err := readSheet(r, ProductColumns, []string{"sku", "name", "family"})
	if err != nil {
		return ImportResult{}, err
	}
	var res ImportResult
	skus := map[string]int{}
	for i, row := range sh.rows {
		line := i + 2
		if progress != nil {
			progress(i, len(sh.rows))
		}
		sku := sh.get(row, "sku")
		if prev, dup := skus[sku]; dup && sku != "" {
			sh.fail(line, "sku", "sku %q already appears on row %d", sku, prev)
			continue
		}
		skus[sku] = line
		cost := decimal.Zero
		if v := sh.get(row, "unit_cost"); v != "" {
			d, ok := quotient.ParseDecimal(v)
			if !ok {
				sh.fail(line, "unit_cost", "must be a decimal number such as 125.50 (got %q)", v)
				continue
			}
			cost = d
		}
		active, ok := parseBool(sh.get(row, "active"), true)
		if !ok {
			sh.fail(line, "active", "must be true or false (got %q)", sh.get(row, "active"))
			continue
		}
		kind := Kind(sh.get(row, "kind"))
		if kind == "" {
			kind = KindGood
		}
		track, ok := parseBool(sh.get(row, "track_inventory"), kind == KindGood)
		if !ok {
			sh.fail(line, "track_inventory", "must be true or false (got %q)", sh.get(row, "track_inventory"))
			continue
		}
		uom, tax := sh.get(row, "uom"), sh.get(row, "tax_category")
		existing, err := st.GetProductBySKU(ctx, sku)
		switch {
		case err == nil:
			p := ProductPatch{Name: ptr(sh.get(row, "name")), Family: ptr(sh.get(row, "family")), Kind: &kind,
				UnitCost: &cost, Active: &active, TrackInventory: &track}
			if _, has := sh.cols["description"]; has {
				p.Description = ptr(sh.get(row, "description"))
			}
			if uom != "" {
				p.UOM = &uom
			}
			if tax != "" {
				p.TaxCategory = &tax
			}
			if _, err := s.UpdateProduct(ctx, st, existing.ID, 0, p); err != nil {
				if !sh.addFieldErrors(line, err) {
					return ImportResult{}, err
				}
				continue
			}
			res.Updated++
		case quotient.ErrorCode(err) == quotient.NotFound:
			in := ProductInput{SKU: sku, Name: sh.get(row, "name"), Family: sh.get(row, "family"), Kind: kind,
				UOM: uom, UnitCost: cost, TaxCategory: tax, Description: sh.get(row, "description"),
				Active: &active, TrackInventory: &track}
			if _, err := s.createProduct(ctx, st, in); err != nil {
				if !sh.addFieldErrors(line, err) {
					return ImportResult{}, err
				}
				continue
			}
			res.Created++
		default:
			return ImportResult{}, err
		}
	}
	if progress != nil {
		progress(len(sh.rows), len(sh.rows))
	}
	if len(sh.errs) > 0 {
		return ImportResult{}, &ImportError{Errors: sh.errs}
	}
	return res, nil
}

// ImportEntries creates or updates price-book entries from a CSV, all or
// nothing, as ImportProducts does.
func (s *Service) ImportEntries(ctx context.Context, st Store, r io.Reader, progress func(done, total int)) (ImportResult, error) {
	if err := requireCatalogAdmin(ctx); err != nil {
		return ImportResult{}, err
	}
	sh, err := readSheet(r, EntryColumns, []string{"price_book", "sku", "unit_price"})
	if err != nil {
		return ImportResult{}, err
	}
	books, err := allPriceBooks(ctx, st)
	if err != nil {
		return ImportResult{}, err
	}
	var res ImportResult
	seen := map[string]int{}
	for i, row := range sh.rows {
		line := i + 2
		if progress != nil {
			progress(i, len(sh.rows))
		}
		bookRef := sh.get(row, "price_book")
		b, ok := books[bookRef]
		if !ok {
			sh.fail(line, "price_book", "no price book with id or name %q", bookRef)
			continue
		}
		sku := sh.get(row, "sku")
		pr, err := st.GetProductBySKU(ctx, sku)
		if err != nil {
			if quotient.ErrorCode(err) != quotient.NotFound {
				return ImportResult{}, err
			}
			sh.fail(line, "sku", "no product with sku %q", sku)
			continue
		}
		key := b.ID + "/" + pr.ID
		if prev, dup := seen[key]; dup {
			sh.fail(line, "sku", "%s in %s already appears on row %d", sku, b.Name, prev)
			continue
		}
		seen[key] = line
		price, ok := quotient.ParseDecimal(sh.get(row, "unit_price"))
		if !ok {
			sh.fail(line, "unit_price", "must be a decimal number such as 1299.00 (got %q)", sh.get(row, "unit_price"))
			continue
		}
		active, ok := parseBool(sh.get(row, "active"), true)
		if !ok {
			sh.fail(line, "active", "must be true or false (got %q)", sh.get(row, "active"))
			continue
		}
		existing, err := st.EntryFor(ctx, b.ID, pr.ID)
		switch {
		case err == nil:
			if _, err := s.UpdateEntry(ctx, st, b.ID, existing.ID, 0, EntryPatch{UnitPrice: &price, Active: &active}); err != nil {
				if !sh.addFieldErrors(line, err) {
					return ImportResult{}, err
				}
				continue
			}
			res.Updated++
		case quotient.ErrorCode(err) == quotient.NotFound:
			if _, err := s.CreateEntry(ctx, st, b.ID, EntryInput{ProductID: pr.ID, UnitPrice: price, Active: &active}); err != nil {
				if !sh.addFieldErrors(line, err) {
					return ImportResult{}, err
				}
				continue
			}
			res.Created++
		default:
			return ImportResult{}, err
		}
	}
	if progress != nil {
		progress(len(sh.rows), len(sh.rows))
	}
	if len(sh.errs) > 0 {
		sort.SliceStable(sh.errs, func(i, j int) bool { return sh.errs[i].Row < sh.errs[j].Row })
		return ImportResult{}, &ImportError{Errors: sh.errs}
	}
	return res, nil
}

// allPriceBooks maps every price book by id and by name.
func allPriceBooks(ctx context.Context, st Store) (map[string]PriceBook, error) {
	out := map[string]PriceBook{}
	f := PriceBookFilter{Page: quotient.Page{Limit: 500}}
	for range 1000 {
		page, err := st.ListPriceBooks(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, b := range page {
			out[b.ID] = b
			out[b.Name] = b
		}
		if len(page) < f.Limit {
			break
		}
		f.After = page[len(page)-1].ID
	}
	return out, nil
}

func ptr[T any](v T) *T { return &v }
