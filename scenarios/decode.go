package scenarios

import (
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// decoder decodes a yaml.Node tree into Go values by reflection over their
// yaml struct tags. Unlike yaml.v3's own decoder it keeps going after a
// problem, so one run reports every problem of a file, and it records where
// every value was written so later checks can point at it.
type decoder struct {
	src   *sourceFile
	l     *diagList
	root  *yaml.Node
	bad   map[string]bool // single values that failed to decode, so checks skip them
	index map[*yaml.Node]map[string]int
	buf   []byte // key paths being decoded (see joinPath)
	// inherits makes the root's required keys optional, except these: a
	// policy that extends another inherits what it leaves out.
	inherits map[string]bool
}

func newDecoder(src *sourceFile, l *diagList, root *yaml.Node) *decoder {
	return &decoder{src: src, l: l, root: root, bad: map[string]bool{}}
}

// find returns the key and value nodes at a key path such as
// "timeline[2].after" or "cast.services.gas.ack" (nil when there is none).
// Checks look positions up this way only when they report something, so
// decoding records nothing per value.
func (d *decoder) find(path string) (key, val *yaml.Node) {
	n := d.root
	rest := path
	for rest != "" && n != nil {
		if n.Kind == yaml.AliasNode {
			n = n.Alias
			continue
		}
		if rest[0] == '[' {
			j := strings.IndexByte(rest, ']')
			i, err := strconv.Atoi(rest[1:max(j, 1)])
			if j < 0 || err != nil || n.Kind != yaml.SequenceNode || i < 0 || i >= len(n.Content) {
				return nil, nil
			}
			key, n = nil, n.Content[i]
			rest = strings.TrimPrefix(rest[j+1:], ".")
			continue
		}
		if n.Kind != yaml.MappingNode {
			return nil, nil
		}
		best := -1
		if len(n.Content) > 64 {
			// A big mapping: try the segment up to each separator, longest first.
			for end := len(rest); end > 0 && best < 0; end = strings.LastIndexAny(rest[:end], ".[") {
				best = d.keyIndex(n, rest[:end])
			}
		} else {
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i].Value
				if !strings.HasPrefix(rest, k) || (len(rest) > len(k) && rest[len(k)] != '.' && rest[len(k)] != '[') {
					continue
				}
				if best < 0 || len(k) > len(n.Content[best].Value) {
					best = i
				}
			}
		}
		if best < 0 {
			return nil, nil
		}
		key, n = n.Content[best], n.Content[best+1]
		rest = strings.TrimPrefix(rest[len(key.Value):], ".")
	}
	return key, n
}

// has reports whether a value was written at path.
func (d *decoder) has(path string) bool {
	_, v := d.find(path)
	return v != nil
}

// at returns where the value at path was written, or the nearest enclosing
// value's position.
func (d *decoder) at(path string) Pos {
	for {
		if _, v := d.find(path); v != nil {
			return nodePos(v)
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			return Pos{Line: 1, Col: 1}
		}
		path = path[:i]
	}
}

// keyAt returns where the key of path was written (the value's position for
// list items).
func (d *decoder) keyAt(path string) Pos {
	if k, _ := d.find(path); k != nil {
		return nodePos(k)
	}
	return d.at(path)
}

var (
	durationType = reflect.TypeOf(Duration(0))
	posType      = reflect.TypeOf(Pos{})
	anyType      = reflect.TypeOf((*any)(nil)).Elem()
)

// field is one yaml-tagged struct field.
type field struct {
	index    int
	name     string
	required bool
	enum     []string
	env      EnvKind
	doc      string
	typ      reflect.Type
}

// structInfo is the decoding plan of a struct type.
type structInfo struct {
	fields []field
	byName map[string]*field
	pos    int // index of the Pos field, or -1
}

var structInfos sync.Map // reflect.Type -> *structInfo

func infoOf(t reflect.Type) *structInfo {
	if si, ok := structInfos.Load(t); ok {
		return si.(*structInfo)
	}
	si := &structInfo{byName: map[string]*field{}, pos: -1}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("yaml")
		if tag == "-" {
			if f.Name == "Pos" && f.Type == posType {
				si.pos = i
			}
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		fi := field{index: i, name: name, typ: f.Type, doc: f.Tag.Get("doc"), env: EnvKind(f.Tag.Get("env"))}
		fi.required = !strings.Contains(opts, "omitempty") && f.Type.Kind() != reflect.Pointer
		if e := f.Tag.Get("enum"); e != "" {
			fi.enum = strings.Split(e, ",")
		}
		si.fields = append(si.fields, fi)
	}
	for i := range si.fields {
		si.byName[si.fields[i].name] = &si.fields[i]
	}
	structInfos.Store(t, si)
	return si
}

// joinPath, indexPath and path build key paths such as "timeline[2].do[0].say" in
// one buffer, as the decoder walks depth first: a path is the length of its
// prefix of the buffer, and becomes a string only for a diagnostic.
func (d *decoder) joinPath(pl int, key string) int {
	d.buf = d.buf[:pl]
	if pl > 0 {
		d.buf = append(d.buf, '.')
	}
	d.buf = append(d.buf, key...)
	return len(d.buf)
}

func (d *decoder) indexPath(pl, i int) int {
	d.buf = append(d.buf[:pl], '[')
	d.buf = strconv.AppendInt(d.buf, int64(i), 10)
	d.buf = append(d.buf, ']')
	return len(d.buf)
}

func (d *decoder) path(pl int) string { return string(d.buf[:pl]) }

func nodePos(n *yaml.Node) Pos { return Pos{Line: n.Line, Col: n.Column} }

// where names a path for messages.
func where(path string) string {
	if path == "" {
		return "the top level"
	}
	return path
}

// decode decodes n into v (addressable). f is the struct field that holds
// the value, if any, for its enum.
func (d *decoder) decode(n *yaml.Node, v reflect.Value, pl int, f *field) {
	t := v.Type()
	if t == durationType || isScalarType(t) || (t.Kind() == reflect.Pointer && isScalarType(t.Elem())) {
		before := len(d.l.diags)
		d.decodeValue(n, v, pl, f)
		if len(d.l.diags) > before {
			d.bad[d.path(pl)] = true
		}
		return
	}
	d.decodeValue(n, v, pl, f)
}

// decodeValue is decode without marking single values that failed.
func (d *decoder) decodeValue(n *yaml.Node, v reflect.Value, pl int, f *field) {
	t := v.Type()
	if n.Kind == yaml.AliasNode {
		if n.Alias != nil { // checkTree bounded the expansion and ruled out cycles
			d.decode(n.Alias, v, pl, f)
		}
		return
	}
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" && t != anyType {
		if t.Kind() == reflect.Pointer && isScalarType(t.Elem()) {
			v.Set(reflect.New(t.Elem()))
			return
		}
		d.l.add(CodeType, nodePos(n), "%s has no value; expected %s", where(d.path(pl)), typeName(t))
		return
	}
	switch t {
	case timingType:
		decodeDuration(d, n, v, pl, ParseTiming)
		return
	case durationType:
		decodeDuration(d, n, v, pl, ParseDuration)
		return
	case exprType, textType:
		// Both keep where each rune of their source stands in the file,
		// for diagnostics inside them.
		if !d.scalar(n, pl, t) {
			return
		}
		start, runes := d.src.scalarPos(n)
		if t == exprType {
			e := Expr{Src: n.Value, Pos: start, runes: runes}
			e.Lines = linesOf(e.Src, runes)
			*v.Addr().Interface().(*Expr) = e // no boxing of the value, unlike v.Set
			return
		}
		tx := Text{Src: n.Value, Pos: start, runes: runes}
		if err := tx.Parse(); err != nil {
			p, msg := start, err.Error()
			if te, ok := err.(*TextError); ok {
				p, msg = tx.PosAt(runeIndex(tx.Src, te.Offset)), te.Msg
			}
			d.l.add(CodeInterpolation, p, "%s: %s: write {{ expression }}, or {{ \"{{\" }} for literal braces", where(d.path(pl)), msg)
		}
		*v.Addr().Interface().(*Text) = tx
		return
	case anyType:
		if val, ok := d.anyValue(n, pl); ok && val != nil {
			v.Set(reflect.ValueOf(val))
		}
		return
	}
	switch t.Kind() {
	case reflect.Pointer:
		p := reflect.New(t.Elem())
		d.decode(n, p.Elem(), pl, f)
		v.Set(p)
	case reflect.String:
		if !d.scalar(n, pl, t) {
			return
		}
		if f != nil && f.enum != nil && !contains(f.enum, n.Value) {
			d.l.add(CodeEnum, nodePos(n), "%s: %q is not allowed; use %s%s", where(d.path(pl)), n.Value, orList(f.enum), suggest(n.Value, f.enum))
			return
		}
		v.SetString(n.Value)
	case reflect.Bool:
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" {
			d.l.add(CodeType, nodePos(n), "%s: expected true or false, got %s", where(d.path(pl)), kindName(n))
			return
		}
		b, _ := strconv.ParseBool(strings.ToLower(n.Value))
		v.SetBool(b)
	case reflect.Int, reflect.Int64, reflect.Int32:
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" {
			d.l.add(CodeType, nodePos(n), "%s: expected a whole number, got %s", where(d.path(pl)), kindName(n))
			return
		}
		i, err := strconv.ParseInt(n.Value, 10, 64)
		if err != nil {
			i, err = decodeInt(n) // 0x10, 1_000 and other YAML forms
		}
		if err != nil || v.OverflowInt(i) {
			d.l.add(CodeType, nodePos(n), "%s: %s is out of range", where(d.path(pl)), n.Value)
			return
		}
		v.SetInt(i)
	case reflect.Float64, reflect.Float32:
		tag := n.ShortTag()
		if n.Kind != yaml.ScalarNode || (tag != "!!int" && tag != "!!float") {
			d.l.add(CodeType, nodePos(n), "%s: expected a number, got %s", where(d.path(pl)), kindName(n))
			return
		}
		x, err := strconv.ParseFloat(n.Value, 64)
		if err != nil {
			x, err = decodeFloat(n) // .5, 1_000 and other YAML forms
		}
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			d.l.add(CodeType, nodePos(n), "%s: expected a finite number, got %s", where(d.path(pl)), n.Value)
			return
		}
		v.SetFloat(x)
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			d.l.add(CodeType, nodePos(n), "%s: expected %s, got %s", where(d.path(pl)), typeName(t), kindName(n))
			return
		}
		s := reflect.MakeSlice(t, len(n.Content), len(n.Content))
		for i, c := range n.Content {
			d.decode(c, s.Index(i), d.indexPath(pl, i), f)
		}
		v.Set(s)
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			d.l.add(CodeType, nodePos(n), "%s: expected %s, got %s", where(d.path(pl)), typeName(t), kindName(n))
			return
		}
		m := reflect.MakeMapWithSize(t, len(n.Content)/2)
		seen := map[string]*yaml.Node{}
		// One key and one element for the whole mapping: SetMapIndex
		// copies both, so they are reused (the element zeroed) entry by
		// entry instead of allocated for each.
		var kv, e reflect.Value
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			key, ok := d.key(k, pl, seen)
			if !ok {
				continue
			}
			kp := d.joinPath(pl, key)
			if !e.IsValid() {
				kv, e = reflect.New(t.Key()).Elem(), reflect.New(t.Elem()).Elem()
			} else {
				e.SetZero()
			}
			d.decode(val, e, kp, nil)
			kv.SetString(key)
			m.SetMapIndex(kv, e)
		}
		v.Set(m)
	case reflect.Struct:
		d.decodeStruct(n, v, pl)
	default:
		d.l.add(CodeType, nodePos(n), "%s: cannot decode %s", where(d.path(pl)), t)
	}
}

func (d *decoder) decodeStruct(n *yaml.Node, v reflect.Value, pl int) {
	t := v.Type()
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.Kind != yaml.MappingNode {
		d.l.add(CodeType, nodePos(n), "%s: expected %s, got %s", where(d.path(pl)), typeName(t), kindName(n))
		return
	}
	si := infoOf(t)
	if si.pos >= 0 {
		*v.Field(si.pos).Addr().Interface().(*Pos) = nodePos(n) // no boxing, unlike v.Set
	}
	var meant map[string]bool // keys an unknown key was probably meant to be
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		key, ok := d.structKey(k, pl, n, i)
		if !ok {
			continue
		}
		if strings.HasPrefix(key, "x-") {
			continue // vendor extension: authors' notes and tools' data
		}
		f := si.byName[key]
		if f == nil {
			if m := d.unknownKey(k, key, pl, si); m != "" {
				if meant == nil {
					meant = map[string]bool{}
				}
				meant[m] = true
			}
			continue
		}
		d.decode(val, v.Field(f.index), d.joinPath(pl, key), f)
	}
	for i := range si.fields {
		f := &si.fields[i]
		if f.required && !d.hasKey(n, f.name) && !meant[f.name] && !d.inherited(n, pl, f.name) {
			d.l.add(CodeRequired, nodePos(n), "%s is missing the required key %q", where(d.path(pl)), f.name)
		}
	}
}

// inherited reports whether a required key may be left out because the
// file inherits it: a root key other than those inherits lists, or any key
// of a mapping whose path inherits lists with a leading dot (".cadence").
func (d *decoder) inherited(n *yaml.Node, pl int, key string) bool {
	if d.inherits == nil {
		return false
	}
	if n == d.root || d.root.Kind == yaml.DocumentNode && len(d.root.Content) > 0 && n == d.root.Content[0] {
		return !d.inherits[key]
	}
	return d.inherits["."+d.path(pl)]
}

// structKey checks a key of a struct's mapping against the keys before it
// (a struct has a few keys: a scan beats a map).
func (d *decoder) structKey(k *yaml.Node, pl int, mapping *yaml.Node, i int) (string, bool) {
	if k.Kind != yaml.ScalarNode || k.ShortTag() == "!!null" {
		d.l.add(CodeType, nodePos(k), "%s: a key must be a name, not %s", where(d.path(pl)), kindName(k))
		return "", false
	}
	if j := d.keyIndex(mapping, k.Value); j >= 0 && j < i {
		d.l.add(CodeDuplicateKey, nodePos(k), "%s: duplicate key %q (first written on line %d)", where(d.path(pl)), k.Value, mapping.Content[j].Line)
		return "", false
	}
	return k.Value, true
}

// keyIndex returns the index in m.Content of the first key named key, or
// -1. Big mappings (hostile ones) get an index, so that looking keys up
// stays linear in the size of the file.
func (d *decoder) keyIndex(m *yaml.Node, key string) int {
	if len(m.Content) <= 64 {
		for j := 0; j+1 < len(m.Content); j += 2 {
			if c := m.Content[j]; c.Kind == yaml.ScalarNode && c.Value == key {
				return j
			}
		}
		return -1
	}
	idx, ok := d.index[m]
	if !ok {
		idx = make(map[string]int, len(m.Content)/2)
		for j := 0; j+1 < len(m.Content); j += 2 {
			if c := m.Content[j]; c.Kind == yaml.ScalarNode {
				if _, dup := idx[c.Value]; !dup {
					idx[c.Value] = j
				}
			}
		}
		if d.index == nil {
			d.index = map[*yaml.Node]map[string]int{}
		}
		d.index[m] = idx
	}
	if j, ok := idx[key]; ok {
		return j
	}
	return -1
}

func (d *decoder) hasKey(n *yaml.Node, key string) bool { return d.keyIndex(n, key) >= 0 }

// key checks a mapping key: a plain string, written once.
func (d *decoder) key(k *yaml.Node, pl int, seen map[string]*yaml.Node) (string, bool) {
	if k.Kind != yaml.ScalarNode || k.ShortTag() == "!!null" {
		d.l.add(CodeType, nodePos(k), "%s: a key must be a name, not %s", where(d.path(pl)), kindName(k))
		return "", false
	}
	if first := seen[k.Value]; first != nil {
		d.l.add(CodeDuplicateKey, nodePos(k), "%s: duplicate key %q (first written on line %d)", where(d.path(pl)), k.Value, first.Line)
		return "", false
	}
	seen[k.Value] = k
	return k.Value, true
}

// unknownKey reports an unknown key and returns the key it was probably
// meant to be, if any.
func (d *decoder) unknownKey(k *yaml.Node, key string, pl int, si *structInfo) string {
	if d.l.full() {
		d.l.dropped++
		return ""
	}
	names := make([]string, len(si.fields))
	for i, f := range si.fields {
		names[i] = f.name
	}
	if m := closest(key, names); m != "" {
		d.l.add(CodeUnknownKey, nodePos(k), "%s: unknown key %q; did you mean %q?", where(d.path(pl)), key, m)
		return m
	}
	sorted := append([]string(nil), names...)
	sort.Strings(sorted)
	d.l.add(CodeUnknownKey, nodePos(k), "%s: unknown key %q; the keys here are %s", where(d.path(pl)), key, strings.Join(sorted, ", "))
	return ""
}

// scalar checks that n is a single value (any core scalar type is taken as
// its text).
func (d *decoder) scalar(n *yaml.Node, pl int, t reflect.Type) bool {
	if n.Kind != yaml.ScalarNode {
		d.l.add(CodeType, nodePos(n), "%s: expected %s, got %s", where(d.path(pl)), typeName(t), kindName(n))
		return false
	}
	return true
}

// anyValue decodes an untyped value (variable values, test expectations).
func (d *decoder) anyValue(n *yaml.Node, pl int) (any, bool) {
	switch n.Kind {
	case yaml.AliasNode:
		if n.Alias != nil {
			return d.anyValue(n.Alias, pl)
		}
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return nil, true
		case "!!bool":
			b, _ := strconv.ParseBool(strings.ToLower(n.Value))
			return b, true
		case "!!int":
			var i int
			if err := n.Decode(&i); err != nil {
				d.l.add(CodeType, nodePos(n), "%s: %s is out of range", where(d.path(pl)), n.Value)
				return nil, false
			}
			return i, true
		case "!!float":
			var x float64
			if err := n.Decode(&x); err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
				d.l.add(CodeType, nodePos(n), "%s: expected a finite number, got %s", where(d.path(pl)), n.Value)
				return nil, false
			}
			return x, true
		}
		return n.Value, true
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for i, c := range n.Content {
			v, ok := d.anyValue(c, d.indexPath(pl, i))
			if !ok {
				return nil, false
			}
			out = append(out, v)
		}
		return out, true
	case yaml.MappingNode:
		out := map[string]any{}
		seen := map[string]*yaml.Node{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, ok := d.key(n.Content[i], pl, seen)
			if !ok {
				return nil, false
			}
			v, ok := d.anyValue(n.Content[i+1], d.joinPath(pl, key))
			if !ok {
				return nil, false
			}
			out[key] = v
		}
		return out, true
	}
	return nil, false
}

// decodeInt and decodeFloat read the YAML forms strconv does not. They are
// functions of their own so that the value passed to Decode escapes only
// for such forms, not for every number.
func decodeInt(n *yaml.Node) (int64, error) {
	var i int64
	err := n.Decode(&i)
	return i, err
}

func decodeFloat(n *yaml.Node) (float64, error) {
	var x float64
	err := n.Decode(&x)
	return x, err
}

func isScalarType(t reflect.Type) bool {
	if t == timingType {
		return true // one scalar: a duration or vary.NAME
	}
	switch t.Kind() {
	case reflect.String, reflect.Bool, reflect.Int, reflect.Int32, reflect.Int64, reflect.Float32, reflect.Float64:
		return true
	}
	return false
}

// typeWords are how an author calls a value of a type and a list of them.
type typeWords struct{ one, many string }

// namedTypeWords and kindWords say the words for the types that have their
// own; words builds the rest from them, and exprTypeName (what an
// expression gives) uses kindWords too.
var (
	namedTypeWords = map[reflect.Type]typeWords{
		durationType: {"a duration (like 90s, 2m or 1h30m)", "durations"},
		timingType:   {timingTypeName, "durations or vary.NAMEs"},
		exprType:     {"an expression (a string)", "expressions"},
		textType:     {"a text (a string)", "texts"},
		anyType:      {"a value", "values"},
	}
	kindWords = map[reflect.Kind]typeWords{
		reflect.String:  {"a string", "strings"},
		reflect.Bool:    {"true or false", "true/false values"},
		reflect.Int:     {"a whole number", "whole numbers"},
		reflect.Int32:   {"a whole number", "whole numbers"},
		reflect.Int64:   {"a whole number", "whole numbers"},
		reflect.Uint:    {"a whole number", "whole numbers"},
		reflect.Uint64:  {"a whole number", "whole numbers"},
		reflect.Float32: {"a number", "numbers"},
		reflect.Float64: {"a number", "numbers"},
	}
)

// wordsFor is t's own words if it has them, else its kind's.
func wordsFor(t reflect.Type) (typeWords, bool) {
	if w, ok := namedTypeWords[t]; ok {
		return w, true
	}
	w, ok := kindWords[t.Kind()]
	return w, ok
}

// typeName describes a Go type the way an author thinks of it.
func typeName(t reflect.Type) string { return words(t).one }

// words are the words for a value of type t and for a list of them ("a list
// of strings"): its own, or built from its elements'.
func words(t reflect.Type) typeWords {
	if w, ok := wordsFor(t); ok {
		return w
	}
	switch t.Kind() {
	case reflect.Pointer:
		return words(t.Elem())
	case reflect.Slice:
		return typeWords{"a list of " + words(t.Elem()).many, "lists"}
	case reflect.Map:
		return typeWords{"a mapping of names to " + words(t.Elem()).many, "mappings"}
	case reflect.Struct:
		return typeWords{"a mapping (key: value lines)", "mappings"}
	}
	return typeWords{t.String(), "mappings"}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// orList formats a, b or c.
func orList(list []string) string {
	switch len(list) {
	case 0:
		return "nothing"
	case 1:
		return list[0]
	}
	return strings.Join(list[:len(list)-1], ", ") + " or " + list[len(list)-1]
}

// suggest returns `; did you mean "x"?` for the closest candidate within a
// small edit distance, or "".
func suggest(s string, candidates []string) string {
	if len(candidates) > maxSuggestCandidates {
		return ""
	}
	if m := closest(s, candidates); m != "" {
		return fmt.Sprintf("; did you mean %q?", m)
	}
	return ""
}

const maxSuggestCandidates = 500

// closest returns the candidate within a small edit distance of s, or "".
func closest(s string, candidates []string) string {
	best, bestD := "", 1<<30
	for _, c := range candidates {
		if d := editDistance(strings.ToLower(s), strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	limit := 2
	if len(s) <= 3 {
		limit = 1
	}
	if best == "" || bestD > limit || bestD >= len(s) {
		return ""
	}
	return best
}

// editDistance is the Levenshtein distance between a and b (bytes; keys and
// ids are ASCII).
func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		if a == b {
			return 0
		}
		return 1 << 20
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// runeIndex converts a byte offset in s to a rune offset.
func runeIndex(s string, byteOff int) int {
	if byteOff > len(s) {
		byteOff = len(s)
	}
	n := 0
	for i := range s {
		if i >= byteOff {
			break
		}
		n++
	}
	return n
}
