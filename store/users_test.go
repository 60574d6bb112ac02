package store

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/store/password"
	"github.com/drillroom/drillroom/store/storetest"
)

func TestPasswordHashFormatAndRehash(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	ann := storetest.CreateUser(t, s, "ann", "Ann", drillroom.RoleTrainee)
	stored := func() string {
		var h string
		if err := s.rdb.QueryRow("SELECT password_hash FROM users WHERE id = ?", ann.ID).Scan(&h); err != nil {
			t.Fatal(err)
		}
		return h
	}
	old := stored()
	if !strings.HasPrefix(old, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("stored hash %q: want a PHC argon2id string with m=64,t=1,p=1", old)
	}
	if strings.Contains(old, "correct horse") {
		t.Fatalf("stored hash contains the password")
	}
	// Two users with one password get different salts, hence different hashes.
	bob := storetest.CreateUser(t, s, "bob", "Bob", drillroom.RoleTrainee)
	var bobHash string
	s.rdb.QueryRow("SELECT password_hash FROM users WHERE id = ?", bob.ID).Scan(&bobHash)
	if bobHash == old {
		t.Errorf("two users with the same password got the same hash %q", old)
	}

	// Raising the parameters: the old hash still verifies, and is replaced.
	s.Hasher = password.New(password.Default)
	if _, err := s.Authenticate(ctx, "ann", "correct horse"); err != nil {
		t.Fatalf("Authenticate with the old hash after raising parameters: %v", err)
	}
	now := stored()
	if !strings.HasPrefix(now, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash after login with raised parameters: got %q, want m=19456,t=2,p=1", now)
	}
	if _, err := s.Authenticate(ctx, "ann", "correct horse"); err != nil {
		t.Errorf("Authenticate with the re-hashed password: %v", err)
	}
	if _, err := s.Authenticate(ctx, "ann", "wrong horse"); !errors.Is(err, drillroom.ErrUnauthorized) {
		t.Errorf("wrong password after re-hash: got %v, want drillroom.ErrUnauthorized", err)
	}
}

func TestParseHashRejectsMalformed(t *testing.T) {
	h := password.New(cheapArgon)
	good := h.Hash("secret password")
	if ok, _ := h.Verify("secret password", good); !ok {
		t.Fatalf("verify(own hash) = false")
	}
	for _, bad := range []string{
		"",
		"plain",
		strings.Replace(good, "argon2id", "argon2i", 1),
		strings.Replace(good, "v=19", "v=16", 1),
		strings.Replace(good, "m=64", "m=0", 1),
		strings.Replace(good, "t=1", "t=x", 1),
		good[:strings.LastIndex(good, "$")],
		good[:strings.LastIndex(good, "$")+1] + "!!!",
	} {
		if ok, _ := h.Verify("secret password", bad); ok {
			t.Errorf("verify against malformed hash %q: got true", bad)
		}
	}
}

// Only the SHA-256 of a login token is stored: a leaked database does not
// hand out live browser sessions.
func TestLoginTokenNotStored(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	ann := storetest.CreateUser(t, s, "ann", "Ann", drillroom.RoleTrainee)
	token, err := s.CreateLogin(ctx, ann.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	var raw, hashed int
	s.rdb.QueryRow("SELECT COUNT(*) FROM logins WHERE token_hash = ? OR CAST(token_hash AS TEXT) = ?", []byte(token), token).Scan(&raw)
	s.rdb.QueryRow("SELECT COUNT(*) FROM logins WHERE token_hash = ?", drillroom.LoginHash(token)).Scan(&hashed)
	if raw != 0 || hashed != 1 {
		t.Errorf("logins rows matching the raw token: %d, its hash: %d; want 0 and 1", raw, hashed)
	}
}
