package crm

import (
	"context"

	"github.com/quotient-cpq/quotient"
)

// canOwn reports whether the actor may write a record owned by ownerID:
// admins always, managers for their team, reps for their own records.
func canOwn(a quotient.Actor, ownerID string) bool { return a.MayWriteOwnedBy(ownerID) }

// MayChangeContacts reports whether the actor may add or change the
// contacts of acc: the rule CreateContact and UpdateContact apply.
func MayChangeContacts(a quotient.Actor, acc Account) bool { return canOwn(a, acc.OwnerID) }

// MayCreateAccount reports whether the actor may create accounts:
// everyone but finance, the rule CreateAccount applies.
func MayCreateAccount(a quotient.Actor) bool { return a.Role != quotient.RoleFinance }

// MayChangeAccountDetails reports whether the actor may change acc's
// name, currency, segment, addresses, owner and price book: its owner's
// side, never finance; the rule UpdateAccount applies.
func MayChangeAccountDetails(a quotient.Actor, acc Account) bool {
	return a.Role != quotient.RoleFinance && canOwn(a, acc.OwnerID)
}

// MaySetCreditTerms reports whether the actor may set an account's credit
// limit, payment terms and invoicing policy: finance and admins.
func MaySetCreditTerms(a quotient.Actor) bool { return creditControlled(a) }

// MayCreateOpportunity reports whether the actor may open opportunities:
// everyone but finance, the rule CreateOpportunity applies.
func MayCreateOpportunity(a quotient.Actor) bool { return a.Role != quotient.RoleFinance }

// MayChangeOpportunity reports whether the actor may change an
// opportunity: its owner's side (canOwn), and an admin alone once it is
// closed; the rules UpdateOpportunity applies.
func MayChangeOpportunity(a quotient.Actor, o Opportunity) bool {
	return canOwn(a, o.OwnerID) && (!o.Stage.Closed() || a.Role == quotient.RoleAdmin)
}

func forbidden(format string, args ...any) error {
	return quotient.Errorf(quotient.Forbidden, format, args...)
}

// requireAdmin returns a forbidden error unless the actor is an admin.
func requireAdmin(ctx context.Context, what string) error {
	a, err := quotient.RequireActor(ctx)
	if err != nil {
		return err
	}
	if a.Role != quotient.RoleAdmin {
		return forbidden("only an admin may %s", what)
	}
	return nil
}

// ownerFor decides the owner of a new record: the actor unless another is
// asked for, and then only within what the actor may own.
func ownerFor(ctx context.Context, st Store, a quotient.Actor, requested string) (string, error) {
	if requested == "" {
		requested = a.UserID
	}
	if !canOwn(a, requested) {
		return "", &quotient.Error{Code: quotient.Forbidden, Field: "owner_id",
			Message: "you may only assign records to yourself or, as a manager, to your team"}
	}
	if requested != a.UserID {
		u, err := st.GetUser(ctx, requested)
		if err != nil {
			return "", asFieldError(err, "owner_id", "no such user")
		}
		if !u.Active {
			return "", quotient.FieldErrorf(quotient.Unprocessable, "owner_id", "user %s is inactive", requested)
		}
	}
	return requested, nil
}

// asFieldError turns a not_found from a referenced record into a 422 naming
// the field that referred to it.
func asFieldError(err error, field, msg string) error {
	if quotient.ErrorCode(err) == quotient.NotFound {
		return quotient.FieldErrorf(quotient.Unprocessable, field, "%s", msg)
	}
	return err
}

// checkVersion compares the version the client last saw (0: not given).
func checkVersion(want, have int) error { return quotient.CheckVersion("record", want, have) }
