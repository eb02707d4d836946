package quote

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/crm"
	"github.com/quotient-cpq/quotient/i18n"
	"github.com/quotient-cpq/quotient/outbox"
)

// NotifyStore is what telling people about approvals needs: the users,
// and the outbox, in the caller's transaction.
type NotifyStore interface {
	Store
	outbox.Store
	ListUsers(ctx context.Context, f crm.UserFilter) ([]crm.User, error)
}

// approversOf lists the active users who may decide a request, never the
// quote's owner: the named user, everyone with the named role, or the
// owner's manager.
func approversOf(ctx context.Context, st NotifyStore, r Request, owner crm.User) ([]crm.User, error) {
	var out []crm.User
	switch r.ApproverKind {
	case "user":
		u, err := st.GetUser(ctx, r.ApproverID)
		if err != nil && quotient.ErrorCode(err) != quotient.NotFound {
			return nil, err
		}
		if err == nil {
			out = append(out, u)
		}
	case "manager":
		if owner.ManagerID != "" {
			u, err := st.GetUser(ctx, owner.ManagerID)
			if err != nil {
				return nil, err
			}
			out = append(out, u)
		}
	case "role":
		us, err := st.ListUsers(ctx, crm.UserFilter{Role: r.ApproverRole, Page: quotient.Page{Limit: 200}})
		if err != nil {
			return nil, err
		}
		out = us
	}
	kept := out[:0]
	for _, u := range out {
		if u.Active && u.ID != owner.ID && u.Email != "" {
			kept = append(kept, u)
		}
	}
	return kept, nil
}

// NotifyApprovers e-mails, through the outbox, each person who may decide
// a pending request of a submitted version: one message per person,
// naming every rule that waits for them. A request nobody can decide
// (a rep without a manager) is left to admins, who are told instead.
func (s *Service) NotifyApprovers(ctx context.Context, st NotifyStore, q Quote, v Version, reqs []Request, accountName string) error {
	if v.Status != PendingApproval {
		return nil
	}
	owner, err := st.GetUser(ctx, q.OwnerID)
	if err != nil {
		return err
	}
	waiting := map[string][]string{} // user id → rule names
	people := map[string]crm.User{}
	for _, r := range reqs {
		if r.Status != "pending" {
			continue
		}
		us, err := approversOf(ctx, st, r, owner)
		if err != nil {
			return err
		}
		if len(us) == 0 {
			us, err = approversOf(ctx, st, Request{ApproverKind: "role", ApproverRole: string(quotient.RoleAdmin)}, owner)
			if err != nil {
				return err
			}
		}
		for _, u := range us {
			people[u.ID] = u
			waiting[u.ID] = append(waiting[u.ID], r.RuleName)
		}
	}
	ids := make([]string, 0, len(people))
	for id := range people {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	now := s.now().UTC()
	for _, id := range ids {
		u := people[id]
		loc := i18n.Negotiate(u.Locale, "")
		var b strings.Builder
		b.WriteString(loc.T("%s asks you to approve quote %s (version %d) for %s: total %s, discount %s.\n\n",
			owner.Name, q.Number, v.Version, accountName, loc.Money(v.Priced.Total, q.Currency), loc.Percent(v.Priced.DiscountPct)))
		b.WriteString(loc.T("Waiting for you: %s.\n\n", strings.Join(waiting[id], "; ")))
		if s.WorkspaceURL != "" {
			b.WriteString(loc.T("Decide it in your approvals: %s/approvals\n", s.WorkspaceURL))
		} else {
			b.WriteString(loc.T("Decide it with POST /api/v1/quotes/%s/approve or /reject.\n", q.ID))
		}
		m := outbox.New(outbox.ApprovalRequest, q.ID, outbox.Email{To: u.Email,
			Subject: loc.T("Approval needed: quote %s for %s", q.Number, accountName), Text: b.String()}, now)
		if err := st.InsertOutbox(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

// NotifyOwner e-mails the quote's owner, through the outbox, when a
// decision settles a version: approved (every request approved) or sent
// back to draft by a rejection, with the approvers' comments.
func (s *Service) NotifyOwner(ctx context.Context, st NotifyStore, q Quote, v Version, reqs []Request, accountName string) error {
	var outcome string
	switch v.Status {
	case Approved:
		outcome = "approved"
	case Draft:
		outcome = "rejected"
	default:
		return nil // still waiting for others
	}
	owner, err := st.GetUser(ctx, q.OwnerID)
	if err != nil {
		return err
	}
	if !owner.Active || owner.Email == "" {
		return nil
	}
	loc := i18n.Negotiate(owner.Locale, "")
	var b strings.Builder
	b.WriteString(loc.T("Quote %s (version %d) for %s was "+outcome+".\n\n", q.Number, v.Version, accountName))
	for _, r := range reqs {
		if r.Status == "pending" {
			continue
		}
		fmt.Fprintf(&b, "- %s: %s", r.RuleName, loc.T(strings.ToUpper(r.Status[:1])+r.Status[1:]))
		if r.Comment != "" {
			fmt.Fprintf(&b, " (%s)", r.Comment)
		}
		b.WriteString("\n")
	}
	if outcome == "approved" {
		b.WriteString(loc.T("\nYou can send it to the customer now.\n"))
	} else {
		b.WriteString(loc.T("\nIt is a draft again: change it and submit it once more.\n"))
	}
	if s.WorkspaceURL != "" {
		fmt.Fprintf(&b, "%s/quotes/%s\n", s.WorkspaceURL, q.ID)
	}
	m := outbox.New(outbox.ApprovalDecision, q.ID, outbox.Email{To: owner.Email,
		Subject: loc.T("Quote %s "+outcome, q.Number), Text: b.String()}, s.now().UTC())
	return st.InsertOutbox(ctx, m)
}
