package scenarios

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
)

// SchemaKinds are the files JSON Schemas exist for.
var SchemaKinds = []string{"drill", "policy"}

// Schema returns the draft-07 JSON Schema of drill files (kind "drill") or
// policy files ("policy"), generated from the Go types: doc tags become
// descriptions, enum tags enums; unknown keys are not allowed except x-*
// keys. Editors use it through the yaml-language-server modeline.
func Schema(kind string) ([]byte, error) {
	var root reflect.Type
	var title, desc string
	switch kind {
	case "drill", "scenario":
		root, title = reflect.TypeOf(Scenario{}), "drillroom scenario (*.drill.yaml)"
		desc = "A drillroom training scenario. Reference: docs/scenario-language.md."
	case "policy":
		root, title = reflect.TypeOf(Policy{}), "drillroom policy (*.policy.yaml)"
		desc = "A drillroom policy shared by scenarios. Reference: docs/scenario-language.md."
	default:
		return nil, fmt.Errorf("no schema for %q (drill or policy)", kind)
	}
	g := &schemaGen{defs: map[string]any{}}
	top := g.object(root)
	if kind == "policy" {
		// A policy that extends another inherits what it leaves out, so
		// only its identity is required of it.
		top["if"] = map[string]any{"required": []string{"extends"}}
		top["then"] = map[string]any{"required": []string{"id", "title", "version"}}
		top["else"] = map[string]any{"required": top["required"]}
		delete(top, "required")
	}
	top["$schema"] = "http://json-schema.org/draft-07/schema#"
	top["title"] = title
	top["description"] = desc
	top["definitions"] = g.defs
	out, err := json.MarshalIndent(top, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}

type schemaGen struct {
	defs map[string]any
}

// timingPattern matches vary.NAME, the drawn form of a timing.
const timingPattern = `^\s*vary\.[^\s{}.]+\s*$`

// timingNote is added to the description of every timing field.
const timingNote = "A duration, or vary.NAME to use a between variation drawn from the session seed."

// isTiming reports whether a field holds a Timing.
func isTiming(t reflect.Type) bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t == timingType
}

const durationPattern = `^\s*(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ms|s|m|h))+\s*$|^\s*[0-9]+(\.[0-9]+)?\s*$`

// object is the schema of a struct type, inline.
func (g *schemaGen) object(t reflect.Type) map[string]any {
	si := infoOf(t)
	props := map[string]any{}
	var required []string
	for _, f := range si.fields {
		p := g.schema(f.typ)
		if f.enum != nil {
			p["enum"] = f.enum
		}
		desc := f.doc
		if isTiming(f.typ) {
			if desc != "" {
				desc += " "
			}
			desc += timingNote
		}
		if env := exprEnvOf(f); env != "" {
			note := envNote(env, f.typ)
			if desc != "" {
				desc += " "
			}
			desc += note
		}
		if desc != "" {
			p["description"] = desc
			p["markdownDescription"] = desc + "\n\n[Reference](https://github.com/drillroom/drillroom/blob/main/docs/scenario-language.md)"
		}
		props[f.name] = p
		if f.required {
			required = append(required, f.name)
		}
	}
	obj := map[string]any{
		"type":                 "object",
		"properties":           props,
		"additionalProperties": false,
		"patternProperties":    map[string]any{"^x-": map[string]any{}},
	}
	if len(required) > 0 {
		obj["required"] = required
	}
	return obj
}

// exprEnvOf returns the expression environment of a field that holds
// expressions or texts, or "".
func exprEnvOf(f field) EnvKind {
	if !holdsExpr(f.typ) {
		return ""
	}
	if f.env != "" {
		return f.env
	}
	return EnvGuard
}

func envNote(env EnvKind, t reflect.Type) string {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
		t = t.Elem()
	}
	switch t {
	case exprType:
		return fmt.Sprintf("An expression, checked against the %s environment.", env)
	case textType:
		return fmt.Sprintf("Text; {{ expressions }} are interpolated in the %s environment.", env)
	}
	return ""
}

func (g *schemaGen) schema(t reflect.Type) map[string]any {
	switch t {
	case durationType:
		return map[string]any{"anyOf": []any{
			map[string]any{"type": "string", "pattern": durationPattern},
			map[string]any{"type": "number", "minimum": 0},
		}}
	case timingType:
		return map[string]any{"anyOf": []any{
			map[string]any{"type": "string", "pattern": durationPattern},
			map[string]any{"type": "number", "minimum": 0},
			map[string]any{"type": "string", "pattern": timingPattern},
		}}
	case exprType:
		return map[string]any{"type": []string{"string", "boolean"}}
	case textType:
		return map[string]any{"type": "string"}
	case anyType:
		return map[string]any{}
	}
	switch t.Kind() {
	case reflect.Pointer:
		return g.schema(t.Elem())
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int32, reflect.Int64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice:
		return map[string]any{"type": "array", "items": g.schema(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": g.schema(t.Elem())}
	case reflect.Struct:
		name := strings.ToLower(t.Name()[:1]) + t.Name()[1:]
		if _, ok := g.defs[name]; !ok {
			g.defs[name] = map[string]any{} // reserve: types may refer to themselves
			g.defs[name] = g.object(t)
		}
		return map[string]any{"$ref": "#/definitions/" + name}
	}
	return map[string]any{}
}
