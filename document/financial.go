package document

import (
	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
)

// FinancialRow is an account's line in a financial statement: its figure,
// then one per comparative column. A row without a code is a total or a
// computed line, printed bold.
type FinancialRow struct {
	Code, Name string
	Amounts    []decimal.Decimal
}

// FinancialSection is a section of a statement (Revenue, Assets…).
type FinancialSection struct {
	Name  string
	Rows  []FinancialRow
	Total []decimal.Decimal
}

// FinancialStatement is an income statement or a balance sheet as a
// document: Columns name the figures (the statement's dates first, then
// each comparative's).
type FinancialStatement struct {
	Company  Party
	Kind     string // INCOME STATEMENT, BALANCE SHEET
	Title    string // "Income statement, 2026-11-01 to 2026-11-30"
	Currency string
	InBase   bool // every currency's lines at their base amounts
	Date     quotient.Date
	Columns  []string
	Sections []FinancialSection
	Bottom   []FinancialRow // net income; total liabilities and equity
}

// FinancialStatementPDF renders one or more statements, one after another.
func FinancialStatementPDF(fss []FinancialStatement) ([]byte, error) {
	sheets := make([]sheet, len(fss))
	title := ""
	for i, fs := range fss {
		sh := sheet{kind: fs.Kind, title: fs.Title, ref: fs.Title + " (" + fs.Currency + ")", company: fs.Company, partyLabel: fs.Title,
			customer: Party{Name: in(fs)}, facts: [][2]string{{"Currency", fs.Currency}, {"Printed", fs.Date.String()}}}
		// Code and account take 80 mm; the figures share the other 100.
		sh.cols = []column{{"Account", 18, "L"}, {"", 62, "L"}}
		w := 100 / float64(max(len(fs.Columns), 1))
		for _, c := range fs.Columns {
			sh.cols = append(sh.cols, column{c, w, "R"})
		}
		sh.wrap = 1
		money := func(ds []decimal.Decimal) []string {
			out := make([]string, len(ds))
			for i, d := range ds {
				out[i] = Money(d, fs.Currency)
			}
			return out
		}
		for _, sec := range fs.Sections {
			sh.rows = append(sh.rows, append([]string{"", sec.Name}, make([]string, len(fs.Columns))...))
			for _, r := range sec.Rows {
				sh.rows = append(sh.rows, append([]string{r.Code, r.Name}, money(r.Amounts)...))
			}
			sh.rows = append(sh.rows, append([]string{"", "Total " + sec.Name}, money(sec.Total)...))
		}
		for _, b := range fs.Bottom {
			sh.rows = append(sh.rows, append([]string{"", b.Name}, money(b.Amounts)...))
		}
		sheets[i] = sh
		if i == 0 {
			title = fs.Title
		}
	}
	return renderSheets(title, sheets)
}

// in says what currency a statement is in.
func in(fs FinancialStatement) string {
	if fs.InBase {
		return "In " + fs.Currency + ", the base currency: every currency at its base amount"
	}
	return "In " + fs.Currency
}
