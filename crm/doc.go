// Package crm owns the people and relationships around a sale: users and
// their roles and API tokens, customer accounts, contacts and opportunities.
// It decides who may read and write which of them.
package crm
