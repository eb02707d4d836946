package store

import (
	"context"
	"encoding/json"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/catalog"
)

type configRuleRow struct {
	ID        string `db:"id"`
	ProductID string `db:"product_id"`
	Name      string `db:"name"`
	Kind      string `db:"kind"`
	Condition string `db:"condition"`
	Message   string `db:"message"`
	Action    string `db:"action"`
	Active    bool   `db:"active"`
	Version   int    `db:"version"`
	CreatedAt dbTime `db:"created_at"`
	UpdatedAt dbTime `db:"updated_at"`
}

type actionJSON struct {
	Attribute string   `json:"attribute,omitempty"`
	Value     string   `json:"value,omitempty"`
	Options   []string `json:"options,omitempty"`
}

const configRuleCols = `id, product_id, name, kind, condition, message, action, active, version, created_at, updated_at`

func (r configRuleRow) rule() (catalog.ConfigRule, error) {
	var a actionJSON
	err := json.Unmarshal([]byte(r.Action), &a)
	return catalog.ConfigRule{ID: r.ID, ProductID: r.ProductID, Name: r.Name, Kind: catalog.RuleKind(r.Kind), Condition: r.Condition,
		Message: r.Message, Action: catalog.RuleAction(a), Active: r.Active, Version: r.Version,
		CreatedAt: r.CreatedAt.Time, UpdatedAt: r.UpdatedAt.Time}, err
}

func encodeAction(a catalog.RuleAction) string {
	b, _ := json.Marshal(actionJSON(a))
	return string(b)
}

// InsertConfigRule stores a new configuration rule.
func (t *Tx) InsertConfigRule(ctx context.Context, r catalog.ConfigRule) error {
	_, err := t.exec(ctx, `INSERT INTO product_rules (`+configRuleCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ID, r.ProductID, r.Name, string(r.Kind), r.Condition, r.Message, encodeAction(r.Action), r.Active, r.Version,
		t.ts(r.CreatedAt), t.ts(r.UpdatedAt))
	return err
}

// GetConfigRule loads a configuration rule.
func (t *Tx) GetConfigRule(ctx context.Context, id string) (catalog.ConfigRule, error) {
	var r configRuleRow
	if err := t.get(ctx, &r, `SELECT `+configRuleCols+` FROM product_rules WHERE id = ?`, id); err != nil {
		return catalog.ConfigRule{}, getOr(err, "configuration rule", id)
	}
	return r.rule()
}

// UpdateConfigRule writes a configuration rule if it is still at version.
func (t *Tx) UpdateConfigRule(ctx context.Context, r catalog.ConfigRule, version int) error {
	return t.versioned(ctx, "product_rules", "configuration rule", r.ID, `UPDATE product_rules SET name = ?, kind = ?, condition = ?,
		message = ?, action = ?, active = ?, version = ?, updated_at = ? WHERE id = ? AND version = ?`,
		r.Name, string(r.Kind), r.Condition, r.Message, encodeAction(r.Action), r.Active, r.Version, t.ts(r.UpdatedAt), r.ID, version)
}

// DeleteConfigRule removes a configuration rule.
func (t *Tx) DeleteConfigRule(ctx context.Context, id string) error {
	return t.deleteByID(ctx, "product_rules", "configuration rule", id)
}

// ListConfigRules returns a page of a product's configuration rules.
func (t *Tx) ListConfigRules(ctx context.Context, productID string, p quotient.Page) ([]catalog.ConfigRule, error) {
	var rows []configRuleRow
	if err := t.list(ctx, &rows, configRuleCols, "product_rules", []string{"product_id = ?"}, []any{productID}, p.After, p.Limit); err != nil {
		return nil, err
	}
	out := make([]catalog.ConfigRule, len(rows))
	for i, r := range rows {
		cr, err := r.rule()
		if err != nil {
			return nil, err
		}
		out[i] = cr
	}
	return out, nil
}
