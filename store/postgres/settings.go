package postgres

import (
	"context"
	"fmt"

	"github.com/drillroom/drillroom"

	"github.com/jackc/pgx/v5"
)

// The organisation's settings (migration 0007, as SQLite's 0016), with
// the SQLite store's contract (store/settings.go).

// Setting returns one of the organisation's settings, or
// drillroom.ErrNotFound when it was never set.
func (s *Store) Setting(ctx context.Context, key string) (drillroom.Setting, error) {
	var st drillroom.Setting
	var by *int64
	var at int64
	err := s.pool.QueryRow(ctx, "SELECT key, value, updated_by, updated_at FROM settings WHERE key = $1", key).Scan(&st.Key, &st.Value, &by, &at)
	if err != nil {
		return drillroom.Setting{}, notFound(err, "setting "+key)
	}
	if by != nil {
		st.UpdatedBy = *by
	}
	st.UpdatedAt = fromMillis(at)
	return st, nil
}

// PutSetting sets one of the organisation's settings (UpdatedBy 0: the
// command line) and returns it as stored. An unknown user is
// drillroom.ErrNotFound; a key or value out of limits drillroom.ErrInvalid.
func (s *Store) PutSetting(ctx context.Context, st drillroom.Setting) (drillroom.Setting, error) {
	if err := st.Check(); err != nil {
		return drillroom.Setting{}, fmt.Errorf("put setting %q: %w", st.Key, err)
	}
	var by *int64
	if st.UpdatedBy != 0 {
		by = &st.UpdatedBy
	}
	now := millis(s.now())
	err := s.write(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO settings (key, value, updated_by, updated_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
			st.Key, st.Value, by, now)
		if isForeignKeyViolation(err) {
			return fmt.Errorf("user %d: %w", st.UpdatedBy, drillroom.ErrNotFound)
		}
		return err
	})
	if err != nil {
		return drillroom.Setting{}, fmt.Errorf("put setting %q: %w", st.Key, err)
	}
	st.UpdatedAt = fromMillis(now)
	return st, nil
}
