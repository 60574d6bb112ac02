package scenarios

import (
	"strings"
	"testing"
)

func TestSnippetCaret(t *testing.T) {
	tests := []struct {
		name string
		d    Diagnostic
		want string
	}{
		{"plain", Diagnostic{Line: 1, Col: 5, Source: "id: Gas"}, "    id: Gas\n        ^"},
		{"tab kept", Diagnostic{Line: 1, Col: 3, Source: "\tx: y"}, "    \tx: y\n    \t ^"},
		{"past the end", Diagnostic{Line: 1, Col: 9, Source: "a: b"}, "    a: b\n            ^"},
		{"no source", Diagnostic{Line: 1, Col: 1}, ""},
		{"window", Diagnostic{Line: 1, Col: 500, Source: "...xyz", SourceCol: 5}, "    ...xyz\n        ^"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.d.Snippet(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestWindowKeepsTheCaretOnItsCharacter(t *testing.T) {
	line := strings.Repeat("a", 1000) + "X" + strings.Repeat("b", 1000)
	src, col := window(line, 1001)
	if len(src) > maxSourceWidth+6 {
		t.Fatalf("got a %d-byte window", len(src))
	}
	if []rune(src)[col-1] != 'X' {
		t.Errorf("caret column %d points at %q, want X", col, string([]rune(src)[col-1]))
	}
	if s, c := window("short", 2); s != "short" || c != 0 {
		t.Errorf("got %q, %d for a short line; want it whole with no caret column", s, c)
	}
}

func TestDiagnosticsOrderRootCauseFirst(t *testing.T) {
	ds := Diagnostics{
		{File: "f", Line: 1, Col: 1, Code: CodeUnreadVar},
		{File: "f", Line: 9, Col: 1, Code: CodeExpr},
		{File: "f", Line: 5, Col: 1, Code: CodeUnknownPhase},
		{File: "f", Line: 7, Col: 1, Code: CodeNoPolicy},
		{File: "f", Line: 8, Col: 2, Code: CodeUnknownKey},
		{File: "f", Line: 8, Col: 1, Code: CodeType},
		{File: "f", Line: 1, Col: 1, Code: CodeTooMany},
	}
	sortDiagnostics(ds)
	var got []string
	for _, d := range ds {
		got = append(got, d.Code)
	}
	want := []string{CodeType, CodeUnknownKey, CodeNoPolicy, CodeUnknownPhase, CodeExpr, CodeUnreadVar, CodeTooMany}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestDiagnosticString(t *testing.T) {
	d := Diagnostic{File: "a.drill.yaml", Line: 3, Col: 7, Code: CodeUnreadVar, Severity: Warning, Message: "m"}
	if got := d.String(); got != "a.drill.yaml:3:7: DR5002: warning: m" {
		t.Errorf("got %q", got)
	}
	d = Diagnostic{File: "a.drill.yaml", Code: CodeRead, Severity: Error, Message: "no such file"}
	if got := d.String(); got != "a.drill.yaml: DR1000: no such file" {
		t.Errorf("got %q", got)
	}
	ds := Diagnostics{d, {File: "b", Line: 1, Col: 1, Code: CodeUnreadVar, Severity: Warning}}
	if err := ds.Err(); err == nil || strings.Contains(err.Error(), "DR5002") {
		t.Errorf("got %v, want the error only", err)
	}
	if (Diagnostics{ds[1]}).Err() != nil {
		t.Error("warnings alone gave an error")
	}
}
