package store

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/drillroom/drillroom"

	"golang.org/x/crypto/argon2"
)

// Password length limits. No composition rules; the upper bound only stops
// a multi-megabyte "password" from being hashed.
const (
	MinPasswordLen = 8
	MaxPasswordLen = 1024
)

// argonParams are argon2id's cost parameters. They are written into every
// hash (PHC string format), so they can be raised later: old hashes still
// verify with their own parameters and are re-hashed at the next login.
type argonParams struct {
	memory  uint32 // KiB
	time    uint32
	threads uint8
	saltLen int
	keyLen  uint32
}

// The OWASP minimum for argon2id: 19 MiB, 2 passes, 1 lane.
var defaultArgon = argonParams{memory: 19 * 1024, time: 2, threads: 1, saltLen: 16, keyLen: 32}

// hasher hashes and verifies passwords. dummy is a hash of a random
// password, verified when the user does not exist so that an unknown
// username costs the same work as a wrong password.
type hasher struct {
	p         argonParams
	dummyOnce sync.Once
	dummy     string
}

func defaultHasher() *hasher { return &hasher{p: defaultArgon} }

func (h *hasher) hash(password string) string {
	salt := make([]byte, h.p.saltLen)
	rand.Read(salt)
	key := argon2.IDKey([]byte(password), salt, h.p.time, h.p.memory, h.p.threads, h.p.keyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, h.p.memory, h.p.time, h.p.threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

var errBadHash = errors.New("malformed password hash")

// parseHash decodes a PHC argon2id string.
func parseHash(encoded string) (p argonParams, salt, key []byte, err error) {
	parts := strings.Split(encoded, "$")
	// "", "argon2id", "v=19", "m=..,t=..,p=..", salt, key
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, errBadHash
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return p, nil, nil, errBadHash
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.memory, &p.time, &p.threads); err != nil {
		return p, nil, nil, errBadHash
	}
	if p.memory == 0 || p.time == 0 || p.threads == 0 {
		return p, nil, nil, errBadHash
	}
	if salt, err = base64.RawStdEncoding.DecodeString(parts[4]); err != nil {
		return p, nil, nil, errBadHash
	}
	if key, err = base64.RawStdEncoding.DecodeString(parts[5]); err != nil || len(key) == 0 {
		return p, nil, nil, errBadHash
	}
	p.saltLen, p.keyLen = len(salt), uint32(len(key))
	return p, salt, key, nil
}

// verify reports whether password matches encoded, comparing in constant
// time, and whether the hash's parameters are weaker than the current ones.
func (h *hasher) verify(password, encoded string) (ok, stale bool) {
	p, salt, key, err := parseHash(encoded)
	if err != nil {
		return false, false
	}
	got := argon2.IDKey([]byte(password), salt, p.time, p.memory, p.threads, p.keyLen)
	ok = subtle.ConstantTimeCompare(got, key) == 1
	stale = p.memory < h.p.memory || p.time < h.p.time || p.threads < h.p.threads || p.keyLen < h.p.keyLen
	return ok, stale
}

// burn does the work of one verification against a hash no password matches.
func (h *hasher) burn(password string) {
	h.dummyOnce.Do(func() { h.dummy = h.hash(randomID(24)) })
	h.verify(password, h.dummy)
}

func checkPassword(password string) error {
	switch n := len([]rune(password)); {
	case n < MinPasswordLen:
		return fmt.Errorf("%w: password shorter than %d characters", drillroom.ErrInvalid, MinPasswordLen)
	case len(password) > MaxPasswordLen:
		return fmt.Errorf("%w: password longer than %d bytes", drillroom.ErrInvalid, MaxPasswordLen)
	}
	return nil
}
