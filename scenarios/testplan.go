package scenarios

// Test is one scenario test. The format (steps at virtual times, trainee
// actions, expectations, random walks, golden transcripts) is defined by the
// simulator's test runner; see docs/scenario-language.md.
type Test struct {
	Name string `yaml:"name"`
	Pos  Pos    `yaml:"-"`
}
