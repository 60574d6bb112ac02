package scenarios

// Test is one scenario test, run by drillroom test. A test is either a
// scripted run (steps, then the expected outcome) or a random walk.
type Test struct {
	Pos    Pos          `yaml:"-"`
	Name   string       `yaml:"name"`
	Seed   int64        `yaml:"seed,omitempty" doc:"Session seed (default 1)."`
	Mode   string       `yaml:"mode,omitempty" enum:"practice,assessment"`
	Steps  []TestStep   `yaml:"steps,omitempty" doc:"Steps in order; each may move the clock, act, and expect."`
	Expect *TestOutcome `yaml:"expect,omitempty" doc:"What must hold when the run is over (after the last step the clock runs to the end of the call)."`
	Walk   *Walk        `yaml:"walk,omitempty" doc:"Run random trainees instead of steps."`
	Golden bool         `yaml:"golden,omitempty" doc:"Compare the transcript with the golden file (drillroom test -update rewrites it)."`
	// Mistake tags a play that makes one classic mistake: drillroom test
	// then also requires it to fail the drill (over_escalation: to leave
	// the top band) and to fail at least one rule rubric.mistakes declares
	// for it.
	Mistake string `yaml:"mistake,omitempty" doc:"The classic mistake this play makes: it must fail the drill (over_escalation: leave the top band) and fail a rule rubric.mistakes declares for it." enum:"misclassification,uninformed,not_involved,incomplete_record,over_escalation"`
	// Good tags a play of good handling: it must reach the top band.
	Good bool `yaml:"good,omitempty" doc:"A play of good handling: it must pass and reach the top band."`
	// Coach holds a coach's points for manual rules, applied to the
	// scorecard before Expect is checked, so a test can show how a review
	// moves the total and band.
	Coach map[string]float64 `yaml:"coach,omitempty" doc:"Points a coach gives manual rules (rule id: points, 0 to the rule's points), applied before expect is checked."`
}

// TestStep moves the clock (At or Wait), then takes at most one trainee
// action, then checks its expectations against the events emitted since the
// previous step.
type TestStep struct {
	Pos  Pos       `yaml:"-"`
	At   *Duration `yaml:"at,omitempty" doc:"Advance the clock to this time first."`
	Wait *Duration `yaml:"wait,omitempty" doc:"Advance the clock by this much first."`
	// Until runs the clock on, after At or Wait, until an event matching it
	// is emitted; the step's action is taken at that moment.
	Until *EventMatch `yaml:"until,omitempty" doc:"Run the clock on until an event like this is emitted (after at or wait); the step's action happens then. The test fails if the call ends first."`

	Say      string        `yaml:"say,omitempty" doc:"Say this to the customer (intents are matched from the text)."`
	Intents  []string      `yaml:"intents,omitempty" doc:"With say: intents given explicitly (quick-intent buttons)."`
	Promise  *Duration     `yaml:"promise,omitempty" doc:"With say: promise an update within this time."`
	Hold     bool          `yaml:"hold,omitempty"`
	Resume   bool          `yaml:"resume,omitempty"`
	Classify *TestClassify `yaml:"classify,omitempty"`
	Record   *TestRecord   `yaml:"record,omitempty"`
	Dispatch string        `yaml:"dispatch,omitempty" doc:"Dispatch this service id."`
	Escalate string        `yaml:"escalate,omitempty" doc:"Escalate to this team id."`
	Contact  string        `yaml:"contact,omitempty" doc:"Message this service or team id (text in message)."`
	Message  string        `yaml:"message,omitempty" doc:"With dispatch, escalate or contact: what was said."`
	Info     []string      `yaml:"info,omitempty" doc:"With dispatch, escalate or contact: the information handed over."`
	Request  *TestDecision `yaml:"request,omitempty" doc:"Ask a team to approve a decision."`
	Decide   *TestDecision `yaml:"decide,omitempty" doc:"Take a decision."`
	Transfer string        `yaml:"transfer,omitempty"`
	Close    *string       `yaml:"close,omitempty" doc:"Close the call with this resolution."`
	Review   string        `yaml:"review,omitempty" doc:"Submit the post-incident review."`
	// Consult asks a service or team (the question in Message) while
	// keeping the caller; EndConsult goes back to the caller.
	Consult    string      `yaml:"consult,omitempty" doc:"Consult this service or team id while keeping the caller (the question in message)."`
	EndConsult bool        `yaml:"end_consult,omitempty" doc:"Go back to the caller from a consultation."`
	WrapUp     *TestWrapUp `yaml:"wrap_up,omitempty" doc:"After the call: finish wrap-up with this code and these notes."`

	// Trainer controls, for testing how a drill behaves under a live trainer.
	Pause    bool           `yaml:"pause,omitempty" doc:"Trainer: pause the clock."`
	Continue bool           `yaml:"continue,omitempty" doc:"Trainer: resume the clock after a pause."`
	Inject   *TestInject    `yaml:"inject,omitempty" doc:"Trainer: inject a scripted line (by beat or reaction id) or a custom line."`
	Set      map[string]any `yaml:"set,omitempty" doc:"Trainer: set variables to these values."`
	Takeover string         `yaml:"takeover,omitempty" doc:"Trainer: take over this cast member (customer, a service or team id)."`
	Handback string         `yaml:"handback,omitempty" doc:"Trainer: hand this cast member back to the script."`

	Expect    []EventMatch   `yaml:"expect,omitempty" doc:"Each must match an event emitted since the previous step."`
	ExpectNot []EventMatch   `yaml:"expect_not,omitempty" doc:"None may match an event emitted since the previous step."`
	Vars      map[string]any `yaml:"vars,omitempty" doc:"Variables that must have these values now."`
	Rejected  string         `yaml:"rejected,omitempty" doc:"The step's action must be rejected with a reason containing this."`
	Mood      []float64      `yaml:"mood,omitempty" doc:"[min, max]: the customer's mood must be in this range now."`
	Patience  []float64      `yaml:"patience,omitempty" doc:"[min, max]: the customer's patience must be in this range now."`
	Phase     string         `yaml:"phase,omitempty" doc:"The call must be in this phase now."`
}

// TestInject is a trainer's inject action.
type TestInject struct {
	As   string `yaml:"as,omitempty" doc:"Cast member who speaks (default: the script's speaker, else customer)."`
	Text string `yaml:"text,omitempty"`
	Line string `yaml:"line,omitempty" doc:"Beat or reaction id whose lines are spoken."`
}

// TestClassify is a classify action.
type TestClassify struct {
	Category string `yaml:"category"`
	Priority string `yaml:"priority,omitempty"`
}

// TestRecord is a record action.
type TestRecord struct {
	Field string `yaml:"field"`
	Value string `yaml:"value"`
}

// TestWrapUp finishes the after-call work in a test.
type TestWrapUp struct {
	Code  string `yaml:"code,omitempty" doc:"One of the drill's wrap-up codes (settings.wrap_up, else the policy's)."`
	Notes string `yaml:"notes,omitempty"`
}

// TestDecision is a request or decide action.
type TestDecision struct {
	Team     string  `yaml:"team,omitempty"`
	Decision string  `yaml:"decision"`
	Amount   float64 `yaml:"amount,omitempty"`
}

// EventMatch matches an event. Empty fields match anything; Text is a glob
// (* matches any run of characters), case-insensitive.
type EventMatch struct {
	Pos  Pos    `yaml:"-"`
	Type string `yaml:"type,omitempty"`
	From string `yaml:"from,omitempty"`
	ID   string `yaml:"id,omitempty"`
	Text string `yaml:"text,omitempty"`
}

// TestOutcome is what must hold at the end of a run.
type TestOutcome struct {
	Pos    Pos               `yaml:"-"`
	Ending string            `yaml:"ending,omitempty" doc:"The ending id reached."`
	Rules  map[string]string `yaml:"rules,omitempty" doc:"Rule id: pass, fail, na, pending or partial (a manual rule a coach gave some of its points)."`
	Score  []float64         `yaml:"score,omitempty" doc:"[min, max]: the total percentage must be in this range."`
	Band   string            `yaml:"band,omitempty"`
	Passed *bool             `yaml:"passed,omitempty"`
	Vars   map[string]any    `yaml:"vars,omitempty" doc:"Variables that must have these values at the end."`
	Fired  []string          `yaml:"fired,omitempty" doc:"Beats or reactions that must have fired."`
	Silent []string          `yaml:"not_fired,omitempty" doc:"Beats or reactions that must not have fired."`
}

// Walk runs random trainees: each must reach an ending without an engine
// error and within the time limit.
type Walk struct {
	Runs       int `yaml:"runs"`
	MaxActions int `yaml:"max_actions,omitempty"`
}
