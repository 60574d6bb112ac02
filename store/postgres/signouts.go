package postgres

import (
	"context"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/drillroom/drillroom"
)

// signoutChannel is the notification channel of ended logins: every node
// of a deployment listens on it and closes their sockets at once, whoever
// ended them (a sign-out on another node, an administrator's page, the
// command line).
const signoutChannel = "drillroom_signout"

// notifySignout queues the notification in tx: PostgreSQL delivers it when
// tx commits, and never if it rolls back. The payload is "login:HEX" (the
// login's hash, never its token) or "user:ID".
func notifySignout(ctx context.Context, tx pgx.Tx, so drillroom.Signout) error {
	payload := "user:" + strconv.FormatInt(so.UserID, 10)
	if so.Login != nil {
		payload = "login:" + hex.EncodeToString(so.Login)
	}
	_, err := tx.Exec(ctx, "SELECT pg_notify($1, $2)", signoutChannel, payload)
	return err
}

// parseSignout reads a notification's payload; ok is false for one it
// does not know.
func parseSignout(payload string) (drillroom.Signout, bool) {
	kind, value, _ := strings.Cut(payload, ":")
	switch kind {
	case "login":
		h, err := hex.DecodeString(value)
		if err != nil || len(h) == 0 {
			return drillroom.Signout{}, false
		}
		return drillroom.Signout{Login: h}, true
	case "user":
		id, err := strconv.ParseInt(value, 10, 64)
		if err != nil || id <= 0 {
			return drillroom.Signout{}, false
		}
		return drillroom.Signout{UserID: id}, true
	}
	return drillroom.Signout{}, false
}

// ListenSignouts calls fn with every login that ends in the database (a
// sign-out, a disabled account, a password set), on a connection of its
// own, until ctx ends. A lost connection is opened again after a second;
// what ended meanwhile is not replayed, and the sockets' own heartbeat
// check still closes those within its interval. ready, if not nil, is
// closed once the first LISTEN is in place.
func (s *Store) ListenSignouts(ctx context.Context, fn func(drillroom.Signout), ready chan<- struct{}) {
	cfg := s.pool.Config().ConnConfig.Copy()
	for ctx.Err() == nil {
		err := s.listenSignouts(ctx, cfg, fn, ready)
		ready = nil
		if ctx.Err() != nil {
			return
		}
		s.logger.Warn("listen for sign-outs: reconnecting", "err", err)
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}

func (s *Store) listenSignouts(ctx context.Context, cfg *pgx.ConnConfig, fn func(drillroom.Signout), ready chan<- struct{}) error {
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+signoutChannel); err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	if ready != nil {
		close(ready)
	}
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		if so, ok := parseSignout(n.Payload); ok {
			fn(so)
		} else {
			s.logger.Warn("listen for sign-outs: unknown payload", "payload", n.Payload)
		}
	}
}
