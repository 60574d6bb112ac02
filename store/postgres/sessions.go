package postgres

import (
	"context"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/store/internal/records"
)

func (s *Store) sessions(ctx context.Context, what, query string, args ...any) ([]drillroom.Session, error) {
	return records.All(ctx, s.DB, what, records.ScanSession, query, args...)
}
