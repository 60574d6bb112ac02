package scenarios

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func init() {
	// A panic in the fast parser is a bug: tests and fuzzing must see it,
	// where production falls back to yaml.v3.
	fastStrict = true
}

// checkFast parses data with both parsers and fails when the fast parser
// accepts what yaml.v3 rejects, or builds another tree, or when it declines
// for a mistake (diagnoseSyntax) in what yaml.v3 accepts; a mistake bound
// to a line (until) is only a guess that yaml.v3 then confirms or not. It
// reports whether the fast parser took the input.
func checkFast(t testing.TB, name string, data []byte) bool {
	t.Helper()
	got, ok := fastParse(data)
	var want yaml.Node
	err := yaml.Unmarshal(data, &want)
	if !ok {
		if sp, found := diagnoseSyntax(data); found && sp.until == 0 && err == nil {
			t.Fatalf("%s: the fast parser blames %d:%d (%s) in what yaml.v3 accepts:\n%s", name, sp.pos.Line, sp.pos.Col, sp.msg, data)
		}
		return false
	}
	if err != nil {
		t.Fatalf("%s: the fast parser accepted what yaml.v3 rejects (%v):\n%s", name, err, data)
	}
	if diff := sameTree(got, &want, "doc"); diff != "" {
		t.Fatalf("%s: the fast parser built another tree: %s\ninput:\n%s", name, diff, data)
	}
	return true
}

// yamlCorpus is every YAML file of the package, every FuzzLoad seed, and
// inputs at the edges of the block structure.
func yamlCorpus(t testing.TB) map[string][]byte {
	t.Helper()
	cases := map[string][]byte{
		"quoted-across":  []byte("id: x\ntitle: \"a\nb: c\"\nsummary: s\n"),
		"single-across":  []byte("id: x\ntitle: 'a\nb: c'\nsummary: s\n"),
		"flow-across":    []byte("id: x\ntags: [a,\nb: c]\nsummary: s\n"),
		"flow-map":       []byte("id: x\ntags: {a: 1,\nb: 2}\nsummary: s\n"),
		"alias-across":   []byte("id: &a x\ntitle: y\nsummary: *a\nmore: z\n"),
		"alias-inside":   []byte("id: x\ntitle: y\nsummary: &a {k: 1}\nmore: *a\n"),
		"block-scalar":   []byte("id: x\nsummary: |\n  one\n  two\nbriefing: >\n  three\nend: 1\n"),
		"plain-multi":    []byte("id: x\ntitle: one\n  two\nsummary: s\nend: e\n"),
		"indented-root":  []byte("  id: x\n  title: y\nsummary: s\n"),
		"doc-marker":     []byte("---\nid: x\ntitle: y\nsummary: s\n"),
		"second-doc":     []byte("id: x\ntitle: y\n---\nsummary: s\n"),
		"dup-key":        []byte("id: x\ntitle: y\nid: z\nsummary: s\n"),
		"bad-indent":     []byte("id: x\ntitle: y\n  bad: z\n bad2: q\nsummary: s\n"),
		"tab":            []byte("id: x\ntitle: y\n\tsummary: s\nend: e\n"),
		"comments":       []byte("# head\nid: x # line\n# between\ntitle: y\n\n# foot\nsummary: s\n"),
		"crlf":           []byte("id: x\r\ntitle: y\r\nsummary: |\r\n  a\r\n  b\r\nend: e\r\n"),
		"top-list":       []byte("id: x\nlist:\n- a\n- b\nsummary: s\n"),
		"scalar-root":    []byte("hello\nworld: x\nmore: y\n"),
		"tagged-root":    []byte("!!map\nid: x\ntitle: y\nsummary: s\n"),
		"anchor-root":    []byte("&r\nid: x\ntitle: y\nsummary: s\n"),
		"question-key":   []byte("id: x\n? complex\n: value\ntitle: y\nsummary: s\n"),
		"unterminated":   []byte("id: x\ntitle: y\nsummary: \"s\nend: e\n"),
		"deep-then-flat": []byte("a:\n  b:\n    c:\n      d: 1\ne: 2\nf:\n  g: 3\n"),
		"list-items":     []byte("id: x\nlist:\n  - a\n  - b: 1\n    c: 2\n  - d\n  - e\nsummary: s\n"),
		"list-at-end":    []byte("id: x\nsummary: s\nlist:\n  - a\n  - b\n  - c\n  - d\n"),
		"block-dashes":   []byte("id: x\nsummary: |\n  - not\n  - an\n  - item\nend: e\n"),
		"plain-dashes":   []byte("id: x\nsummary: foo\n  - a\n  - b\n  - c\nend: e\n"),
		"flow-dashes":    []byte("id: x\nsummary: [\n  - a\n  - b\n  - c]\nend: e\n"),
		"anchored-list":  []byte("id: x\nlist: &l\n  - a\n  - b\n  - c\nmore: *l\n"),
		"alias-in-list":  []byte("id: &i x\nlist:\n  - a\n  - *i\n  - *i\nend: e\n"),
		"nested-list":    []byte("id: x\ncast:\n  services:\n  - a\n  - b\n  - c\nend: e\n"),
		"shallow-line":   []byte("id: x\nlist:\n  - a\n  - b\n c: d\n  - e\nend: e\n"),
		"deeper-item":    []byte("id: x\nlist:\n  - a\n    - b\n  - c\n  - d\nend: e\n"),
	}
	for _, pattern := range []string{"testdata/diagnostics/*.yaml", "examples/*.yaml", "library/*.yaml", "policies/*.yaml"} {
		files, _ := filepath.Glob(pattern)
		if len(files) == 0 {
			t.Fatalf("no files match %s", pattern)
		}
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			cases[f] = data
		}
	}
	seeds, _ := filepath.Glob("testdata/fuzz/FuzzLoad/*")
	for _, f := range seeds {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		_, lit, _ := strings.Cut(string(data), "[]byte(")
		if s, err := strconv.Unquote(strings.TrimSuffix(strings.TrimSpace(lit), ")")); err == nil {
			cases[f] = []byte(s)
		}
	}
	return cases
}

// TestFastParseCorpus compares the two parsers on every file we have.
func TestFastParseCorpus(t *testing.T) {
	taken := 0
	for name, data := range yamlCorpus(t) {
		if checkFast(t, name, data) {
			taken++
		}
	}
	if taken < 50 {
		t.Errorf("the fast parser took %d files, want most of them", taken)
	}
}

// TestFastParseTakesShippedFiles guards the speed of loading: every drill,
// policy and example we ship, and the benchmark's big drill, must be in the
// fast parser's subset. A construct it declines sends the whole file to
// yaml.v3, several times slower.
func TestFastParseTakesShippedFiles(t *testing.T) {
	files := map[string][]byte{"big": bigScenario(t, 100_000)}
	for _, pattern := range []string{"examples/*.yaml", "library/*.yaml", "policies/*.yaml"} {
		matches, _ := filepath.Glob(pattern)
		for _, f := range matches {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			files[f] = data
		}
	}
	if len(files) < 15 {
		t.Fatalf("got %d files, want the whole library", len(files))
	}
	for name, data := range files {
		if !checkFast(t, name, data) {
			t.Errorf("%s: the fast parser declined it", name)
		}
	}
}

// TestFastParseCases pins the edges of the subset: each case is either
// taken with yaml.v3's tree or declined, never different.
func TestFastParseCases(t *testing.T) {
	cases := []struct {
		src  string
		take bool
	}{
		{"a: 1\n", true},
		{"# head\n\na: b # c\n  # indented comment\nc: d\n", true},
		{"a:\n- x\n- y\nb: z\n", true},
		{"a:\n  - x: 1\n    y:\n  -\n  - z\n", true},
		{"a: |\n  one\n\n  two\nb: >-\n  three\n  four\n\n  five\n\nc: x\n", true},
		{"a: |\n  no newline at the end", true},
		{"a: |-\n    deep\n     deeper\n", true},
		{"a: >\n  x\n   more indented\n", false},
		{"a: |+\n  keep\n\n", false},
		{"a: |2\n   x\n", false},
		{"a: |\n\n  leading empty line\n", false},
		{"a: |\nb: 1\n", false},
		{"a: 'it''s' # c\nb: \"q\\\"\\n\\t\\x41\\u00e9\\U0001F600\\N\\_\\'\\ \"\n", true},
		{"a: \"x\\/y\"\n", false},
		{"a: \"bad \\q escape\"\n", false},
		{"a: \"two\n  lines\"\n", false},
		{"a: [x, 'y', \"z\", [1, 2], {k: v}]\nb: {}\nc: []\n", true},
		{"a: [x,\n  y]\n", false},
		{"a: [x, , y]\n", false},
		{"a: [x, y,]\n", false},
		{"a: {k}\n", false},
		{"a: &x {k: v}\nb: *x\nc:\n  - &y\n    d: 1\n  - *y\n", true},
		{"a: &x 1\nb: &x\n  c: *x\n", false},
		{"a: *nowhere\n", false},
		{"<<: {k: v}\n", true},
		{"a: b: c\n", false},
		{"a: one\n  two\n", true},
		{"a: x\n\n  y\n   \n\n  z # c\nb: 1\n", true},
		{"a: x\n  - y\n  [z] &q *r 'w'\n", true},
		{"- x\n  y\n- z\n", false},
		{"a:\n- x\n  y\n", true},
		{"a: x\n  y: z\n", false},
		{"a: x # c\n  y\n", false},
		{"a: x\n  # c\n  y\n", false},
		{"a: x\n  # c\nb: y\n", true},
		{"a: - x\n", false},
		{"- a\n- b\n", false},
		{"  a: 1\n", false},
		{"---\na: 1\n", false},
		{"%YAML 1.2\n---\na: 1\n", false},
		{"a: 1\r\nb: |\r\n  x\r\n  y\r\nc: [1, 2]\r\n", true},
		{"a: 1\rb: 2\n", false},
		{"a:\t1\n", false},
		{"a: !!str 1\n", false},
		{"a: ~\nb: null\nc: true\nd: False\ne: 0x1F\nf: 1_000\ng: 0o17\nh: 0b101\ni: -0b1\nj: 1e3\nk: .5\nl: +.inf\nm: 2026-01-02\nn: 2026-1-2 3:4:5\no: 90s\np: 1.2.3\nq: yes\nr: on\n", true},
		{"é: [ü, 'ö']\nkey with spaces: a:b\na:b: c\n", true},
		{"a: x#y\nb: x #y\n", true},
		{"a: \"x\"y\n", false},
		{"a: \"x\" # c\n", true},
		{"a:\n    b: 1\n  c: 2\n", false},
		{"a:\n  - x\n  b: 1\n", false},
		{"a: 1\n- x\n", false},
		{"a:\n- b: 1\n  - x\n", false},
		{"a:   \n  b: 1\n", true},
		{"a: # comment\n  b: 1\n", true},
		{"a: &n\nb: 1\n", false},
		{"key  : v\n", true},
		{"? complex\n: value\n", false},
		// yaml.v3 looks for a key's ':' no further than 1024 characters on,
		// in flow collections too.
		{"a: {" + strings.Repeat("k", 1100) + ": v}\n", false},
		{"a: {'" + strings.Repeat("k", 1100) + "': v}\n", false},
		{"a: {k: " + strings.Repeat("v", 1100) + "}\n", true},
		{"a: [" + strings.Repeat("k", 1100) + "]\n", true},
		{"a:\n- " + strings.Repeat("é", 1024) + ": v\n", true},
		{strings.Repeat("é", 1024) + ": v\n", true},
		{strings.Repeat("é", 1025) + ": v\n", false},
		// An anchor after "- " may start a key: the item is a mapping.
		{"- &x a: b\n", false},
		{"a:\n- &x b: c\n  d: *x\n", false},
		// An alias inside the node its anchor names: yaml.v3 takes it.
		{"a: &x\n  b: *x\n", false},
		{"a: &x\n  - &x 1\n  - *x\nb: *x\n", true},
		// A block scalar in line with the items is an empty item's value.
		{"a:\n  -\n  |\n   x\n", false},
		{"a:\n  -\n  >\n   x\nb: 1\n", false},
	}
	for i, c := range cases {
		t.Run(strconv.Itoa(i), func(t *testing.T) {
			if got := checkFast(t, "case", []byte(c.src)); got != c.take {
				t.Errorf("got taken %v, want %v, for:\n%s", got, c.take, c.src)
			}
		})
	}
}

// TestPlainTag compares the tag the fast parser gives a plain scalar with
// yaml.v3's, over strings made to hit each branch of its resolver.
func TestPlainTag(t *testing.T) {
	words := []string{
		"0", "1", "-1", "+1", "007", "0x1F", "0X1f", "-0x1", "0o17", "0O17", "-0o17", "0b101", "-0b101", "0b2",
		"1_000", "1__0", "_1", "1e3", "1E+3", "-1e-3", "1.", ".5", "-.5", "+.5", ".", "..", "1.2.3", "1e", "e3",
		"9223372036854775807", "9223372036854775808", "18446744073709551615", "18446744073709551616",
		"-9223372036854775808", "-9223372036854775809", "0b1111111111111111111111111111111111111111111111111111111111111111",
		".inf", ".Inf", ".INF", "+.inf", "-.Inf", ".nan", ".NaN", "-.nan", ".infinity", "inf", "NaN",
		"true", "True", "TRUE", "tRUE", "false", "yes", "no", "on", "off", "y", "n", "~", "null", "Null", "NULL", "nULL",
		"<<", "<", "2026-01-02", "2026-1-2", "2026-01-02T10:00:00Z", "2026-01-02t10:00:00Z", "2026-01-02 10:00:00",
		"2026-13-02", "20260102", "2026-01-02x", "12:30", "1:30:00", "90s", "1m30s", "0x", "0o", "0b", "-", "+",
		"0x_1", "1_e3", "0.1_1", "1e1_0", "2h", "15m", "1m30s", "0xfg", "0x1F", "0b1z", "2026-01-02T10:00:00Z",
		"2026-01-02 10:00:00Z", "1_", "1.5e", "+.5E", "0xABCDEF", "12y", "3Y", "9z", "1Z",
	}
	for _, w := range words {
		var doc yaml.Node
		if err := yaml.Unmarshal([]byte("k: "+w+"\n"), &doc); err != nil {
			continue
		}
		v := doc.Content[0].Content[1]
		if v.Style != 0 || v.Value != w {
			continue
		}
		if got := plainTag(w); got != v.Tag {
			t.Errorf("plainTag(%q) = %s, want %s", w, got, v.Tag)
		}
	}
}

// TestFastParseGenerated compares the two parsers on documents built at
// random from the constructs drills use and the ones near them that the
// fast parser must decline or get exactly right.
func TestFastParseGenerated(t *testing.T) {
	n := 20_000
	if testing.Short() {
		n = 2_000
	}
	r := rand.New(rand.NewPCG(1, 2))
	taken := 0
	seen := map[string]int{}
	for i := range n {
		g := &yamlGen{r: r}
		src := g.document()
		if checkFast(t, fmt.Sprintf("document %d", i), src) {
			taken++
			for _, k := range g.used {
				seen[k]++
			}
		}
	}
	t.Logf("the fast parser took %d of %d documents: %v", taken, n, seen)
	if taken < n/5 {
		t.Errorf("the fast parser took %d of %d documents, want a fifth at least", taken, n)
	}
	for _, k := range []string{"literal", "folded", "flow", "anchor", "alias", "escape", "quote", "indentless", "null", "unicode", "comment", "crlf", "multiline"} {
		if seen[k] < 20 {
			t.Errorf("the fast parser took %d documents with %s, want 20 at least", seen[k], k)
		}
	}
}

// FuzzFastParse compares the two parsers on any input.
func FuzzFastParse(f *testing.F) {
	for _, data := range yamlCorpus(f) {
		f.Add(data)
	}
	r := rand.New(rand.NewPCG(3, 4))
	for range 200 {
		f.Add((&yamlGen{r: r}).document())
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 64<<10 {
			return
		}
		checkFast(t, "input", data)
	})
}

// yamlGen writes random YAML documents.
type yamlGen struct {
	r    *rand.Rand
	b    strings.Builder
	used []string
	anch []string
}

func (g *yamlGen) pick(s ...string) string { return s[g.r.IntN(len(s))] }
func (g *yamlGen) chance(p float64) bool   { return g.r.Float64() < p }
func (g *yamlGen) use(k string)            { g.used = append(g.used, k) }

func (g *yamlGen) document() []byte {
	if g.chance(0.3) {
		g.b.WriteString(g.pick("# yaml-language-server: $schema=x\n", "\n", "# c\n\n", "   \n"))
	}
	g.mapping(0, 0, 3)
	out := g.b.String()
	if g.chance(0.05) {
		out = strings.TrimSuffix(out, "\n")
	}
	if g.chance(0.1) {
		g.use("crlf")
		out = strings.ReplaceAll(out, "\n", "\r\n")
	}
	if g.chance(0.15) {
		// A random edit: most break the subset or the document, which
		// both parsers must then agree on.
		i := g.r.IntN(len(out) + 1)
		out = out[:i] + g.pick(" ", "\n", "-", ":", "#", "'", "\"", "[", "]", "{", "}", "&a", "*a", "|", ">", ",", "  ", "\t", "\\", "\r") + out[i:]
	}
	return []byte(out)
}

func (g *yamlGen) indent(n int) { g.b.WriteString(strings.Repeat(" ", n)) }

func (g *yamlGen) key() string {
	if g.chance(0.005) {
		// About as long as yaml.v3 allows a key to be, in characters.
		g.use("longkey")
		return strings.Repeat(g.pick("k", "é"), 1018+g.r.IntN(12))
	}
	return g.pick("id", "title", "a", "b", "c", "k-1", "x_y", "true", "1", "null", "~", "key with spaces", "é", "a:b", "on", "<<", "x.y", "-k", "q?")
}

func (g *yamlGen) mapping(ind, first, depth int) {
	n := 1 + g.r.IntN(4)
	for i := range n {
		if i > 0 || first == 0 {
			g.indent(ind)
		}
		g.b.WriteString(g.key())
		if g.chance(0.03) {
			g.b.WriteString("  ")
		}
		g.b.WriteString(":")
		g.value(ind, depth, true)
		g.blankLines()
	}
}

func (g *yamlGen) blankLines() {
	switch g.r.IntN(10) {
	case 0:
		g.b.WriteString("\n")
	case 1:
		g.indent(g.r.IntN(6))
		g.b.WriteString("# comment\n")
		g.use("comment")
	case 2:
		g.b.WriteString("   \n")
	}
}

func (g *yamlGen) list(ind, depth int) {
	n := 1 + g.r.IntN(4)
	for range n {
		g.indent(ind)
		g.b.WriteString("-")
		if depth > 0 && g.chance(0.35) {
			g.b.WriteString(" ")
			if g.chance(0.05) {
				// The mapping starts at the anchor, its first key after it.
				g.b.WriteString("&" + g.pick("a", "b", "c") + " ")
			}
			g.mapping(ind+2, 1, depth-1)
			continue
		}
		g.value(ind, depth, false)
		g.blankLines()
	}
}

// value writes what follows a key's ':' or an item's '-', line break
// included.
func (g *yamlGen) value(ind, depth int, inMap bool) {
	if g.chance(0.08) {
		name := g.pick("a", "b", "c")
		g.b.WriteString(" &" + name)
		g.anch = append(g.anch, name)
		g.use("anchor")
	}
	step := 1 + g.r.IntN(3)
	switch k := g.r.IntN(10); {
	case depth > 0 && k < 2:
		g.comment()
		g.b.WriteString("\n")
		g.mapping(ind+step, 0, depth-1)
	case depth > 0 && k < 4:
		g.comment()
		g.b.WriteString("\n")
		if inMap && g.chance(0.4) {
			g.use("indentless")
			g.list(ind, depth-1)
		} else {
			g.list(ind+step, depth-1)
		}
	case k == 4:
		g.use("null")
		g.comment()
		g.b.WriteString("\n")
	case k == 5:
		g.blockScalar(ind + step)
	case k == 6:
		g.b.WriteString(" ")
		g.flow(2)
		g.comment()
		g.b.WriteString("\n")
	case k == 7 && len(g.anch) > 0:
		g.use("alias")
		g.b.WriteString(" *" + g.pick(g.anch...))
		g.comment()
		g.b.WriteString("\n")
	default:
		g.b.WriteString(" ")
		g.scalar(false)
		if g.chance(0.15) {
			g.use("multiline")
			for range 1 + g.r.IntN(3) {
				g.b.WriteString(g.pick("\n", "\n\n", "\n  \n"))
				g.indent(ind + g.r.IntN(3))
				g.b.WriteString(g.pick("more words", "- x", "[y]", "# c", "a: b", "x # c", "&a *b 'q' \"r\"", "é", "true", "|", "> x", "\"q", "'q"))
			}
		}
		g.comment()
		g.b.WriteString("\n")
	}
}

func (g *yamlGen) comment() {
	switch g.r.IntN(8) {
	case 0:
		g.b.WriteString(" # note: - [x]")
		g.use("comment")
	case 1:
		g.b.WriteString("   ")
	}
}

func (g *yamlGen) scalar(flow bool) {
	switch g.r.IntN(5) {
	case 0:
		g.use("quote")
		g.b.WriteString("'" + g.pick("it''s", "", "a: b", "# not", "é", "x \" y", "[x]") + "'")
	case 1:
		g.use("quote")
		s := g.pick("plain", "", "a: b", "# not", "é", "x ' y", "{x}")
		if g.chance(0.5) {
			g.use("escape")
			s += g.pick(`\n`, `\t`, `\"`, `\\`, `\x41`, `\u00e9`, `\U0001F600`, `\N`, `\_`, `\L`, `\P`, `\/`, `\ `, `\e`, `\0`, `\q`, `\uD800`, `\x4`, `\`)
		}
		g.b.WriteString(`"` + s + `"`)
	default:
		s := g.pick("x", "Hello there", "90s", "1m30s", "15", "-3", "1.5", "true", "null", "~", "0x10", "1_000",
			"2026-01-02", "a#b", "a # b", "a:b", "a: b", "ü ö", "- x", "-x", "?x", ":x", "x,y", "x]", "{{ vary.flat }}",
			"%x", "@x", "`x", "!x", "|x", ">x", "x  ", "yes", ".inf", "<<", "a ? b", "100%")
		if strings.ContainsAny(s, "éüö") {
			g.use("unicode")
		}
		if flow && strings.ContainsAny(s, ",[]{}") {
			s = "y"
		}
		g.b.WriteString(s)
	}
}

func (g *yamlGen) flow(depth int) {
	g.use("flow")
	mapping := g.chance(0.5)
	open, closer := "[", "]"
	if mapping {
		open, closer = "{", "}"
	}
	g.b.WriteString(open + g.pick("", " "))
	n := g.r.IntN(4)
	for i := range n {
		if i > 0 {
			g.b.WriteString(g.pick(", ", ",", " , "))
		}
		if mapping {
			g.b.WriteString(g.pick(g.key(), `"q"`, "'s'") + g.pick(": ", " : ", ":"))
		}
		if depth > 0 && g.chance(0.25) {
			g.flow(depth - 1)
		} else {
			g.scalar(true)
		}
	}
	g.b.WriteString(g.pick("", " ") + closer)
}

func (g *yamlGen) blockScalar(ind int) {
	header := g.pick("|", "|-", ">", ">-", "|+", ">2", "|-  # c")
	if header[0] == '|' {
		g.use("literal")
	} else {
		g.use("folded")
	}
	g.b.WriteString(" " + header + "\n")
	n := 1 + g.r.IntN(4)
	for i := range n {
		switch g.r.IntN(8) {
		case 0:
			if i > 0 {
				g.b.WriteString("\n")
			}
		case 1:
			g.indent(g.r.IntN(ind + 2))
			g.b.WriteString("\n")
		case 2:
			g.indent(ind + 1 + g.r.IntN(2))
			g.b.WriteString("more indented\n")
		}
		g.indent(ind)
		g.b.WriteString(g.pick("line of text", "# not a comment", "- not an item", "key: not a key", "é", "x  "))
		g.b.WriteString("\n")
	}
}

// sameTree compares two yaml.v3 trees, comments aside.
func sameTree(a, b *yaml.Node, path string) string {
	if a == nil || b == nil {
		if a != b {
			return path + ": one is nil"
		}
		return ""
	}
	if a.Kind != b.Kind || a.Style != b.Style || a.Tag != b.Tag || a.Value != b.Value || a.Anchor != b.Anchor ||
		a.Line != b.Line || a.Column != b.Column || len(a.Content) != len(b.Content) {
		return fmt.Sprintf("%s: got %v %v %q %q &%s at %d:%d with %d children, want %v %v %q %q &%s at %d:%d with %d children",
			path, a.Kind, a.Style, a.Tag, a.Value, a.Anchor, a.Line, a.Column, len(a.Content),
			b.Kind, b.Style, b.Tag, b.Value, b.Anchor, b.Line, b.Column, len(b.Content))
	}
	if (a.Alias == nil) != (b.Alias == nil) || a.Alias != nil && (a.Alias.Line != b.Alias.Line || a.Alias.Column != b.Alias.Column) {
		return path + ": aliases differ"
	}
	for i := range a.Content {
		if d := sameTree(a.Content[i], b.Content[i], fmt.Sprintf("%s/%d", path, i)); d != "" {
			return d
		}
	}
	return ""
}

// TestSyntaxDiagnostics checks that a YAML mistake is reported where it is,
// not where yaml.v3's parser noticed it, and that yaml.v3's report stands
// when the fast parser cannot tell.
func TestSyntaxDiagnostics(t *testing.T) {
	cases := []struct {
		name, src, at, msg string
	}{
		{"misindented key", "id: x\ncast:\n  customer:\n    name: Bob\n   persona: calm\n", "5:4", "indented 3 spaces, more than the keys of its mapping (2)"},
		{"misindented item", "id: x\nlist:\n  - a: 1\n     b: 2\n", "4:6", "give the keys of a mapping the same indentation"},
		{"misindented item after quotes", "id: x\nlist:\n  - a: '1'\n     b: 2\n", "4:6", "more than the keys of its mapping (4)"},
		{"line after a quoted value", "id: x\ntitle: 'a'\n  more\n", "3:3", "indented 2 spaces, more than the keys of its mapping (0)"},
		{"list item among keys", "id: x\ncast:\n  customer: x\n  - z\n", "4:3", "a list item where a key was expected"},
		{"key without a colon", "id: x\ncast:\n  customer: x\n  services\n", "4:3", "this line has no ':'"},
		{"key among items", "id: x\nlist:\n  - a\n  b: 1\n", "4:3", "a list item (\"- \") was expected here"},
		{"colon in a value", "id: x\ntitle: Note: read this\n", "2:12", `": " inside a value`},
		{"colon on a continuation line", "id: x\ntitle: one\n  two: three\n", "3:3", "give the keys of a mapping the same indentation"},
		{"list on the key's line", "id: x\ntags: - a\n", "2:7", "a list cannot start on the line of its key"},
		{"reserved indicator", "id: x\ntitle: @home\n", "2:8", "cannot start with @ unless it is quoted"},
		{"text after quotes", "id: x\ntitle: \"Hello\" world\n", "2:16", "text after the end of the value"},
		{"text after a flow list", "id: x\ntags: [a, b] c\n", "2:14", "text after the end of the value"},
		{"unknown alias", "id: x\ntitle: *nowhere\n", "2:8", "no anchor &nowhere is defined above this alias"},
		{"unknown escape", "id: x\ntitle: \"a\\qb\"\n", "2:10", `unknown escape \q`},
		{"text after a block indicator", "id: x\nsummary: | text\n  more\n", "2:12", "text after | on its line"},
		{"unclosed quote", "id: x\ntitle: \"Fixture drill\nversion: 1\ncast:\n  customer:\n    name: \"Bob\"\n", "2:8", `not closed on its line: YAML reads on to the next ", on line 6`},
		{"never closed quote", "id: x\ntitle: 'Fixture drill\nversion: 1\n", "2:8", "never closed"},
		{"non-ASCII before the mistake", "id: x\ntitle: Café: open\n", "2:12", `": " inside a value`},
		// A quote that spans lines on purpose, and a mistake far below it:
		// yaml.v3's report stands.
		{"valid quote, later mistake", "id: x\ntitle: \"two\n  lines\"\nsummary: s\ncast:\n  customer: x\n - bad\n", "", ""},
		// A quote that spans lines on purpose, with a bad escape on the next
		// line: yaml.v3 blames the line of the quote, and its report stands.
		{"bad escape in a quote across lines", "id: x\ntitle: \"two\n  \\q lines\"\nsummary: s\n", "", ""},
		// A construct outside the fast parser's subset comes first: yaml.v3's
		// report stands.
		{"unsupported, then a mistake", "id: x\ntags: [a,\n  b]\ncast:\n  customer: x\n  - z\n", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var yerr error
			var doc yaml.Node
			if yerr = yaml.Unmarshal([]byte(c.src), &doc); yerr == nil {
				t.Fatalf("yaml.v3 accepts the input; the case must be a YAML mistake")
			}
			_, ds := NewLoader().LoadScenario("x.drill.yaml", []byte(c.src))
			if len(ds) == 0 || ds[0].Code != CodeSyntax {
				t.Fatalf("got %v, want %s first", ds, CodeSyntax)
			}
			d := ds[0]
			if c.at == "" {
				if strings.Contains(d.Message, "YAML syntax: ") && !strings.Contains(yerr.Error(), strings.TrimPrefix(d.Message, "YAML syntax: ")) {
					t.Fatalf("got %q, want yaml.v3's own report (%v)", d.Message, yerr)
				}
				return
			}
			if got := fmt.Sprintf("%d:%d", d.Line, d.Col); got != c.at {
				t.Errorf("got the problem at %s, want %s (%s)", got, c.at, d.Message)
			}
			if !strings.Contains(d.Message, c.msg) {
				t.Errorf("got %q, want it to say %q", d.Message, c.msg)
			}
		})
	}
}
