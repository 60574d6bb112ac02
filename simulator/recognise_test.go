package simulator

import (
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/drillroom/drillroom/scenarios"
	"github.com/drillroom/drillroom/scenarios/scenariotest"
)

// libraryDrills prepares the shipped drills once per test binary.
var libraryDrills = sync.OnceValues(func() (map[string]*Drill, error) {
	set, ds := scenarios.LoadFS(scenarios.Library())
	if ds.HasErrors() {
		return nil, ds.Err()
	}
	out := map[string]*Drill{}
	for _, sc := range set.Scenarios {
		d, err := Prepare(sc)
		if err != nil {
			return nil, err
		}
		out[sc.ID] = d
	}
	return out, nil
})

func libraryDrill(t testing.TB, id string) *Drill {
	t.Helper()
	ds, err := libraryDrills()
	if err != nil {
		t.Fatal(err)
	}
	d := ds[id]
	if d == nil {
		t.Fatalf("no library drill %s", id)
	}
	return d
}

// How a line is read: words, negation and condition scope, questions.
func TestAnalyse(t *testing.T) {
	st := &stemmer{}
	ident := func(w string, _ bool) string { return w }
	read := func(text string) (pieces []string, questions []bool) {
		for _, s := range analyse(text, st, ident).sentences {
			questions = append(questions, s.question)
			for _, p := range s.pieces {
				var fs []string
				for _, w := range p {
					fs = append(fs, w.feature())
				}
				pieces = append(pieces, strings.Join(fs, " "))
			}
		}
		return pieces, questions
	}
	tests := []struct {
		text      string
		pieces    []string
		questions []bool
	}{
		{"Don't use the lift.", []string{"do not not_use not_lift"}, []bool{false}},
		{"Dont use the lift", []string{"do not not_use not_lift"}, []bool{false}},
		{"You don’t need to leave", []string{"you do not not_need not_to not_leav"}, []bool{false}},
		{"If it gets worse, leave", []string{"if_it if_get if_wors", "leav"}, []bool{false}},
		{"If he stops breathing you'll need to do CPR", []string{"if_he if_stop if_breath you will need to do compress"}, []bool{false}},
		{"If we get cut off, what number do I ring you back on?", []string{"if_we if_get if_cut if_off", "what number do i call you back on"}, []bool{true}},
		{"Do you know if anyone vulnerable lives there?", []string{"do you know anyon vulner live there"}, []bool{true}},
		{"Bear with me while I check", []string{"bear with me", "if_i if_check"}, []bool{false}},
		{"Can I take your name", []string{"can i get your name"}, []bool{true}},
		{"What's the postcode? Thanks.", []string{"what is address", "thank"}, []bool{true, false}},
		{"Please apologize to the neighbor", []string{"sorri to neighbour"}, []bool{false}},
		{"Call the elevator", []string{"call lift"}, []bool{false}},
		{"Get the kids and the dog out", []string{"get child", "pet out"}, []bool{false}},
		{"It's 2.5 miles", []string{"it is #num mile"}, []bool{false}},
		{"Mr. Smith", []string{"mr", "smith"}, []bool{false, false}},
		{"", nil, nil},
		{"?!...", nil, nil},
	}
	for _, tt := range tests {
		pieces, questions := read(tt.text)
		if !slices.Equal(pieces, tt.pieces) || !slices.Equal(questions, tt.questions) {
			t.Errorf("%q: got %q %v, want %q %v", tt.text, pieces, questions, tt.pieces, tt.questions)
		}
	}
}

// A word the examples lack, one edit from one they have, is read as that
// word; a capitalised word inside a sentence that they lack is a name.
func TestCorrect(t *testing.T) {
	d := libraryDrill(t, "gas-smell-flats")
	r := d.p.intents
	tests := []struct {
		word    string
		capital bool
		want    string // what the result stems to
	}{
		{"windws", false, "windows"},    // a letter missing
		{"adresss", false, "address"},   // a letter too many
		{"swtich", false, "switch"},     // two letters swapped
		{"lfit", false, "lfit"},         // too short to guess
		{"dan", true, "#name"},          // a name
		{"lift", true, "lift"},          // known words stay themselves
		{"12345678", false, "12345678"}, // numbers are not corrected
		{"zzzzzzzz", false, "zzzzzzzz"}, // nothing near
	}
	for _, tt := range tests {
		if got := r.correct(tt.word, tt.capital); r.st.stem(got) != stemWord(tt.want) {
			t.Errorf("correct(%q, %v): got %q, want %q", tt.word, tt.capital, got, tt.want)
		}
	}
}

// The lines the issue names, read by the library drills.
func TestRecogniseLines(t *testing.T) {
	tests := []struct {
		drill, text string
		want, not   []string
	}{
		{"gas-smell-flats", "Get yourself and the children out of the building, take the stairs not the lift, don't put any lights on, no cigarettes or lighters", []string{"evacuate", "safety_advice"}, nil},
		{"collapse-on-premises", "Can I grab your name, love?", []string{"ask_name"}, nil},
		{"collapse-on-premises", "If we get cut off, what number do I ring you back on?", []string{"ask_callback"}, nil},
		{"gas-smell-flats", "The engineer is about eight minutes out", []string{"update"}, []string{"reassure"}},
		{"gas-smell-flats", "Sorry, which floor did you say?", []string{"ask_location"}, []string{"apologise"}},
		{"gas-smell-flats", "Sorry, bear with me one moment.", []string{"apologise", "hold"}, nil},
		{"gas-smell-flats", "I'm not going to put you on hold", nil, []string{"hold"}},
		{"power-cut-oxygen", "I can't promise a generator", nil, []string{"generator", "update"}},
		{"gas-smell-flats", "You don't need to leave", nil, []string{"evacuate", "safety_advice"}},
		{"gas-smell-flats", "If it gets worse, leave the building", []string{"evacuate", "safety_advice"}, []string{"ask_details"}},
		{"gas-smell-flats", "Hold on, did you say the door is open?", []string{"ask_details"}, []string{"hold"}},
		{"gas-smell-flats", "Thanks for holding, sorry about the wait", []string{"apologise"}, []string{"hold"}},
		{"gas-smell-flats", "Don't worry, help is on the way", []string{"reassure", "update"}, nil},
		{"gas-smell-flats", "Hello? Are you still there?", nil, []string{"greet"}},
		{"gas-smell-flats", "Good evening, gas emergency line, you're speaking to Priya", []string{"greet"}, []string{"close"}},
		{"gas-smell-flats", "Thanks for calling, take care, bye", []string{"close"}, []string{"greet"}},
		{"gas-smell-flats", "dont use teh lift", []string{"safety_advice"}, nil},
		{"gas-smell-flats", "Please apologize to your neighbor for me", nil, []string{"evacuate"}},
		{"gas-smell-flats", "", nil, []string{"greet"}},
	}
	for _, tt := range tests {
		got := libraryDrill(t, tt.drill).MatchIntents(tt.text)
		for _, w := range tt.want {
			if !slices.Contains(got, w) {
				t.Errorf("%s %q: got %v, want %s", tt.drill, tt.text, got, w)
			}
		}
		for _, n := range tt.not {
			if slices.Contains(got, n) {
				t.Errorf("%s %q: got %v, want no %s", tt.drill, tt.text, got, n)
			}
		}
	}
}

// Hard rules: a never pattern vetoes whatever else recognises the intent;
// an always pattern recognises it whatever the model says; an implied
// intent comes with the intent that implies it, unless vetoed.
func TestRecogniserRules(t *testing.T) {
	r, err := newRecogniser(intentSource{
		always:   map[string][]string{"hold": {`\bpause\b`}},
		never:    map[string][]string{"hold": {`not now`}, "update": {`secret`}},
		examples: map[string][]string{"hold": {"Bear with me a moment", "One moment please"}, "news": {"The engineer has arrived"}},
		implies:  map[string][]string{"news": {"update"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		text string
		want []string
	}{
		{"Bear with me a moment", []string{"hold"}},
		{"Let me pause here", []string{"hold"}},
		{"Bear with me a moment, not now", nil},
		{"The engineer has arrived", []string{"news", "update"}},
		{"The engineer has arrived, it's a secret", []string{"news"}},
		{"Nothing to see", nil},
	}
	for _, tt := range tests {
		if got := r.match(nil, tt.text); !slices.Equal(got, tt.want) {
			t.Errorf("%q: got %v, want %v", tt.text, got, tt.want)
		}
	}
	// Explicit intents come first and are not repeated.
	if got := r.match([]string{"hold"}, "One moment please"); !slices.Equal(got, []string{"hold"}) {
		t.Errorf("with hold given: got %v", got)
	}
	if _, err := newRecogniser(intentSource{never: map[string][]string{"x": {"("}}}); err == nil {
		t.Error("a bad never pattern compiled")
	}
}

// A counterexample nearer than every example of the intent, in the segment
// or in one containing it, stops the intent.
func TestCounterexamples(t *testing.T) {
	src := intentSource{
		examples: map[string][]string{"hold": {"Hold the line please", "Can you hold for a moment?"}},
	}
	r, err := newRecogniser(src)
	if err != nil {
		t.Fatal(err)
	}
	const line = "Hold his line steady"
	if got := r.match(nil, line); !slices.Contains(got, "hold") {
		t.Fatalf("without the counterexample: got %v, want hold", got)
	}
	src.counters = map[string][]string{"hold": {"Hold his head steady"}}
	if r, err = newRecogniser(src); err != nil {
		t.Fatal(err)
	}
	if got := r.match(nil, line); slices.Contains(got, "hold") {
		t.Errorf("with the counterexample: got %v, want no hold", got)
	}
	if got := r.match(nil, line+". Can you hold for a moment?"); !slices.Contains(got, "hold") {
		t.Errorf("a hold in another sentence: got %v, want hold", got)
	}
}

// The same line gives the same intents and scores from every preparation
// of the drill, from concurrent goroutines too.
func TestRecogniserDeterministic(t *testing.T) {
	set := scenariotest.Library(t)
	var sc *scenarios.Scenario
	for _, s := range set.Scenarios {
		if s.ID == "power-cut-oxygen" {
			sc = s
		}
	}
	lines := []string{
		"I've arranged for your oxygen supplier to bring extra cylinders out to you today.",
		"Are you okay? How's your breathing?",
		"Sorry, bear with me, the engineers expect the power back by six.",
	}
	want := map[string]*IntentExplanation{}
	a, err := Prepare(sc)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range lines {
		want[l] = a.ExplainIntents(l)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 8*len(lines))
	for range 8 {
		wg.Go(func() {
			b, err := Prepare(sc)
			if err != nil {
				errs <- err.Error()
				return
			}
			for _, l := range lines {
				got := b.ExplainIntents(l)
				if !slices.Equal(got.Intents, want[l].Intents) || !slices.EqualFunc(got.Scores, want[l].Scores, func(x, y IntentEvidence) bool { return x == y }) {
					errs <- l
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Errorf("differs between preparations: %s", e)
	}
}

func TestExplainIntents(t *testing.T) {
	d := libraryDrill(t, "gas-smell-flats")
	x := d.ExplainIntents("Don't use the lift. Which floor are you on?")
	if !slices.Equal(x.Intents, []string{"ask_location", "safety_advice"}) {
		t.Fatalf("intents: got %v", x.Intents)
	}
	if len(x.Sentences) != 2 || x.Sentences[0].Question || !x.Sentences[1].Question {
		t.Errorf("sentences: got %+v", x.Sentences)
	}
	if !slices.Equal(x.Sentences[0].Negated, []string{"use", "lift"}) {
		t.Errorf("negated: got %v, want [use lift]", x.Sentences[0].Negated)
	}
	var found bool
	for _, e := range x.Scores {
		if e.Intent == "safety_advice" {
			found = true
			if e.Verdict != "recognised" || e.Example == "" || e.Score < x.Threshold || e.Segment == "" {
				t.Errorf("safety_advice evidence: %+v", e)
			}
		}
	}
	if !found {
		t.Errorf("no evidence for safety_advice in %+v", x.Scores)
	}
	v := d.ExplainIntents("Sorry, which floor did you say?")
	for _, e := range v.Scores {
		if e.Intent == "apologise" && (e.Verdict != "vetoed" || e.Rule != "pattern (intent_never)") {
			t.Errorf("apologise: got %+v, want vetoed by intent_never", e)
		}
	}
	im := libraryDrill(t, "prepay-topup-outage").ExplainIntents("You'll be able to top up again in half an hour")
	var implied bool
	for _, e := range im.Scores {
		implied = implied || e.Intent == "update" && strings.HasPrefix(e.Rule, "implied by")
	}
	if !implied {
		t.Errorf("update not shown as implied: %+v", im.Scores)
	}
}

// Every input has a limit: a very long line is read up to maxLineBytes.
func TestRecogniseLongLine(t *testing.T) {
	d := libraryDrill(t, "gas-smell-flats")
	long := strings.Repeat("Don't use the lift. ", 100_000)
	if got := d.MatchIntents(long); !slices.Contains(got, "safety_advice") {
		t.Errorf("got %v", got)
	}
	if n := len(analyse(long, &stemmer{}, func(w string, _ bool) string { return w }).sentences); n > maxSentences {
		t.Errorf("%d sentences read, limit %d", n, maxSentences)
	}
}

func FuzzRecognise(f *testing.F) {
	for _, s := range []string{"Don't use the lift", "If we get cut off, what number?", "Sorry, which floor?", "{name}", "’‘", "a.b.c", "\xff\xfe", strings.Repeat("x ", 300)} {
		f.Add(s)
	}
	d := libraryDrill(f, "gas-smell-flats")
	f.Fuzz(func(t *testing.T, text string) {
		a := d.MatchIntents(text)
		b := d.MatchIntents(text)
		if !slices.Equal(a, b) {
			t.Fatalf("%q: %v then %v", text, a, b)
		}
		for _, in := range a {
			if !d.p.known[in] {
				t.Fatalf("%q: unknown intent %s", text, in)
			}
		}
		if !slices.IsSorted(a) {
			t.Fatalf("%q: not sorted: %v", text, a)
		}
	})
}
