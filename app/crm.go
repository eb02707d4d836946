package app

import (
	"context"
	"log/slog"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/crm"
)

// Authenticate resolves an API token into the acting user, and records
// the token's use (at most hourly; a failure to record it does not fail
// the request it authenticates).
func (a *App) Authenticate(ctx context.Context, secret string) (quotient.Actor, error) {
	var actor quotient.Actor
	var tok crm.Token
	err := a.db.Read(ctx, func(tx Tx) error {
		var err error
		actor, tok, err = a.crm.Authenticate(ctx, tx, secret)
		return err
	})
	if err != nil {
		return actor, err
	}
	if a.crm.TokenUseDue(tok) {
		if err := a.db.InTx(ctx, func(tx Tx) error { return a.crm.NoteTokenUse(ctx, tx, tok) }); err != nil {
			a.log.Warn("record token use", slog.String("token_id", tok.ID), slog.Any("error", err))
		}
	}
	return actor, nil
}

// Bootstrap creates the admin user with the given API token when no user
// exists yet, and reports whether it did.
func (a *App) Bootstrap(ctx context.Context, secret string) (bool, error) {
	return change(ctx, a, func(tx Tx) (bool, error) { return a.crm.Bootstrap(ctx, tx, secret) })
}

// Me is the signed-in user.
func (a *App) Me(ctx context.Context) (crm.User, error) {
	act, err := quotient.RequireActor(ctx)
	if err != nil {
		return crm.User{}, err
	}
	return a.User(ctx, act.UserID)
}

// SetMyLocale changes the signed-in user's own language and formats
// ("" follows the browser's language).
func (a *App) SetMyLocale(ctx context.Context, locale string) (crm.User, error) {
	return change(ctx, a, func(tx Tx) (crm.User, error) { return a.crm.SetMyLocale(ctx, tx, locale) })
}

// Users lists users.
func (a *App) Users(ctx context.Context, f crm.UserFilter) ([]crm.User, error) {
	return read(ctx, a, func(tx Tx) ([]crm.User, error) { return a.crm.ListUsers(ctx, tx, f) })
}

// CreateUser adds a user (admin).
func (a *App) CreateUser(ctx context.Context, in crm.UserInput) (crm.User, error) {
	return change(ctx, a, func(tx Tx) (crm.User, error) { return a.crm.CreateUser(ctx, tx, in) })
}

// User returns a user.
func (a *App) User(ctx context.Context, id string) (crm.User, error) {
	return read(ctx, a, func(tx Tx) (crm.User, error) { return a.crm.GetUser(ctx, tx, id) })
}

// UpdateUser changes a user (admin) read at version (0: any).
func (a *App) UpdateUser(ctx context.Context, id string, version int, p crm.UserPatch) (crm.User, error) {
	return change(ctx, a, func(tx Tx) (crm.User, error) { return a.crm.UpdateUser(ctx, tx, id, version, p) })
}

// DeactivateUser deactivates a user and revokes their tokens (admin):
// users are never deleted, since records name them.
func (a *App) DeactivateUser(ctx context.Context, id string, version int) (crm.User, error) {
	off := false
	return a.UpdateUser(ctx, id, version, crm.UserPatch{Active: &off})
}

// Tokens lists a user's API tokens (never their secrets).
func (a *App) Tokens(ctx context.Context, userID string, p quotient.Page) ([]crm.Token, error) {
	return read(ctx, a, func(tx Tx) ([]crm.Token, error) { return a.crm.ListTokens(ctx, tx, userID, p) })
}

// NewToken is a token with its secret, which is shown once.
type NewToken struct {
	Token  crm.Token
	Secret string
}

// CreateToken makes an API token for a user (admin).
func (a *App) CreateToken(ctx context.Context, userID, name string) (NewToken, error) {
	return change(ctx, a, func(tx Tx) (NewToken, error) {
		t, secret, err := a.crm.CreateToken(ctx, tx, userID, name)
		return NewToken{t, secret}, err
	})
}

// RevokeToken revokes an API token (admin).
func (a *App) RevokeToken(ctx context.Context, id string) error {
	return do(ctx, a, func(tx Tx) error { return a.crm.RevokeToken(ctx, tx, id) })
}

// Accounts lists customer accounts.
func (a *App) Accounts(ctx context.Context, f crm.AccountFilter) ([]crm.Account, error) {
	return read(ctx, a, func(tx Tx) ([]crm.Account, error) { return a.crm.ListAccounts(ctx, tx, f) })
}

// CreateAccount adds a customer account.
func (a *App) CreateAccount(ctx context.Context, in crm.AccountInput) (crm.Account, error) {
	return change(ctx, a, func(tx Tx) (crm.Account, error) { return a.crm.CreateAccount(ctx, tx, in) })
}

// Account returns a customer account.
func (a *App) Account(ctx context.Context, id string) (crm.Account, error) {
	return read(ctx, a, func(tx Tx) (crm.Account, error) { return a.crm.GetAccount(ctx, tx, id) })
}

// UpdateAccount changes an account read at version (0: any).
func (a *App) UpdateAccount(ctx context.Context, id string, version int, p crm.AccountPatch) (crm.Account, error) {
	return change(ctx, a, func(tx Tx) (crm.Account, error) { return a.crm.UpdateAccount(ctx, tx, id, version, p) })
}

// AccountTeam lists an account's team.
func (a *App) AccountTeam(ctx context.Context, id string) ([]crm.TeamMember, error) {
	return read(ctx, a, func(tx Tx) ([]crm.TeamMember, error) { return a.crm.TeamMembers(ctx, tx, id) })
}

// AddTeamMember puts a user on an account's team.
func (a *App) AddTeamMember(ctx context.Context, id string, m crm.TeamMember) (crm.TeamMember, error) {
	return change(ctx, a, func(tx Tx) (crm.TeamMember, error) { return a.crm.AddTeamMember(ctx, tx, id, m) })
}

// RemoveTeamMember takes a user off an account's team.
func (a *App) RemoveTeamMember(ctx context.Context, id, userID string) error {
	return do(ctx, a, func(tx Tx) error { return a.crm.RemoveTeamMember(ctx, tx, id, userID) })
}

// AccountHistory lists an account's changes, oldest first.
func (a *App) AccountHistory(ctx context.Context, id string) ([]crm.AccountChange, error) {
	return read(ctx, a, func(tx Tx) ([]crm.AccountChange, error) { return a.crm.AccountHistory(ctx, tx, id) })
}

// DeleteAccount deletes an account that has no opportunities.
func (a *App) DeleteAccount(ctx context.Context, id string) error {
	return do(ctx, a, func(tx Tx) error { return a.crm.DeleteAccount(ctx, tx, id) })
}

// Contacts lists an account's contacts.
func (a *App) Contacts(ctx context.Context, f crm.ContactFilter) ([]crm.Contact, error) {
	return read(ctx, a, func(tx Tx) ([]crm.Contact, error) { return a.crm.ListContacts(ctx, tx, f) })
}

// CreateContact adds a contact to an account.
func (a *App) CreateContact(ctx context.Context, accountID string, in crm.ContactInput) (crm.Contact, error) {
	return change(ctx, a, func(tx Tx) (crm.Contact, error) { return a.crm.CreateContact(ctx, tx, accountID, in) })
}

// Contact returns an account's contact.
func (a *App) Contact(ctx context.Context, accountID, id string) (crm.Contact, error) {
	return read(ctx, a, func(tx Tx) (crm.Contact, error) { return a.crm.GetContact(ctx, tx, accountID, id) })
}

// UpdateContact changes a contact read at version (0: any).
func (a *App) UpdateContact(ctx context.Context, accountID, id string, version int, p crm.ContactPatch) (crm.Contact, error) {
	return change(ctx, a, func(tx Tx) (crm.Contact, error) { return a.crm.UpdateContact(ctx, tx, accountID, id, version, p) })
}

// DeleteContact deletes a contact.
func (a *App) DeleteContact(ctx context.Context, accountID, id string) error {
	return do(ctx, a, func(tx Tx) error { return a.crm.DeleteContact(ctx, tx, accountID, id) })
}

// Opportunities lists opportunities.
func (a *App) Opportunities(ctx context.Context, f crm.OpportunityFilter) ([]crm.Opportunity, error) {
	return read(ctx, a, func(tx Tx) ([]crm.Opportunity, error) { return a.crm.ListOpportunities(ctx, tx, f) })
}

// CreateOpportunity adds an opportunity.
func (a *App) CreateOpportunity(ctx context.Context, in crm.OpportunityInput) (crm.Opportunity, error) {
	return change(ctx, a, func(tx Tx) (crm.Opportunity, error) { return a.crm.CreateOpportunity(ctx, tx, in) })
}

// Opportunity returns an opportunity.
func (a *App) Opportunity(ctx context.Context, id string) (crm.Opportunity, error) {
	return read(ctx, a, func(tx Tx) (crm.Opportunity, error) { return a.crm.GetOpportunity(ctx, tx, id) })
}

// UpdateOpportunity changes an opportunity read at version (0: any);
// closed ones only by an admin.
func (a *App) UpdateOpportunity(ctx context.Context, id string, version int, p crm.OpportunityPatch) (crm.Opportunity, error) {
	return change(ctx, a, func(tx Tx) (crm.Opportunity, error) { return a.crm.UpdateOpportunity(ctx, tx, id, version, p) })
}

// DeleteOpportunity deletes an opportunity that is not won.
func (a *App) DeleteOpportunity(ctx context.Context, id string) error {
	return do(ctx, a, func(tx Tx) error { return a.crm.DeleteOpportunity(ctx, tx, id) })
}

// Cases lists support cases.
func (a *App) Cases(ctx context.Context, f crm.CaseFilter) ([]crm.Case, error) {
	return read(ctx, a, func(tx Tx) ([]crm.Case, error) { return a.crm.Cases(ctx, tx, f) })
}

// OpenCase opens a support case on an account (not finance).
func (a *App) OpenCase(ctx context.Context, in crm.CaseInput) (crm.Case, error) {
	return change(ctx, a, func(tx Tx) (crm.Case, error) { return a.crm.CreateCase(ctx, tx, in) })
}

// Case returns a support case.
func (a *App) Case(ctx context.Context, id string) (crm.Case, error) {
	return read(ctx, a, func(tx Tx) (crm.Case, error) { return a.crm.GetCase(ctx, tx, id) })
}

// UpdateCase changes a support case read at version (0: any); closing it
// records when.
func (a *App) UpdateCase(ctx context.Context, id string, version int, in crm.CaseInput) (crm.Case, error) {
	return change(ctx, a, func(tx Tx) (crm.Case, error) { return a.crm.UpdateCase(ctx, tx, id, version, in) })
}
