package server

import (
	"context"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/ledger"
)

// StatementRowJSON is an account's figure in a statement, in the sign its
// type carries; ledger is where its entries are (empty for a computed row
// such as current earnings).
type StatementRowJSON struct {
	AccountCode string `json:"account_code"`
	Name        string `json:"name"`
	Amount      string `json:"amount" format:"decimal"`
	Ledger      string `json:"ledger,omitempty"`
	// Compared is the account in each comparative column, by its name.
	Compared map[string]string `json:"compared,omitempty"`
}

// ComparativeJSON is a column a statement is compared with: a period
// (from, to) for the income statement, a date (to) for the balance sheet.
type ComparativeJSON struct {
	Name string `json:"name" enum:"previous_period,last_year,year_to_date"`
	From string `json:"from,omitempty" format:"date"`
	To   string `json:"to" format:"date"`
}

// StatementSectionJSON is the accounts of one type and their total.
type StatementSectionJSON struct {
	Name           string             `json:"name"`
	Type           string             `json:"type" enum:"asset,liability,equity,revenue,expense"`
	Rows           []StatementRowJSON `json:"rows"`
	Total          string             `json:"total" format:"decimal"`
	ComparedTotals map[string]string  `json:"compared_totals,omitempty"`
}

// IncomeStatementJSON is revenue less expenses over a period.
type IncomeStatementJSON struct {
	Currency          string                 `json:"currency"`
	InBase            bool                   `json:"in_base"`
	From              string                 `json:"from" format:"date"`
	To                string                 `json:"to" format:"date"`
	Sections          []StatementSectionJSON `json:"sections"`
	NetIncome         string                 `json:"net_income" format:"decimal"`
	Comparatives      []ComparativeJSON      `json:"comparatives,omitempty"`
	NetIncomeCompared map[string]string      `json:"net_income_compared,omitempty"`
}

// BalanceSheetJSON is what the company holds and owes on a date.
type BalanceSheetJSON struct {
	Currency         string                 `json:"currency"`
	InBase           bool                   `json:"in_base"`
	AsOf             string                 `json:"as_of" format:"date"`
	Sections         []StatementSectionJSON `json:"sections"`
	TotalAssets      string                 `json:"total_assets" format:"decimal"`
	TotalLiabilities string                 `json:"total_liabilities" format:"decimal"`
	TotalEquity      string                 `json:"total_equity" format:"decimal"`
	// TotalLiabilitiesAndEquity equals TotalAssets when Balanced.
	TotalLiabilitiesAndEquity string            `json:"total_liabilities_and_equity" format:"decimal"`
	CurrentEarnings           string            `json:"current_earnings" format:"decimal"`
	Balanced                  bool              `json:"balanced"`
	Comparatives              []ComparativeJSON `json:"comparatives,omitempty"`
}

// IncomeStatementsJSON is the income statement of every currency.
type IncomeStatementsJSON struct {
	From       string                `json:"from" format:"date"`
	To         string                `json:"to" format:"date"`
	Statements []IncomeStatementJSON `json:"statements"`
}

// BalanceSheetsJSON is the balance sheet of every currency.
type BalanceSheetsJSON struct {
	AsOf       string             `json:"as_of" format:"date"`
	Statements []BalanceSheetJSON `json:"statements"`
}

// compared keys a row's or total's comparative figures by column name.
func compared(cur quotient.Currency, comps []ledger.Comparative, figs []decimal.Decimal) map[string]string {
	if len(comps) == 0 {
		return nil
	}
	out := make(map[string]string, len(comps))
	for i, c := range comps {
		if i < len(figs) {
			out[c.Name] = cur.Format(figs[i])
		}
	}
	return out
}

func comparativesJSON(comps []ledger.Comparative) []ComparativeJSON {
	out := make([]ComparativeJSON, len(comps))
	for i, c := range comps {
		out[i] = ComparativeJSON{Name: c.Name, To: c.To.String()}
		if !c.From.IsZero() {
			out[i].From = c.From.String()
		}
	}
	return out
}

func statementSections(cur quotient.Currency, inBase bool, secs []ledger.StatementSection, from, to quotient.Date, comps []ledger.Comparative) []StatementSectionJSON {
	view := "currency=" + cur.Code + "&"
	if inBase {
		view = ""
	}
	out := make([]StatementSectionJSON, len(secs))
	for i, s := range secs {
		sj := StatementSectionJSON{Name: s.Name, Type: string(s.Type), Rows: []StatementRowJSON{}, Total: cur.Format(s.Total),
			ComparedTotals: compared(cur, comps, s.CompareTotals)}
		for _, r := range s.Rows {
			row := StatementRowJSON{AccountCode: r.Account.Code, Name: r.Account.Name, Amount: cur.Format(r.Amount), Compared: compared(cur, comps, r.Compare)}
			if r.Account.Code != "" {
				row.Ledger = v1 + "/ledger/accounts/" + r.Account.Code + "/ledger?" + view + "to=" + to.String()
				if !from.IsZero() {
					row.Ledger += "&from=" + from.String()
				}
			}
			sj.Rows = append(sj.Rows, row)
		}
		out[i] = sj
	}
	return out
}

func incomeStatementJSON(is ledger.IncomeStatement) IncomeStatementJSON {
	cur, _ := quotient.LookupCurrency(is.Currency)
	return IncomeStatementJSON{Currency: is.Currency, InBase: is.InBase, From: is.From.String(), To: is.To.String(),
		Sections: statementSections(cur, is.InBase, is.Sections, is.From, is.To, is.Comparatives), NetIncome: cur.Format(is.NetIncome),
		Comparatives: comparativesJSON(is.Comparatives), NetIncomeCompared: compared(cur, is.Comparatives, is.NetIncomeCompare)}
}

func balanceSheetJSON(bs ledger.BalanceSheet) BalanceSheetJSON {
	cur, _ := quotient.LookupCurrency(bs.Currency)
	return BalanceSheetJSON{Currency: bs.Currency, InBase: bs.InBase, AsOf: bs.AsOf.String(), Sections: statementSections(cur, bs.InBase, bs.Sections, quotient.Date{}, bs.AsOf, bs.Comparatives),
		Comparatives: comparativesJSON(bs.Comparatives),
		TotalAssets:  cur.Format(bs.TotalAssets), TotalLiabilities: cur.Format(bs.TotalLiabilities), TotalEquity: cur.Format(bs.TotalEquity),
		TotalLiabilitiesAndEquity: cur.Format(bs.TotalLiabilities.Add(bs.TotalEquity)), CurrentEarnings: cur.Format(bs.CurrentEarnings), Balanced: bs.Balanced}
}

// statementRows are a statement's CSV rows: each account under its
// section, each section's total, then the bottom lines; a column per
// comparative follows the amount.
func statementRows(secs []StatementSectionJSON, comps []ComparativeJSON, bottom ...[]string) [][]string {
	var rows [][]string
	with := func(row []string, figs map[string]string) []string {
		for _, c := range comps {
			row = append(row, figs[c.Name])
		}
		return row
	}
	for _, s := range secs {
		for _, r := range s.Rows {
			rows = append(rows, with([]string{s.Name, r.AccountCode, r.Name, r.Amount}, r.Compared))
		}
		rows = append(rows, with([]string{s.Name, "", "Total " + s.Name, s.Total}, s.ComparedTotals))
	}
	return append(rows, bottom...)
}

// statementHeader is the CSV header, with a column per comparative.
func statementHeader(compare []string) []string {
	return append([]string{"section", "account_code", "name", "amount"}, compare...)
}

// compareList reads ?compare=last_year,previous_period.
func compareList(f map[string]string) []string {
	var out []string
	for _, n := range strings.Split(f["compare"], ",") {
		if n = strings.TrimSpace(n); n != "" {
			out = append(out, n)
		}
	}
	return out
}

func (s *Server) incomeStatement() fiber.Handler {
	return func(c *fiber.Ctx) error {
		_, f, err := parseList(c, "from", "to", "currency", "basis", "compare")
		if err != nil {
			return err
		}
		d, err := queryDays(f, "from", "to")
		if err != nil {
			return err
		}
		compare := compareList(f)
		if wantsPDF(c) && !wantsCSV(c) {
			file, err := s.app.IncomeStatementPDF(c.UserContext(), f["currency"], f["basis"], d[0], d[1], compare...)
			return pdf(c, file, err)
		}
		iss, err := s.app.IncomeStatements(c.UserContext(), f["currency"], f["basis"], d[0], d[1], compare...)
		if err != nil {
			return err
		}
		secs := mapSlice(iss, incomeStatementJSON)
		from, to := ledger.IncomePeriod(d[0], d[1], s.app.Today())
		return sendReport(c, report[IncomeStatementJSON]{named: single(f), sections: secs,
			csvName:  "income-statement-" + csvView(f) + "-" + from.String() + "-" + to.String(),
			header:   statementHeader(compare),
			currency: func(x IncomeStatementJSON) string { return x.Currency },
			wrap: func(x []IncomeStatementJSON) any {
				return IncomeStatementsJSON{From: from.String(), To: to.String(), Statements: x}
			},
			rows: func(x IncomeStatementJSON) [][]string {
				net := []string{"", "", "Net income", x.NetIncome}
				for _, c := range x.Comparatives {
					net = append(net, x.NetIncomeCompared[c.Name])
				}
				return statementRows(x.Sections, x.Comparatives, net)
			}})
	}
}

func (s *Server) balanceSheet() fiber.Handler {
	return func(c *fiber.Ctx) error {
		_, f, err := parseList(c, "as_of", "currency", "basis", "compare")
		if err != nil {
			return err
		}
		d, err := queryDays(f, "as_of")
		if err != nil {
			return err
		}
		compare := compareList(f)
		if wantsPDF(c) && !wantsCSV(c) {
			file, err := s.app.BalanceSheetPDF(c.UserContext(), f["currency"], f["basis"], d[0], compare...)
			return pdf(c, file, err)
		}
		bss, err := s.app.BalanceSheets(c.UserContext(), f["currency"], f["basis"], d[0], compare...)
		if err != nil {
			return err
		}
		secs := mapSlice(bss, balanceSheetJSON)
		asOf := d[0]
		if asOf.IsZero() {
			asOf = s.app.Today()
		}
		return sendReport(c, report[BalanceSheetJSON]{named: single(f), sections: secs,
			csvName:  "balance-sheet-" + csvView(f) + "-" + asOf.String(),
			header:   statementHeader(compare),
			currency: func(x BalanceSheetJSON) string { return x.Currency },
			wrap:     func(x []BalanceSheetJSON) any { return BalanceSheetsJSON{AsOf: asOf.String(), Statements: x} },
			rows: func(x BalanceSheetJSON) [][]string {
				return statementRows(x.Sections, x.Comparatives, []string{"", "", "Total liabilities and equity", x.TotalLiabilitiesAndEquity})
			}})
	}
}

// YearCloseJSON is what closing a year posted.
type YearCloseJSON struct {
	Year    int                `json:"year"`
	Entries []JournalEntryJSON `json:"entries"`
}

// closeYear is POST /ledger/years/{year}/close.
func (s *Server) closeYear() fiber.Handler {
	return func(c *fiber.Ctx) error {
		year, err := strconv.Atoi(c.Params("year"))
		if err != nil || len(c.Params("year")) != 4 {
			return quotient.FieldErrorf(quotient.Invalid, "year", "a year is four digits, such as 2026 (got %q)", c.Params("year"))
		}
		return commit(c, func(ctx context.Context) ([]ledger.Entry, error) { return s.app.CloseYear(ctx, year) },
			func(es []ledger.Entry) response {
				return response{status: fiber.StatusOK, body: YearCloseJSON{Year: year, Entries: mapSlice(es, journalEntryJSON)}}
			})
	}
}
