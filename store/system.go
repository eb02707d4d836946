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

// ClaimIdempotencyKey inserts a pending record for a key. When the key is
// already taken it returns the stored record and claimed=false.
func (t *Tx) ClaimIdempotencyKey(ctx context.Context, r quotient.IdempotencyRecord) (quotient.IdempotencyRecord, bool, error) {
	res, err := t.exec(ctx, `INSERT INTO idempotency_keys (user_id, key, method, path, request_hash, status, content_type, created_at)
		VALUES (?, ?, ?, ?, ?, 0, '', ?) ON CONFLICT (user_id, key) DO NOTHING`,
		r.UserID, r.Key, r.Method, r.Path, r.RequestHash, t.ts(r.CreatedAt))
	if err != nil {
		return quotient.IdempotencyRecord{}, false, err
	}
	if n, err := res.RowsAffected(); err != nil {
		return quotient.IdempotencyRecord{}, false, err
	} else if n == 1 {
		return r, true, nil
	}
	got, err := t.IdempotencyRecord(ctx, r.UserID, r.Key)
	return got, false, err
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

// CompleteIdempotencyKey stores the response of a finished request: the
// status, content type, headers and body of r. Called in the transaction
// that made the request's effect, it makes effect and record one.
func (t *Tx) CompleteIdempotencyKey(ctx context.Context, r quotient.IdempotencyRecord) error {
	headers, err := json.Marshal(r.Headers)
	if err != nil {
		return err
	}
	if r.Headers == nil {
		headers = []byte("{}")
	}
	_, err = t.exec(ctx, `UPDATE idempotency_keys SET status = ?, content_type = ?, headers = ?, body = ? WHERE user_id = ? AND key = ?`,
		r.Status, r.ContentType, string(headers), r.Body, r.UserID, r.Key)
	return err
}

// ReleaseIdempotencyKey forgets a key whose request failed on the server's
// side, so that a retry runs again.
func (t *Tx) ReleaseIdempotencyKey(ctx context.Context, userID, key string) error {
	_, err := t.exec(ctx, `DELETE FROM idempotency_keys WHERE user_id = ? AND key = ?`, userID, key)
	return err
}

// PurgeIdempotencyKeys deletes records created before a time.
func (t *Tx) PurgeIdempotencyKeys(ctx context.Context, before time.Time) (int64, error) {
	return t.execN(ctx, `DELETE FROM idempotency_keys WHERE created_at < ?`, t.ts(before))
}
