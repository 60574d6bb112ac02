// Package password hashes and verifies drillroom's account passwords with
// argon2id, in the PHC string format. Every store backend uses it, so a
// hash written by one verifies in another (drillroom migrate copies them).
package password

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"

	"github.com/drillroom/drillroom"

	"golang.org/x/crypto/argon2"
)

// Length limits. No composition rules; the upper bound only stops a
// multi-megabyte "password" from being hashed.
const (
	MinLen = 8
	MaxLen = 1024
)

// Params are argon2id's cost parameters. They are written into every hash,
// so they can be raised later: old hashes still verify with their own
// parameters and are re-hashed at the next login.
type Params struct {
	Memory  uint32 // KiB
	Passes  uint32
	Threads uint8
	SaltLen int
	KeyLen  uint32
}

// Default is the OWASP minimum for argon2id: 19 MiB, 2 passes, 1 lane.
var Default = Params{Memory: 19 * 1024, Passes: 2, Threads: 1, SaltLen: 16, KeyLen: 32}

// Hasher hashes and verifies passwords. Its dummy hash (of a random
// password) is verified when a user does not exist, so that an unknown
// username costs the same work as a wrong password.
type Hasher struct {
	p         Params
	dummyOnce sync.Once
	dummy     string
}

// New returns a Hasher that hashes with p.
func New(p Params) *Hasher { return &Hasher{p: p} }

// ForCost returns a Hasher with Default's parameters but memoryKiB and
// passes, as a backend's WithPasswordCost sets them; with both 0, one with
// Default's own. Less than 8 KiB or 1 pass is drillroom.ErrInvalid.
func ForCost(memoryKiB, passes uint32) (*Hasher, error) {
	if memoryKiB == 0 && passes == 0 {
		return New(Default), nil
	}
	if memoryKiB < 8 || passes < 1 {
		return nil, fmt.Errorf("%w: password cost m=%d KiB, t=%d", drillroom.ErrInvalid, memoryKiB, passes)
	}
	p := Default
	p.Memory, p.Passes = memoryKiB, passes
	return New(p), nil
}

// Params returns the parameters new hashes get.
func (h *Hasher) Params() Params { return h.p }

// Hash returns password's argon2id hash with a fresh random salt.
func (h *Hasher) Hash(password string) string {
	salt := make([]byte, h.p.SaltLen)
	rand.Read(salt)
	key := argon2.IDKey([]byte(password), salt, h.p.Passes, h.p.Memory, h.p.Threads, h.p.KeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, h.p.Memory, h.p.Passes, h.p.Threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

var errBadHash = errors.New("malformed password hash")

// parse decodes a PHC argon2id string.
func parse(encoded string) (p Params, salt, key []byte, err error) {
	parts := strings.Split(encoded, "$")
	// "", "argon2id", "v=19", "m=..,t=..,p=..", salt, key
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, errBadHash
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return p, nil, nil, errBadHash
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Passes, &p.Threads); err != nil {
		return p, nil, nil, errBadHash
	}
	if p.Memory == 0 || p.Passes == 0 || p.Threads == 0 {
		return p, nil, nil, errBadHash
	}
	if salt, err = base64.RawStdEncoding.DecodeString(parts[4]); err != nil {
		return p, nil, nil, errBadHash
	}
	if key, err = base64.RawStdEncoding.DecodeString(parts[5]); err != nil || len(key) == 0 {
		return p, nil, nil, errBadHash
	}
	p.SaltLen, p.KeyLen = len(salt), uint32(len(key))
	return p, salt, key, nil
}

// Verify reports whether password matches encoded, comparing in constant
// time, and whether the hash's parameters are weaker than the current ones
// (stale: re-hash it).
func (h *Hasher) Verify(password, encoded string) (ok, stale bool) {
	p, salt, key, err := parse(encoded)
	if err != nil {
		return false, false
	}
	got := argon2.IDKey([]byte(password), salt, p.Passes, p.Memory, p.Threads, p.KeyLen)
	ok = subtle.ConstantTimeCompare(got, key) == 1
	stale = p.Memory < h.p.Memory || p.Passes < h.p.Passes || p.Threads < h.p.Threads || p.KeyLen < h.p.KeyLen
	return ok, stale
}

// Burn does the work of one verification against a hash no password matches.
func (h *Hasher) Burn(password string) {
	h.dummyOnce.Do(func() {
		b := make([]byte, 24)
		rand.Read(b)
		h.dummy = h.Hash(base64.RawURLEncoding.EncodeToString(b))
	})
	h.Verify(password, h.dummy)
}

// Check refuses a password shorter than MinLen characters or longer than
// MaxLen bytes (drillroom.ErrInvalid).
func Check(password string) error {
	switch n := len([]rune(password)); {
	case n < MinLen:
		return fmt.Errorf("%w: password shorter than %d characters", drillroom.ErrInvalid, MinLen)
	case len(password) > MaxLen:
		return fmt.Errorf("%w: password longer than %d bytes", drillroom.ErrInvalid, MaxLen)
	}
	return nil
}

// HashAll hashes each password, on every core at once (an import of many
// accounts would otherwise wait for one argon2id after another).
func (h *Hasher) HashAll(passwords []string) []string {
	hashes := make([]string, len(passwords))
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(runtime.GOMAXPROCS(0), len(passwords)) {
		wg.Go(func() {
			for i := range next {
				hashes[i] = h.Hash(passwords[i])
			}
		})
	}
	for i := range passwords {
		next <- i
	}
	close(next)
	wg.Wait()
	return hashes
}
