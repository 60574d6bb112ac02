package scenarios

import (
	"fmt"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

const languageDoc = "../docs/scenario-language.md"

// generated sections of docs/scenario-language.md, between
// <!-- BEGIN name --> and <!-- END name --> lines.
var generatedSections = map[string]func() string{
	"vocabulary":    vocabularyMarkdown,
	"drill-keys":    func() string { return keysMarkdown(reflect.TypeOf(Scenario{}), "drill") },
	"policy-keys":   func() string { return keysMarkdown(reflect.TypeOf(Policy{}), "policy") },
	"code-overview": codesMarkdown,
}

// TestLanguageDocInSync keeps the generated sections of the language
// reference equal to the code: the vocabulary, every key of drill and
// policy files, the diagnostic codes. go test -update rewrites them and
// leaves the rest of the file alone.
func TestLanguageDocInSync(t *testing.T) {
	raw, err := os.ReadFile(languageDoc)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(raw)
	out := doc
	for name, gen := range generatedSections {
		begin, end := "<!-- BEGIN "+name+" -->\n", "<!-- END "+name+" -->"
		i, j := strings.Index(out, begin), strings.Index(out, end)
		if i < 0 || j < i {
			t.Errorf("%s has no %s ... %s section", languageDoc, strings.TrimSpace(begin), end)
			continue
		}
		out = out[:i+len(begin)] + gen() + out[j:]
	}
	if out == doc {
		return
	}
	if *update {
		if err := os.WriteFile(languageDoc, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("the generated sections of %s are out of date: run go test ./scenarios -run TestLanguageDocInSync -update", languageDoc)
}

// TestLanguageDocMentionsEveryName checks that every vocabulary name is
// documented (the generated table does it; this catches a lost section).
func TestLanguageDocMentionsEveryName(t *testing.T) {
	raw, err := os.ReadFile(languageDoc)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range Vocabulary {
		if !strings.Contains(string(raw), "`"+n.Name+"`") {
			t.Errorf("%s does not document %s", languageDoc, n.Name)
		}
	}
	for _, h := range []string{"## Scenario tests", "## How the engine runs a drill", "## Tutorial"} {
		if !strings.Contains(string(raw), "\n"+h+"\n") {
			t.Errorf("%s has no %q section", languageDoc, h)
		}
	}
}

var yamlBlock = regexp.MustCompile("(?s)```yaml\n(.*?)```")

// TestLanguageDocExamples checks the examples: every yaml block parses, and
// the tutorial's final drill loads with no diagnostics at all.
func TestLanguageDocExamples(t *testing.T) {
	raw, err := os.ReadFile(languageDoc)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(raw)
	for _, m := range yamlBlock.FindAllStringSubmatch(doc, -1) {
		var n yaml.Node
		if err := yaml.Unmarshal([]byte(m[1]), &n); err != nil {
			t.Errorf("a yaml example does not parse: %v\n%s", err, m[1])
		}
	}
	i := strings.Index(doc, "<!-- tutorial: final -->")
	if i < 0 {
		t.Fatal("no <!-- tutorial: final --> marker")
	}
	m := yamlBlock.FindStringSubmatch(doc[i:])
	if m == nil {
		t.Fatal("no yaml block after the tutorial marker")
	}
	l := NewLoader()
	l.AddShipped()
	s, ds := l.LoadScenario("tutorial.drill.yaml", []byte(m[1]))
	if len(ds) > 0 || s == nil {
		t.Errorf("the tutorial's final drill has diagnostics:\n%v", ds)
	}
}

func vocabularyMarkdown() string {
	var b strings.Builder
	b.WriteString("| name | type | guard | reaction | rule | meaning | example |\n|---|---|:-:|:-:|:-:|---|---|\n")
	for _, n := range Vocabulary {
		has := map[EnvKind]bool{}
		for _, e := range n.Envs {
			has[e] = true
		}
		mark := func(k EnvKind) string {
			if has[k] {
				return "yes"
			}
			return ""
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s | %s | `%s` |\n", n.Name, exprSignature(n),
			mark(EnvGuard), mark(EnvReaction), mark(EnvRule), mdEscape(n.Doc), strings.ReplaceAll(n.Example, "|", `\|`))
	}
	return b.String()
}

// exprSignature writes a vocabulary name's type as an author reads it.
func exprSignature(n Name) string {
	t := reflect.TypeOf(n.Type)
	if t.Kind() != reflect.Func {
		return exprTypeWord(t)
	}
	var args []string
	for i := 0; i < t.NumIn(); i++ {
		args = append(args, exprTypeWord(t.In(i)))
	}
	return fmt.Sprintf("function (%s) → %s", strings.Join(args, ", "), exprTypeWord(t.Out(0)))
}

func exprTypeWord(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Float64:
		return "number"
	case reflect.Int:
		return "integer"
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "bool"
	case reflect.Map:
		return "map"
	case reflect.Slice:
		return "list of " + exprTypeWord(t.Elem())
	}
	return t.String()
}

func mdEscape(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// keysMarkdown documents every key of a file kind, one table per mapping,
// from the Go types and their tags.
func keysMarkdown(root reflect.Type, kind string) string {
	var b strings.Builder
	seen := map[reflect.Type]bool{}
	var visit func(t reflect.Type, path string)
	visit = func(t reflect.Type, path string) {
		if seen[t] {
			return
		}
		seen[t] = true
		title := "top level of a " + kind + " file"
		if path != "" {
			title = "`" + path + "`"
		}
		fmt.Fprintf(&b, "\n#### %s (%s)\n\n| key | type | required | meaning |\n|---|---|:-:|---|\n", title, t.Name())
		type child struct {
			t    reflect.Type
			path string
		}
		var children []child
		for _, f := range infoOf(t).fields {
			req := ""
			if f.required {
				req = "yes"
			}
			doc := f.doc
			if env := exprEnvOf(f); env != "" {
				if doc != "" {
					doc += " "
				}
				doc += envNote(env, f.typ)
			}
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", f.name, keyType(f), req, mdEscape(doc))
			for _, st := range structsIn(f.typ) {
				p := path
				if p != "" {
					p += "."
				}
				p += f.name
				switch f.typ.Kind() {
				case reflect.Slice:
					p += "[]"
				case reflect.Map:
					p += ".NAME"
				}
				children = append(children, child{st, p})
			}
		}
		for _, c := range children {
			visit(c.t, c.path)
		}
	}
	visit(root, "")
	return b.String()
}

// structsIn returns the struct type a field's values are made of, if any.
func structsIn(t reflect.Type) []reflect.Type {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
		t = t.Elem()
	}
	if t.Kind() == reflect.Struct && t != exprType && t != textType && t != posType && t != timingType {
		return []reflect.Type{t}
	}
	return nil
}

func keyType(f field) string {
	if f.enum != nil {
		return "one of " + strings.Join(f.enum, ", ")
	}
	return keyTypeOf(f.typ)
}

func keyTypeOf(t reflect.Type) string {
	switch t {
	case durationType:
		return "duration"
	case timingType:
		return "duration or vary.NAME"
	case exprType:
		return "expression"
	case textType:
		return "text"
	case anyType:
		return "value"
	}
	switch t.Kind() {
	case reflect.Pointer:
		return keyTypeOf(t.Elem())
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "true/false"
	case reflect.Int, reflect.Int64:
		return "integer"
	case reflect.Float64:
		return "number"
	case reflect.Slice:
		return "list of " + keyTypeOf(t.Elem())
	case reflect.Map:
		return "map of name to " + keyTypeOf(t.Elem())
	case reflect.Struct:
		return "mapping (" + t.Name() + ")"
	}
	return t.String()
}

func codesMarkdown() string {
	var b strings.Builder
	b.WriteString("| code | severity | title |\n|---|---|---|\n")
	for _, c := range Codes {
		fmt.Fprintf(&b, "| %s | %s | %s |\n", c.Code, c.Severity, c.Title)
	}
	return b.String()
}
