package password

import (
	"errors"
	"strings"
	"testing"

	"github.com/drillroom/drillroom"
)

var cheap = Params{Memory: 64, Passes: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		name, pw string
		ok       bool
	}{
		{"eight characters", "12345678", true},
		{"seven", "1234567", false},
		{"seven runes of two bytes", "ééééééé", false},
		{"eight runes of two bytes", "éééééééé", true},
		{"the longest", strings.Repeat("x", MaxLen), true},
		{"one byte too long", strings.Repeat("x", MaxLen+1), false},
	} {
		err := Check(tc.pw)
		if tc.ok != (err == nil) || (err != nil && !errors.Is(err, drillroom.ErrInvalid)) {
			t.Errorf("Check(%s): %v, want ok=%v (else ErrInvalid)", tc.name, err, tc.ok)
		}
	}
}

// TestHashVerify: a hash verifies its password only, carries its own
// parameters (so a Hasher with stronger ones verifies it and calls it
// stale), and HashAll gives each password its own salted hash.
func TestHashVerify(t *testing.T) {
	h := New(cheap)
	enc := h.Hash("correct horse")
	if !strings.HasPrefix(enc, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Errorf("hash %q: want the PHC argon2id form with its parameters", enc)
	}
	if ok, stale := h.Verify("correct horse", enc); !ok || stale {
		t.Errorf("Verify(right password): ok %v stale %v, want true false", ok, stale)
	}
	if ok, _ := h.Verify("correct horsE", enc); ok {
		t.Error("Verify(wrong password): true")
	}
	stronger := New(Params{Memory: 128, Passes: 2, Threads: 1, SaltLen: 16, KeyLen: 32})
	if ok, stale := stronger.Verify("correct horse", enc); !ok || !stale {
		t.Errorf("Verify with stronger parameters: ok %v stale %v, want true true", ok, stale)
	}
	hs := h.HashAll([]string{"one password", "one password", "another one"})
	if len(hs) != 3 || hs[0] == hs[1] {
		t.Fatalf("HashAll: %q; want three hashes, the same password salted apart", hs)
	}
	for i, pw := range []string{"one password", "one password", "another one"} {
		if ok, _ := h.Verify(pw, hs[i]); !ok {
			t.Errorf("HashAll[%d] does not verify its password", i)
		}
	}
	h.Burn("anything") // does the work of a verification, and must not panic
}

// TestForCost: no cost given is Default; a cost given replaces Default's
// memory and passes only; too little of either is refused.
func TestForCost(t *testing.T) {
	raised := Default
	raised.Memory, raised.Passes = 32*1024, 3
	for _, tc := range []struct {
		name           string
		memory, passes uint32
		want           Params // when ok
		ok             bool
	}{
		{"none given", 0, 0, Default, true},
		{"cheap for tests", 64, 1, Params{Memory: 64, Passes: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, true},
		{"raised", 32 * 1024, 3, raised, true},
		{"the least", 8, 1, Params{Memory: 8, Passes: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, true},
		{"too little memory", 4, 1, Params{}, false},
		{"memory only", 64, 0, Params{}, false},
		{"passes only", 0, 2, Params{}, false},
	} {
		h, err := ForCost(tc.memory, tc.passes)
		if !tc.ok {
			if !errors.Is(err, drillroom.ErrInvalid) || h != nil {
				t.Errorf("ForCost(%s): %v, %v; want nil and drillroom.ErrInvalid", tc.name, h, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ForCost(%s): %v, want %+v", tc.name, err, tc.want)
		} else if h.Params() != tc.want {
			t.Errorf("ForCost(%s): %+v, want %+v", tc.name, h.Params(), tc.want)
		}
	}
}
