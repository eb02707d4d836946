package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/quotient-cpq/quotient"
)

// Setting reads a named setting; ok is false when it was never set.
func (t *Tx) Setting(ctx context.Context, name string) (value string, ok bool, err error) {
	err = t.get(ctx, &value, `SELECT value FROM settings WHERE name = ?`, name)
	if quotient.ErrorCode(err) == quotient.NotFound {
		return "", false, nil
	}
	return value, err == nil, err
}

// PutSetting stores a setting, replacing its value.
func (t *Tx) PutSetting(ctx context.Context, name, value string) error {
	_, err := t.exec(ctx, `INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value`, name, value)
	return err
}

// PutSettingIfAbsent stores a setting unless one exists, and returns the
// value in force, so concurrent first starts agree on one value.
func (t *Tx) PutSettingIfAbsent(ctx context.Context, name, value string) (string, error) {
	q := `INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`
	if _, err := t.exec(ctx, q, name, value); err != nil {
		return "", err
	}
	v, _, err := t.Setting(ctx, name)
	return v, err
}

type idemRow struct {
	UserID      string `db:"user_id"`
	Key         string `db:"key"`
	Method      string `db:"method"`
	Path        string `db:"path"`
	RequestHash string `db:"request_hash"`
	Status      int    `db:"status"`
	ContentType string `db:"content_type"`
	Headers     string `db:"headers"`
	Body        []byte `db:"body"`
	CreatedAt   dbTime `db:"created_at"`
}

// IdempotencyRecord loads the record of a key.
func (t *Tx) IdempotencyRecord(ctx context.Context, userID, key string) (quotient.IdempotencyRecord, error) {
	var row idemRow
	if err := t.get(ctx, &row, `SELECT user_id, key, method, path, request_hash, status, content_type, headers, body, created_at
		FROM idempotency_keys WHERE user_id = ? AND key = ?`, userID, key); err != nil {
		return quotient.IdempotencyRecord{}, getOr(err, "idempotency key", key)
	}
	r := quotient.IdempotencyRecord{UserID: row.UserID, Key: row.Key, Method: row.Method, Path: row.Path,
		RequestHash: row.RequestHash, Status: row.Status, ContentType: row.ContentType, Body: row.Body,
		CreatedAt: row.CreatedAt.Time}
	if err := json.Unmarshal([]byte(row.Headers), &r.Headers); err != nil {
		return quotient.IdempotencyRecord{}, err
	}
	return r, nil
}

// SaveIdempotencyKey records a finished request under its key unless a
// record exists, and reports whether it did. Called in the transaction
// that made the request's effect, it makes effect and record one.
func (t *Tx) SaveIdempotencyKey(ctx context.Context, r quotient.IdempotencyRecord) (bool, error) {
	headers := []byte("{}")
	if r.Headers != nil {
		var err error
		if headers, err = json.Marshal(r.Headers); err != nil {
			return false, err
		}
	}
	n, err := t.execN(ctx, `INSERT INTO idempotency_keys (user_id, key, method, path, request_hash, status, content_type, headers, body, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, key) DO NOTHING`,
		r.UserID, r.Key, r.Method, r.Path, r.RequestHash, r.Status, r.ContentType, string(headers), r.Body, t.ts(r.CreatedAt))
	return n == 1, err
}

// PurgeIdempotencyKeys deletes records created before a time.
func (t *Tx) PurgeIdempotencyKeys(ctx context.Context, before time.Time) (int64, error) {
	return t.execN(ctx, `DELETE FROM idempotency_keys WHERE created_at < ?`, t.ts(before))
}
