package scenarios

import (
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// bigScenario grows the gas example to about size bytes with beats,
// reactions and rules shaped like the example's: dialogue lines, guards,
// set steps, checks and feedback. Each has its own expressions (the index
// is part of every one), so the compile cache does not hide the work. The
// example has about 3.5 expressions per KB; this keeps that density.
func bigScenario(tb testing.TB, size int) []byte {
	tb.Helper()
	src, err := os.ReadFile("examples/gas-smell-basic.drill.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	s := string(src)
	var beats, reactions, rules strings.Builder
	for i := 0; len(s)+beats.Len()+reactions.Len()+rules.Len() < size; i++ {
		fmt.Fprintf(&beats, `  - id: extra_beat_%d
    phase: waiting
    at: %ds
    when: silence > %d && !arrived("gas")
    do:
      - say: "It's been a while. The smell is still there in the hallway and I'm standing outside with the neighbours, we don't know what to do. Is someone really coming? It's number {{ vary.flat + %d }}."
      - patience: -1
`, i, 60+i, 30+i%90, i%5)
		fmt.Fprintf(&reactions, `  - id: extra_reaction_%d
    on: say
    intent: update
    when: 'times_said("update") > %d'
    priority: %d
    do:
      - set: {advice_given: "vars.advice_given + %d"}
      - say: "Okay, thank you for keeping me updated. I'll stay out here with the children and wait for the engineer."
`, i, i%10, i%4, i%3+1)
		fmt.Fprintf(&rules, `        - id: extra-rule-%d
          title: Kept the caller updated while waiting (check %d)
          check: gaps_over(policy.waiting_update + %d, "waiting") == 0
          points: 1
          fail: "You left the caller without an update for {{ dur(longest_gap(\"waiting\") + %d) }} while the engineer was on the way."
`, i, i, i%30, i%7)
	}
	s = strings.Replace(s, "\nreactions:\n", "\n"+beats.String()+"\nreactions:\n", 1)
	s = strings.Replace(s, "\nendings:\n", "\n"+reactions.String()+"\nendings:\n", 1)
	s = strings.Replace(s, "    - id: review\n", "    - id: extra\n      title: Extra rules\n      rules:\n"+rules.String()+"    - id: review\n", 1)
	return []byte(s)
}

// countExprs counts the compiled expressions of s (interpolations included).
func countExprs(s *Scenario) int {
	n := 0
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Pointer, reflect.Interface:
			if !v.IsNil() {
				walk(v.Elem())
			}
		case reflect.Struct:
			switch v.Type() {
			case exprType:
				if v.Interface().(Expr).Compiled() {
					n++
				}
				return
			case textType:
				for _, p := range v.Interface().(Text).Parts {
					if p.Expr.Compiled() {
						n++
					}
				}
				return
			}
			for i := 0; i < v.NumField(); i++ {
				if v.Type().Field(i).IsExported() && v.Type().Field(i).Name != "Resolved" {
					walk(v.Field(i))
				}
			}
		case reflect.Slice:
			for i := 0; i < v.Len(); i++ {
				walk(v.Index(i))
			}
		case reflect.Map:
			for _, k := range v.MapKeys() {
				walk(v.MapIndex(k))
			}
		}
	}
	walk(reflect.ValueOf(s))
	return n
}

func TestBigScenarioLoads(t *testing.T) {
	src := bigScenario(t, 100_000)
	l := NewLoader()
	l.AddShipped()
	s, ds := l.LoadScenario("big.drill.yaml", src)
	if ds.HasErrors() {
		t.Fatalf("the generated scenario has errors:\n%v", ds.Errors()[:min(5, len(ds.Errors()))])
	}
	if len(s.Timeline) < 50 || len(s.Reactions) < 50 || len(src) < 100_000 {
		t.Fatalf("got %d beats and %d reactions, want a big scenario", len(s.Timeline), len(s.Reactions))
	}
	if !s.Timeline[len(s.Timeline)-1].When.Compiled() {
		t.Fatal("the last beat's guard was not compiled")
	}
	t.Logf("%d bytes, %d beats, %d reactions, %d compiled expressions", len(src), len(s.Timeline), len(s.Reactions), countExprs(s))
}

// BenchmarkLoad loads and compiles a ~100 KB scenario: decode, checks,
// every expression compiled and type-checked. Target: under 10 ms. It also
// reports the process CPU time per load (cpu-ns/op, GC included), which a
// busy shared machine disturbs less than wall time.
func BenchmarkLoad(b *testing.B) {
	src := bigScenario(b, 100_000)
	l := NewLoader()
	l.AddShipped()
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	cpu0 := cpuTime()
	n := 0
	for b.Loop() {
		if _, ds := l.LoadScenario("big.drill.yaml", src); ds.HasErrors() {
			b.Fatal(ds.Err())
		}
		n++
	}
	if cpu := cpuTime() - cpu0; cpu > 0 && n > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(n), "cpu-ns/op")
	}
}

// BenchmarkParse compares the two YAML parsers on the ~100 KB drill
// BenchmarkLoad loads: the fast parser the loader tries first, and yaml.v3,
// which it falls back to.
func BenchmarkParse(b *testing.B) {
	src := bigScenario(b, 100_000)
	b.Run("fast", func(b *testing.B) {
		b.SetBytes(int64(len(src)))
		b.ReportAllocs()
		for b.Loop() {
			if _, ok := fastParse(src); !ok {
				b.Fatal("the fast parser declined the drill")
			}
		}
	})
	b.Run("yaml.v3", func(b *testing.B) {
		b.SetBytes(int64(len(src)))
		b.ReportAllocs()
		for b.Loop() {
			var doc yaml.Node
			if err := yaml.Unmarshal(src, &doc); err != nil {
				b.Fatal(err)
			}
		}
	})
}
