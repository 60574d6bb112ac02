package scenarios

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// TestSchemaInSync keeps docs/schema/*.schema.json equal to what the
// generator makes from the Go types; go test -update rewrites them.
func TestSchemaInSync(t *testing.T) {
	for _, kind := range SchemaKinds {
		t.Run(kind, func(t *testing.T) {
			got, err := Schema(kind)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("..", "docs", "schema", kind+".schema.json")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (go test ./scenarios -run TestSchemaInSync -update writes it)", err)
			}
			if string(got) != string(want) {
				t.Errorf("%s is out of date with the Go types: run go test ./scenarios -run TestSchemaInSync -update", path)
			}
		})
	}
}

// decodedSchema is the JSON Schema of kind, decoded.
func decodedSchema(t *testing.T, kind string) map[string]any {
	t.Helper()
	raw, err := Schema(kind)
	if err != nil {
		t.Fatal(err)
	}
	var s map[string]any
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestSchemaShape checks what editors rely on: draft-07, strict objects,
// enums, required keys and descriptions from the doc tags.
func TestSchemaShape(t *testing.T) {
	s := decodedSchema(t, "drill")
	if s["$schema"] != "http://json-schema.org/draft-07/schema#" {
		t.Errorf("got $schema %v, want draft-07", s["$schema"])
	}
	if s["additionalProperties"] != false {
		t.Errorf("got additionalProperties %v, want false", s["additionalProperties"])
	}
	props := s["properties"].(map[string]any)
	diff := props["difficulty"].(map[string]any)
	if e, _ := diff["enum"].([]any); len(e) != 3 || e[0] != "beginner" {
		t.Errorf("got difficulty enum %v, want beginner, intermediate, advanced", diff["enum"])
	}
	if diff["description"] == nil || diff["markdownDescription"] == nil {
		t.Errorf("difficulty has no description: %v", diff)
	}
	req := map[string]bool{}
	for _, r := range s["required"].([]any) {
		req[r.(string)] = true
	}
	for _, k := range []string{"id", "title", "policy", "truth", "cast", "rubric"} {
		if !req[k] {
			t.Errorf("%s is not required", k)
		}
	}
	if req["tags"] {
		t.Error("tags is required; it is optional")
	}
	defs := s["definitions"].(map[string]any)
	rule := defs["rule"].(map[string]any)["properties"].(map[string]any)
	check := rule["check"].(map[string]any)
	if check["description"] == nil {
		t.Errorf("rule.check has no description: %v", check)
	}
	dur := props["duration"].(map[string]any)
	if dur["anyOf"] == nil {
		t.Errorf("duration is %v, want string pattern or number", dur)
	}
	if _, err := Schema("nonsense"); err == nil {
		t.Error("got a schema for an unknown kind")
	}
	p := decodedSchema(t, "policy")
	if _, ok := p["properties"].(map[string]any)["matrix"]; !ok {
		t.Error("policy schema has no matrix")
	}
}
