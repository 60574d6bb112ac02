package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/drillroom/drillroom/scenarios"
)

func validate(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	// Generous: the hostile files take milliseconds; a hang fails here
	// rather than at the test binary's timeout.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	return runMainContext(ctx, "", append([]string{"validate"}, args...)...)
}

func TestValidateShippedScenarios(t *testing.T) {
	code, out, errs := validate(t, "../../scenarios")
	if code != 0 {
		t.Fatalf("got exit %d, want 0\n%s%s", code, out, errs)
	}
	if strings.Contains(out, "testdata/") {
		t.Errorf("validate descended into testdata:\n%s", out)
	}
	if !strings.Contains(errs, "ok: ") {
		t.Errorf("got stderr %q, want an ok summary", errs)
	}
}

func TestValidateUsage(t *testing.T) {
	for _, args := range [][]string{{}, {"--format", "xml", "x.drill.yaml"}, {"--nope"}} {
		if code, _, _ := validate(t, args...); code != 2 {
			t.Errorf("validate %v: got exit %d, want 2", args, code)
		}
	}
	if code, _, _ := validate(t, "-h"); code != 0 {
		t.Errorf("validate -h: got exit %d, want 0", code)
	}
}

// TestValidateHostileFiles drives the real command over the files an
// attacker could upload; each must fail with a clear diagnostic.
func TestValidateHostileFiles(t *testing.T) {
	bomb := "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
	prev := "a"
	for _, c := range "bcdefghi" {
		bomb += string(c) + ": &" + string(c) + " [" + strings.Repeat("*"+prev+",", 8) + "*" + prev + "]\n"
		prev = string(c)
	}
	cases := []struct {
		name, body, code, text string
	}{
		{"empty", "", scenarios.CodeEmpty, "empty"},
		{"binary", "\x7fELF\x02\x01\x01\x00\x00\x00\x00", scenarios.CodeBinary, "not a text file"},
		{"alias-bomb", bomb, scenarios.CodeAlias, "aliases expand"},
		{"deep-flow", strings.Repeat("[", 100000) + strings.Repeat("]", 100000), scenarios.CodeTooDeep, "deeper than"},
		{"deep-block", strings.Repeat("- ", 100000) + "x\n", scenarios.CodeTooDeep, "deeper than"},
		{"20MB", "id: x\nsummary: " + strings.Repeat("y", 20<<20) + "\n", scenarios.CodeTooLarge, "limit is 1 MiB"},
		{"list-root", "- id: a\n", scenarios.CodeRoot, "must be a mapping"},
		{"scalar-root", "hello\n", scenarios.CodeRoot, "must be a mapping"},
		{"duplicate-keys", "id: a\nid: a\n", scenarios.CodeDuplicateKey, "duplicate key"},
		{"tabs", "id: a\ncast:\n\tcustomer: {}\n", scenarios.CodeTab, "tab in indentation"},
	}
	dir := t.TempDir()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(dir, c.name+".drill.yaml")
			if err := os.WriteFile(path, []byte(c.body), 0o644); err != nil {
				t.Fatal(err)
			}
			code, out, _ := validate(t, path)
			if code != 1 {
				t.Fatalf("got exit %d, want 1\n%s", code, out)
			}
			if !strings.Contains(out, path+":") || !strings.Contains(out, ": "+c.code+": ") || !strings.Contains(out, c.text) {
				t.Errorf("got\n%s\nwant FILE:LINE:COL: %s: ...%s...", out, c.code, c.text)
			}
			if len(out) > 4000 {
				t.Errorf("got %d bytes of output; a hostile file must not flood the terminal", len(out))
			}
		})
	}
}

func TestValidateJSON(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "bad.drill.yaml")
	if err := os.WriteFile(path, []byte("id: a\ntitel: x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ := validate(t, "--format", "json", path)
	if code != 1 {
		t.Fatalf("got exit %d, want 1", code)
	}
	var ds []scenarios.Diagnostic
	if err := json.Unmarshal([]byte(out), &ds); err != nil {
		t.Fatalf("output is not a JSON array of diagnostics: %v\n%s", err, out)
	}
	found := false
	for _, d := range ds {
		if d.Code == scenarios.CodeUnknownKey && d.Line == 2 && d.Col == 1 && d.Severity == scenarios.Error && d.File == path {
			found = true
		}
	}
	if !found {
		t.Errorf("got %+v, want a DR1010 at 2:1", ds)
	}
	// The text form carries the same diagnostics.
	_, text, _ := validate(t, path)
	for _, d := range ds {
		if !strings.Contains(text, d.String()) {
			t.Errorf("text output lacks %q", d.String())
		}
	}
	code, out, _ = validate(t, "--format", "json", "../../scenarios/examples")
	if code != 0 || !strings.HasPrefix(strings.TrimSpace(out), "[") {
		t.Errorf("valid input: got exit %d and %q, want 0 and a JSON array", code, out)
	}
}

func TestValidateWarningsExitZero(t *testing.T) {
	src, err := os.ReadFile("../../scenarios/testdata/diagnostics/DR5002-unread-variable.drill.yaml")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "warn.drill.yaml")
	if err := os.WriteFile(path, src, 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ := validate(t, path)
	if code != 0 {
		t.Fatalf("got exit %d, want 0 for warnings only", code)
	}
	if !strings.Contains(out, "DR5002: warning:") || !strings.Contains(out, "^") {
		t.Errorf("got %q, want the warning with its caret", out)
	}
}

func TestValidateUsesPoliciesFromPaths(t *testing.T) {
	dir := t.TempDir()
	pol, err := os.ReadFile("../../scenarios/policies/uk-contact-centre.policy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	drill, err := os.ReadFile("../../scenarios/examples/gas-smell-basic.drill.yaml")
	if err != nil {
		t.Fatal(err)
	}
	pol = bytes.Replace(pol, []byte("id: uk-contact-centre"), []byte("id: local-centre"), 1)
	drill = bytes.Replace(drill, []byte("policy: uk-contact-centre"), []byte("policy: local-centre"), 1)
	if err := os.WriteFile(filepath.Join(dir, "local.policy.yaml"), pol, 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "d.drill.yaml")
	if err := os.WriteFile(path, drill, 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, _ := validate(t, path); code != 1 || !strings.Contains(out, "DR3001") {
		t.Errorf("without the policy file: got exit %d\n%s\nwant 1 with DR3001", code, out)
	}
	if code, out, _ := validate(t, dir); code != 0 {
		t.Errorf("with the directory: got exit %d\n%s\nwant 0", code, out)
	}
}

func TestSchemaCommand(t *testing.T) {
	for _, kind := range []string{"", "policy"} {
		args := []string{"schema"}
		if kind != "" {
			args = append(args, kind)
		}
		code, out, errs := runMain(args...)
		if code != 0 {
			t.Fatalf("schema %s: got exit %d: %s", kind, code, errs)
		}
		name := kind
		if name == "" {
			name = "drill"
		}
		want, err := os.ReadFile("../../docs/schema/" + name + ".schema.json")
		if err != nil {
			t.Fatal(err)
		}
		if out != string(want) {
			t.Errorf("schema %s differs from docs/schema/%s.schema.json", kind, name)
		}
	}
	if code, _, _ := runMain("schema", "recipe"); code != 2 {
		t.Errorf("schema recipe: got exit %d, want 2", code)
	}
}
