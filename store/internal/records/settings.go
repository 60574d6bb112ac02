package records

import (
	"context"
	"errors"
	"fmt"

	"github.com/drillroom/drillroom"
)

// Setting returns one of the organisation's settings, or
// drillroom.ErrNotFound when it was never set.
func (s Common) Setting(ctx context.Context, key string) (drillroom.Setting, error) {
	return One(ctx, s.DB, "setting "+key, func(row Scanner) (drillroom.Setting, error) {
		var st drillroom.Setting
		var by *int64
		var at int64
		err := row.Scan(&st.Key, &st.Value, &by, &at)
		st.UpdatedBy, st.UpdatedAt = orZero(by), FromMillis(at)
		return st, err
	}, "SELECT key, value, updated_by, updated_at FROM settings WHERE key = ?", key)
}

// PutSetting sets one of the organisation's settings (UpdatedBy 0: the
// command line) and returns it as stored. An unknown user is
// drillroom.ErrNotFound; a key or value out of limits drillroom.ErrInvalid.
func (s Common) PutSetting(ctx context.Context, st drillroom.Setting) (drillroom.Setting, error) {
	if err := st.Check(); err != nil {
		return drillroom.Setting{}, fmt.Errorf("put setting %q: %w", st.Key, err)
	}
	var by *int64
	if st.UpdatedBy != 0 {
		by = &st.UpdatedBy
	}
	now := Millis(s.Now())
	err := s.write(ctx, func(tx Tx) error {
		_, err := tx.Exec(`INSERT INTO settings (key, value, updated_by, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
			st.Key, st.Value, by, now)
		if errors.Is(err, ErrForeignKey) {
			return fmt.Errorf("user %d: %w", st.UpdatedBy, drillroom.ErrNotFound)
		}
		return err
	})
	if err != nil {
		return drillroom.Setting{}, fmt.Errorf("put setting %q: %w", st.Key, err)
	}
	st.UpdatedAt = FromMillis(now)
	return st, nil
}
