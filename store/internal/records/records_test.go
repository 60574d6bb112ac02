package records

import (
	"encoding/base64"
	"testing"
)

// TestRandomIDNeverLooksLikeAFormula: of 4,000 ids (about 125 would begin
// with '-' or '_' if drawn once) none does, each decodes to n bytes, and no
// two are the same.
func TestRandomIDNeverLooksLikeAFormula(t *testing.T) {
	seen := map[string]bool{}
	for range 4000 {
		id := RandomID(16)
		if id[0] == '-' || id[0] == '_' {
			t.Fatalf("RandomID(16) = %q: begins with %q", id, id[0])
		}
		if b, err := base64.RawURLEncoding.DecodeString(id); err != nil || len(b) != 16 {
			t.Fatalf("RandomID(16) = %q: %d bytes, %v", id, len(b), err)
		}
		if seen[id] {
			t.Fatalf("RandomID(16) = %q twice", id)
		}
		seen[id] = true
	}
}
