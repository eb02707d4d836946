package pricing

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/catalog"
	"github.com/quotient-cpq/quotient/crm"
)

// PreviewInput is a pricing request over the API.
type PreviewInput struct {
	AccountID         string
	Currency          string
	PriceBookID       string
	PricingDate       quotient.Date // today when zero
	HeaderDiscountPct decimal.Decimal
	Lines             []LineInput
}

// Preview prices lines for an account without saving anything. The price
// book is the one asked for, else the account's own, else the default
// book of the currency.
func (s *Service) Preview(ctx context.Context, st Store, in PreviewInput) (*Result, error) {
	if _, err := actor(ctx); err != nil {
		return nil, err
	}
	p := quotient.Problems{}
	p.Text("account_id", in.AccountID, quotient.Required, 64)
	if err := p.Err(); err != nil {
		return nil, err
	}
	rv, cv, err := st.PricingVersions(ctx)
	if err != nil {
		return nil, err
	}
	cat := s.catalogAt(cv)
	acc, err := st.GetAccount(ctx, in.AccountID)
	if err != nil {
		if quotient.ErrorCode(err) == quotient.NotFound {
			return nil, quotient.FieldErrorf(quotient.Unprocessable, "account_id", "no such account %q", in.AccountID)
		}
		return nil, err
	}
	cur := in.Currency
	if cur == "" {
		cur = acc.Currency
	}
	date := in.PricingDate
	if date.IsZero() {
		date = quotient.DateOf(s.now())
	}
	book, err := s.bookFor(ctx, st, cat, in.PriceBookID, acc, cur, date)
	if err != nil {
		return nil, err
	}
	ids := map[string]bool{}
	for _, l := range in.Lines {
		ids[l.ProductID] = true
	}
	list := make([]string, 0, len(ids))
	for id := range ids {
		list = append(list, id)
	}
	sort.Strings(list)
	products, err := cat.productsByID(ctx, st, list)
	if err != nil {
		return nil, err
	}
	for _, pr := range products {
		for _, c := range pr.Components {
			if !ids[c.ProductID] {
				ids[c.ProductID] = true
				list = append(list, c.ProductID)
			}
		}
	}
	if len(list) > len(products) {
		if products, err = cat.productsByID(ctx, st, list); err != nil {
			return nil, err
		}
	}
	entries, err := cat.entriesFor(ctx, st, book.ID, list)
	if err != nil {
		return nil, err
	}
	lines, err := s.resolveConfigurations(ctx, st, cat, in.Lines, products, acc, cur)
	if err != nil {
		return nil, err
	}
	in.Lines = lines
	rb, err := s.rulebookAt(ctx, st, rv)
	if err != nil {
		return nil, err
	}
	req := Request{Currency: cur, Date: date, HeaderDiscountPct: in.HeaderDiscountPct, Lines: in.Lines, CostCurrency: s.CostCurrency,
		Account: AccountFacts{ID: acc.ID, Name: acc.Name, Segment: acc.Segment, Industry: acc.Industry, TaxRegion: acc.TaxRegion, Currency: acc.Currency}}
	return Price(req, Book{PriceBook: book, Products: products, Entries: entries}, rb)
}

// resolveConfigurations applies each configured product's configuration
// rules: selections change what is priced, and a configuration the rules
// reject is a 422 naming the line, the attribute and the rule.
func (s *Service) resolveConfigurations(ctx context.Context, st Store, cat *catalogCache, lines []LineInput, products map[string]catalog.Product, acc crm.Account, cur string) ([]LineInput, error) {
	byProduct := map[string][]catalog.ConfigRule{}
	out := make([]LineInput, len(lines))
	p := quotient.Problems{}
	for i, l := range lines {
		out[i] = l
		pr, ok := products[l.ProductID]
		if !ok || len(pr.Attributes) == 0 {
			continue
		}
		crs, seen := byProduct[pr.ID]
		if !seen {
			var err error
			if crs, err = cat.configRules(ctx, st, pr.ID); err != nil {
				return nil, err
			}
			byProduct[pr.ID] = crs
		}
		if len(crs) == 0 {
			continue
		}
		res, err := catalog.Evaluate(pr, crs, catalog.ConfigureInput{Configuration: l.Configuration,
			Account: catalog.ConfigAccount{ID: acc.ID, Segment: acc.Segment, Industry: acc.Industry, TaxRegion: acc.TaxRegion, Currency: acc.Currency},
			Quote:   catalog.ConfigQuote{Currency: cur, LineCount: len(lines)}}, s.configCache)
		if err != nil {
			return nil, err
		}
		for _, e := range res.Errors {
			field := fmt.Sprintf("lines[%d].configuration", i)
			if e.Attribute != "" {
				field += "." + e.Attribute
			}
			msg := e.Message
			if e.RuleName != "" && !strings.Contains(msg, e.RuleName) {
				msg += fmt.Sprintf(" (rule %q)", e.RuleName)
			}
			p.Add(field, "%s", msg)
		}
		out[i].Configuration = res.Values
		for _, w := range res.Warnings {
			out[i].Notices = append(out[i].Notices, w.Message)
		}
	}
	return out, p.Err()
}

func (s *Service) bookFor(ctx context.Context, st Store, cat *catalogCache, asked string, acc crm.Account, cur string, day quotient.Date) (catalog.PriceBook, error) {
	field, id := "price_book_id", asked
	if id == "" && acc.PriceBookID != "" {
		field, id = "account.price_book_id", acc.PriceBookID
	}
	var b catalog.PriceBook
	var err error
	if id != "" {
		b, err = cat.priceBook(ctx, st, id, "")
		if quotient.ErrorCode(err) == quotient.NotFound {
			return b, quotient.FieldErrorf(quotient.Unprocessable, field, "no such price book %q", id)
		}
	} else {
		field = "currency"
		b, err = cat.priceBook(ctx, st, "", cur)
		if quotient.ErrorCode(err) == quotient.NotFound {
			return b, quotient.FieldErrorf(quotient.Unprocessable, "currency", "there is no default price book in %s; name a price_book_id", cur)
		}
	}
	if err != nil {
		return b, err
	}
	switch {
	case b.Currency != cur:
		return b, quotient.FieldErrorf(quotient.Unprocessable, field, "price book %s is in %s, not %s", b.Name, b.Currency, cur)
	case !b.Active:
		return b, quotient.FieldErrorf(quotient.Unprocessable, field, "price book %s is inactive", b.Name)
	case !day.Within(b.ValidFrom, b.ValidTo):
		return b, quotient.FieldErrorf(quotient.Unprocessable, field, "price book %s is not valid on %s", b.Name, day)
	}
	return b, nil
}
