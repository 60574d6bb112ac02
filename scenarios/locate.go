package scenarios

import "go.yaml.in/yaml/v3"

// DiagnosticAt returns a diagnostic placed at the value at a key path of a
// loaded file (such as "intent_examples.hold[2]"), for checks made outside
// this package on a loaded scenario or policy (the intent lints). src is
// the file's Source; a path that is not found places it at the nearest
// enclosing value.
func DiagnosticAt(file string, src []byte, path, code, format string, args ...any) Diagnostic {
	sf := newSourceFile(file, src)
	l := &diagList{src: sf}
	var doc yaml.Node
	p := Pos{Line: 1, Col: 1}
	if err := yaml.Unmarshal(src, &doc); err == nil && len(doc.Content) > 0 {
		p = newDecoder(sf, l, doc.Content[0]).at(path)
	}
	l.add(code, p, format, args...)
	return l.diags[0]
}
