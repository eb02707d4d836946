package server

import (
	"fmt"
	"time"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/app"
	"github.com/quotient-cpq/quotient/catalog"
	"github.com/quotient-cpq/quotient/quote"
)

// QuoteLineRequest is a line as the rep enters it.
type QuoteLineRequest struct {
	ProductID         string                 `json:"product_id"`
	SKU               string                 `json:"sku"`
	Quantity          *Dec                   `json:"quantity"`
	Configuration     map[string]ConfigValue `json:"configuration,omitempty"`
	ManualDiscountPct *Dec                   `json:"manual_discount_pct,omitempty"`
	// The terms of a recurring product's line; defaults: today, the
	// product's default term (else 12 months), its billing period.
	StartDate        *string `json:"start_date,omitempty" format:"date"`
	TermMonths       *int    `json:"term_months,omitempty" minimum:"1" maximum:"120"`
	EndDate          *string `json:"end_date,omitempty" format:"date"`
	BillingFrequency *string `json:"billing_frequency,omitempty" enum:"month,quarter,year"`
}

// QuoteRequest creates a quote (opportunity_id or account_id, and lines)
// or, in a PATCH, changes a draft; lines replace every line.
type QuoteRequest struct {
	OpportunityID     *string             `json:"opportunity_id"`
	AccountID         *string             `json:"account_id"`
	ContactID         *string             `json:"contact_id"`
	PriceBookID       *string             `json:"price_book_id"`
	ValidUntil        *string             `json:"valid_until" format:"date"`
	Terms             *string             `json:"terms" maxLength:"20000"`
	Notes             *string             `json:"notes" maxLength:"20000"`
	HeaderDiscountPct *Dec                `json:"header_discount_pct"`
	Lines             *[]QuoteLineRequest `json:"lines"`
}

func quoteLines(p *quotient.Problems, in []QuoteLineRequest) []quote.Line {
	out := make([]quote.Line, len(in))
	for i, l := range in {
		f := fmt.Sprintf("lines[%d]", i)
		switch {
		case l.ProductID == "" && l.SKU == "":
			p.Add(f+".product_id", "is required (or name the product by sku)")
		case l.ProductID != "" && l.SKU != "":
			p.Add(f+".sku", "name the product by product_id or by sku, not both")
		}
		if l.Quantity == nil {
			p.Add(f+".quantity", "is required")
		}
		out[i] = quote.Line{ProductID: l.ProductID, SKU: l.SKU, Quantity: l.Quantity.Value(p, f+".quantity"),
			Configuration: configuration(p, f, l.Configuration), ManualDiscountPct: l.ManualDiscountPct.Value(p, f+".manual_discount_pct"),
			StartDate: day(p, f+".start_date", l.StartDate), EndDate: day(p, f+".end_date", l.EndDate),
			BillingFrequency: catalog.BillingPeriod(strOr(l.BillingFrequency))}
		if l.TermMonths != nil {
			out[i].TermMonths = *l.TermMonths
			if *l.TermMonths < 1 {
				p.Add(f+".term_months", "must be between 1 and 120 months")
			}
		}
	}
	return out
}

func (r QuoteRequest) input() (quote.Input, error) {
	p := quotient.Problems{}
	in := quote.Input{OpportunityID: strOr(r.OpportunityID), AccountID: strOr(r.AccountID), ContactID: strOr(r.ContactID),
		PriceBookID: strOr(r.PriceBookID), ValidUntil: day(&p, "valid_until", r.ValidUntil), Terms: strOr(r.Terms), Notes: strOr(r.Notes),
		HeaderDiscountPct: r.HeaderDiscountPct.Value(&p, "header_discount_pct")}
	if r.Lines != nil {
		in.Lines = quoteLines(&p, *r.Lines)
	}
	return in, p.Err()
}

func (r QuoteRequest) patch() (quote.Patch, error) {
	p := quotient.Problems{}
	for field, set := range map[string]bool{"opportunity_id": r.OpportunityID != nil, "account_id": r.AccountID != nil, "price_book_id": r.PriceBookID != nil} {
		if set {
			p.Add(field, "cannot change on an existing quote; create a new quote")
		}
	}
	out := quote.Patch{ContactID: r.ContactID, ValidUntil: dayPatch(&p, "valid_until", r.ValidUntil), Terms: r.Terms, Notes: r.Notes,
		HeaderDiscountPct: r.HeaderDiscountPct.Ptr(&p, "header_discount_pct")}
	if r.Lines != nil {
		ls := quoteLines(&p, *r.Lines)
		out.Lines = &ls
	}
	return out, p.Err()
}

// QuoteJSON is a quote with one of its versions (the current one unless a
// version was asked for): the header, the version's state and its pricing
// (lines with traces, taxes, totals), as POST /pricing/preview shows it.
type QuoteJSON struct {
	ID             string  `json:"id"`
	Number         string  `json:"number"`
	AccountID      string  `json:"account_id"`
	OpportunityID  *string `json:"opportunity_id"`
	ContactID      *string `json:"contact_id"`
	OwnerID        string  `json:"owner_id"`
	Version        int     `json:"version"`
	Revision       int     `json:"revision"`
	CurrentVersion int     `json:"current_version"`
	Status         string  `json:"status" enum:"draft,pending_approval,approved,sent,accepted,rejected,expired,superseded"`
	ValidUntil     string  `json:"valid_until" format:"date"`
	Terms          string  `json:"terms"`
	Notes          string  `json:"notes"`
	// Kind is new, or amendment or renewal of ContractID.
	Kind       string  `json:"kind" enum:"new,amendment,renewal"`
	ContractID *string `json:"contract_id"`
	// ReductionsCredited: an amendment of a contract whose terms credited
	// reductions when it was made; its fewer seats end on their line's
	// start and their days invoiced are credited on acceptance.
	ReductionsCredited bool `json:"reductions_credited"`
	// Recurring revenue: monthly and annual, what an amendment changes
	// of the contract's monthly revenue, the total and annual contract
	// value (recurring and one-time), the first year's value, and the
	// one-time lines' net.
	MRR            string  `json:"mrr" format:"decimal"`
	ARR            string  `json:"arr" format:"decimal"`
	MRRChange      *string `json:"mrr_change,omitempty" format:"decimal"`
	TCV            string  `json:"tcv" format:"decimal"`
	ACV            string  `json:"acv" format:"decimal"`
	FirstYearValue string  `json:"first_year_value" format:"decimal"`
	OneTime        string  `json:"one_time" format:"decimal"`
	PricingJSON
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

func quoteJSON(x app.QuoteVersion) QuoteJSON {
	q, v := x.Quote, x.Version
	out := QuoteJSON{ID: q.ID, Number: q.Number, AccountID: q.AccountID, OpportunityID: optStr(q.OpportunityID), ContactID: optStr(q.ContactID),
		OwnerID: q.OwnerID, Version: v.Version, Revision: v.ETag, CurrentVersion: q.CurrentVersion, Status: string(v.Status), ValidUntil: v.ValidUntil.String(),
		Terms: v.Terms, Notes: v.Notes, PricingJSON: pricingJSON(v.Priced), CreatedAt: v.CreatedAt, UpdatedAt: v.UpdatedAt,
		Kind: string(q.Kind), ContractID: optStr(q.ContractID), ReductionsCredited: q.ReductionsCredited}
	if out.Kind == "" {
		out.Kind = string(quote.New)
	}
	w := quote.Worth(q, v)
	cur := q.Currency
	out.MRR, out.ARR, out.TCV, out.ACV = fmtMoney(w.MRR, cur), fmtMoney(w.ARR, cur), fmtMoney(w.TCV, cur), fmtMoney(w.ACV, cur)
	out.FirstYearValue, out.OneTime = fmtMoney(w.FirstYear, cur), fmtMoney(w.OneTime, cur)
	if q.Kind == quote.Amendment {
		out.MRRChange = moneyPtr(&w.MRRChange, cur)
	}
	for i, lv := range w.Lines {
		if !lv.Recurring || i >= len(out.Lines) {
			continue
		}
		l := v.Lines[i]
		t := &LineTermsJSON{BillingPeriod: v.Priced.Lines[i].BillingPeriod, StartDate: l.StartDate.String(), EndDate: l.EndDate.String(),
			TermMonths: l.TermMonths, BillingFrequency: string(l.BillingFrequency), PerPeriod: fmtMoney(lv.PerPeriod, cur),
			MRR: fmtMoney(lv.MRR, cur), TCV: fmtMoney(lv.TCV, cur), FirstYearValue: fmtMoney(lv.FirstYear, cur)}
		if q.Kind == quote.Amendment {
			prior := l.PriorQuantity.String()
			t.PriorQuantity, t.MRRChange = &prior, moneyPtr(&lv.MRRChange, cur)
		}
		if l.ContractPrice != nil {
			cp := l.ContractPrice.String()
			t.ContractPrice = &cp
		}
		out.Lines[i].LineTermsJSON = t
	}
	return out
}

// ApprovalRuleJSON is an approval rule.
type ApprovalRuleJSON struct {
	ID           string    `json:"id"`
	Name         string    `json:"name"`
	Condition    string    `json:"condition"`
	ApproverKind string    `json:"approver_kind" enum:"role,user,manager"`
	ApproverRole *string   `json:"approver_role"`
	ApproverID   *string   `json:"approver_id"`
	Message      string    `json:"message"`
	Active       bool      `json:"active"`
	Version      int       `json:"version"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// ApprovalRuleRequest creates a rule (name, condition, approver_kind and
// its approver required) or changes one.
type ApprovalRuleRequest struct {
	Name         *string `json:"name" maxLength:"200"`
	Condition    *string `json:"condition" maxLength:"4000"`
	ApproverKind *string `json:"approver_kind" enum:"role,user,manager"`
	ApproverRole *string `json:"approver_role"`
	ApproverID   *string `json:"approver_id"`
	Message      *string `json:"message" maxLength:"500"`
	Active       *bool   `json:"active"`
}

func approvalRuleJSON(r quote.ApprovalRule) ApprovalRuleJSON {
	return ApprovalRuleJSON{ID: r.ID, Name: r.Name, Condition: r.Condition, ApproverKind: r.ApproverKind, ApproverRole: optStr(r.ApproverRole),
		ApproverID: optStr(r.ApproverID), Message: r.Message, Active: r.Active, Version: r.Version, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

func (r ApprovalRuleRequest) input() (quote.ApprovalRule, error) {
	out := quote.ApprovalRule{Name: strOr(r.Name), Condition: strOr(r.Condition), ApproverKind: strOr(r.ApproverKind),
		ApproverRole: strOr(r.ApproverRole), ApproverID: strOr(r.ApproverID), Message: strOr(r.Message), Active: true}
	if r.Active != nil {
		out.Active = *r.Active
	}
	if r.Condition == nil {
		return out, quotient.FieldErrorf(quotient.Unprocessable, "condition", "is required")
	}
	return out, nil
}

func (r ApprovalRuleRequest) patch() (quote.ApprovalRulePatch, error) {
	return quote.ApprovalRulePatch(r), nil
}

// ApprovalRequestJSON is one approval a version needs.
type ApprovalRequestJSON struct {
	ID           string            `json:"id"`
	Version      int               `json:"version"`
	RuleID       string            `json:"rule_id"`
	RuleName     string            `json:"rule_name"`
	ApproverKind string            `json:"approver_kind"`
	ApproverRole *string           `json:"approver_role"`
	ApproverID   *string           `json:"approver_id"`
	Status       string            `json:"status" enum:"pending,approved,rejected"`
	Tested       map[string]string `json:"tested"`
	DecidedBy    *string           `json:"decided_by"`
	DecidedAt    *time.Time        `json:"decided_at"`
	Comment      string            `json:"comment"`
	CarriedFrom  *int              `json:"carried_from"`
}

func approvalRequestJSON(r quote.Request) ApprovalRequestJSON {
	return ApprovalRequestJSON{ID: r.ID, Version: r.Version, RuleID: r.RuleID, RuleName: r.RuleName, ApproverKind: r.ApproverKind,
		ApproverRole: optStr(r.ApproverRole), ApproverID: optStr(r.ApproverID), Status: r.Status, Tested: r.Tested,
		DecidedBy: optStr(r.DecidedBy), DecidedAt: r.DecidedAt, Comment: r.Comment, CarriedFrom: r.CarriedFrom}
}

// DecisionRequest approves or rejects; a rejection needs a comment.
type DecisionRequest struct {
	Comment   string `json:"comment" maxLength:"2000"`
	RequestID string `json:"request_id,omitempty"`
}

// SubmissionJSON is a quote after submit, approve or reject, with the
// version's approval requests.
type SubmissionJSON struct {
	Quote     QuoteJSON             `json:"quote"`
	Approvals []ApprovalRequestJSON `json:"approvals"`
}

// EventJSON is one entry of a quote's history.
type EventJSON struct {
	ID      string    `json:"id"`
	Version int       `json:"version"`
	Kind    string    `json:"kind"`
	ActorID string    `json:"actor_id"`
	Detail  string    `json:"detail"`
	At      time.Time `json:"at"`
}

// FieldChangeJSON is one field's before and after.
type FieldChangeJSON struct {
	Field  string `json:"field"`
	Before string `json:"before"`
	After  string `json:"after"`
}

// LineRefJSON names a line of one version.
type LineRefJSON struct {
	Line      int    `json:"line"`
	ProductID string `json:"product_id"`
	SKU       string `json:"sku"`
	Quantity  string `json:"quantity"`
	NetAmount string `json:"net_amount"`
}

// LineChangeJSON is a line in both versions that changed.
type LineChangeJSON struct {
	ProductID    string            `json:"product_id"`
	SKU          string            `json:"sku"`
	FromLine     int               `json:"from_line"`
	ToLine       int               `json:"to_line"`
	Fields       []FieldChangeJSON `json:"fields"`
	StepsAdded   []string          `json:"steps_added"`
	StepsRemoved []string          `json:"steps_removed"`
}

// DiffJSON is what changed between two versions.
type DiffJSON struct {
	From    int               `json:"from"`
	To      int               `json:"to"`
	Header  []FieldChangeJSON `json:"header"`
	Added   []LineRefJSON     `json:"added"`
	Removed []LineRefJSON     `json:"removed"`
	Changed []LineChangeJSON  `json:"changed"`
}

func fieldChanges(fs []quote.FieldChange) []FieldChangeJSON {
	out := make([]FieldChangeJSON, len(fs))
	for i, f := range fs {
		out[i] = FieldChangeJSON(f)
	}
	return out
}

func diffJSON(d quote.Diff) DiffJSON {
	out := DiffJSON{From: d.From, To: d.To, Header: fieldChanges(d.Header), Added: []LineRefJSON{}, Removed: []LineRefJSON{}, Changed: []LineChangeJSON{}}
	for _, l := range d.Added {
		out.Added = append(out.Added, LineRefJSON(l))
	}
	for _, l := range d.Removed {
		out.Removed = append(out.Removed, LineRefJSON(l))
	}
	for _, c := range d.Changed {
		out.Changed = append(out.Changed, LineChangeJSON{ProductID: c.ProductID, SKU: c.SKU, FromLine: c.FromLine, ToLine: c.ToLine,
			Fields: fieldChanges(c.Fields), StepsAdded: nonNil(c.StepsAdded), StepsRemoved: nonNil(c.StepsRemoved)})
	}
	return out
}
