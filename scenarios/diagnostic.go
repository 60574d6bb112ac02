package scenarios

import (
	"fmt"
	"strings"
)

// Severity of a diagnostic.
type Severity string

const (
	Error   Severity = "error"
	Warning Severity = "warning"
)

// Diagnostic is one problem found in a file.
type Diagnostic struct {
	File     string   `json:"file"`
	Line     int      `json:"line"`
	Col      int      `json:"col"`
	Code     string   `json:"code"`
	Severity Severity `json:"severity"`
	Message  string   `json:"message"`
	Source   string   `json:"source,omitempty"` // the source line, for the caret display
}

// String formats d as FILE:LINE:COL: CODE: message.
func (d Diagnostic) String() string {
	return fmt.Sprintf("%s:%d:%d: %s: %s", d.File, d.Line, d.Col, d.Code, d.Message)
}

// Diagnostics is a list of problems, root cause first.
type Diagnostics []Diagnostic

// HasErrors reports whether any diagnostic is an error.
func (ds Diagnostics) HasErrors() bool {
	for _, d := range ds {
		if d.Severity == Error {
			return true
		}
	}
	return false
}

// Err returns nil when there are no errors, else an error listing them.
func (ds Diagnostics) Err() error {
	if !ds.HasErrors() {
		return nil
	}
	var b strings.Builder
	for i, d := range ds {
		if d.Severity != Error {
			continue
		}
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(d.String())
	}
	return fmt.Errorf("%s", b.String())
}

// Errors returns the diagnostics that are errors.
func (ds Diagnostics) Errors() Diagnostics {
	var out Diagnostics
	for _, d := range ds {
		if d.Severity == Error {
			out = append(out, d)
		}
	}
	return out
}
