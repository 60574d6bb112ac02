package scenarios

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// schemaCheck validates a decoded YAML value against the subset of draft-07
// that Schema emits (type, properties, required, additionalProperties,
// patternProperties, items, enum, anyOf, pattern, minimum, $ref), the way
// an editor would. It returns the problems found.
type schemaCheck struct {
	defs map[string]any
	errs []string
}

func (sc *schemaCheck) check(schema map[string]any, v any, path string) {
	if ref, ok := schema["$ref"].(string); ok {
		sc.check(sc.defs[strings.TrimPrefix(ref, "#/definitions/")].(map[string]any), v, path)
		return
	}
	if alts, ok := schema["anyOf"].([]any); ok {
		for _, alt := range alts {
			sub := &schemaCheck{defs: sc.defs}
			sub.check(alt.(map[string]any), v, path)
			if len(sub.errs) == 0 {
				return
			}
		}
		sc.errs = append(sc.errs, path+": matches no alternative")
		return
	}
	if t, ok := schema["type"]; ok && !typeMatches(t, v) {
		sc.errs = append(sc.errs, fmt.Sprintf("%s: %T is not %v", path, v, t))
		return
	}
	if enum, ok := schema["enum"].([]any); ok {
		found := false
		for _, e := range enum {
			found = found || e == v
		}
		if !found {
			sc.errs = append(sc.errs, fmt.Sprintf("%s: %v not in enum", path, v))
		}
	}
	if p, ok := schema["pattern"].(string); ok {
		if s, isStr := v.(string); isStr && !regexp.MustCompile(p).MatchString(s) {
			sc.errs = append(sc.errs, fmt.Sprintf("%s: %q does not match the pattern", path, s))
		}
	}
	if m, ok := schema["minimum"].(float64); ok {
		if f, isNum := number(v); isNum && f < m {
			sc.errs = append(sc.errs, fmt.Sprintf("%s: %v below %v", path, f, m))
		}
	}
	switch x := v.(type) {
	case []any:
		if items, ok := schema["items"].(map[string]any); ok {
			for i, e := range x {
				sc.check(items, e, fmt.Sprintf("%s[%d]", path, i))
			}
		}
	case map[string]any:
		props, _ := schema["properties"].(map[string]any)
		for _, r := range asStrings(schema["required"]) {
			if _, ok := x[r]; !ok {
				sc.errs = append(sc.errs, path+": missing "+r)
			}
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if p, ok := props[k]; ok {
				sc.check(p.(map[string]any), x[k], path+"."+k)
				continue
			}
			matched := false
			if pp, ok := schema["patternProperties"].(map[string]any); ok {
				for pat := range pp {
					matched = matched || regexp.MustCompile(pat).MatchString(k)
				}
			}
			if matched {
				continue
			}
			switch ap := schema["additionalProperties"].(type) {
			case bool:
				if !ap {
					sc.errs = append(sc.errs, path+": unknown key "+k)
				}
			case map[string]any:
				sc.check(ap, x[k], path+"."+k)
			}
		}
	}
}

func typeMatches(t any, v any) bool {
	if list, ok := t.([]any); ok {
		for _, e := range list {
			if typeMatches(e, v) {
				return true
			}
		}
		return false
	}
	switch t {
	case "object":
		_, ok := v.(map[string]any)
		return ok
	case "array":
		_, ok := v.([]any)
		return ok
	case "string":
		_, ok := v.(string)
		return ok
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "integer":
		_, ok := v.(int)
		return ok
	case "number":
		_, ok := number(v)
		return ok
	}
	return false
}

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case int:
		return float64(x), true
	case float64:
		return x, true
	}
	return 0, false
}

func asStrings(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, e := range list {
		out = append(out, e.(string))
	}
	return out
}

func schemaProblems(t *testing.T, kind, file string) []string {
	t.Helper()
	schema := decodedSchema(t, kind)
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var doc any
	if err := yaml.Unmarshal(src, &doc); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	sc := &schemaCheck{defs: schema["definitions"].(map[string]any)}
	sc.check(schema, doc, "")
	return sc.errs
}

// TestSchemaAcceptsValidFiles checks that every shipped drill and policy
// passes the schema an editor uses: the schema must never flag a valid file.
func TestSchemaAcceptsValidFiles(t *testing.T) {
	drills, _ := filepath.Glob("examples/*.drill.yaml")
	lib, _ := filepath.Glob("library/*.drill.yaml")
	pols, _ := filepath.Glob("policies/*.policy.yaml")
	if len(drills) == 0 || len(lib) == 0 || len(pols) == 0 {
		t.Fatalf("found %d example drills, %d library drills and %d policies, want some of each", len(drills), len(lib), len(pols))
	}
	for _, f := range append(drills, lib...) {
		if errs := schemaProblems(t, "drill", f); len(errs) > 0 {
			t.Errorf("%s: the schema rejects a valid drill: %v", f, errs)
		}
	}
	for _, f := range pols {
		if errs := schemaProblems(t, "policy", f); len(errs) > 0 {
			t.Errorf("%s: the schema rejects a valid policy: %v", f, errs)
		}
	}
}

// TestSchemaRejectsBrokenFiles checks that the schema catches the
// structural mistakes an editor can flag: unknown keys, enums, missing
// keys, wrong types.
func TestSchemaRejectsBrokenFiles(t *testing.T) {
	for _, f := range []string{"DR1010-unknown-key", "DR1012-wrong-type", "DR1013-enum", "DR1014-required", "DR1015-duration", "DR1015-timing"} {
		if errs := schemaProblems(t, "drill", "testdata/diagnostics/"+f+".drill.yaml"); len(errs) == 0 {
			t.Errorf("%s: the schema accepts a broken drill", f)
		}
	}
}
