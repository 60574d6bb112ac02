package web

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/drillroom/drillroom/scenarios"
	"github.com/drillroom/drillroom/simulator"
	"github.com/drillroom/drillroom/transcript"
)

// vocabularies holds each prepared drill's vocabulary as hello sends it,
// encoded once: it depends only on the drill version, and every socket of
// every session of the version sends the same. Built per socket and kept
// for its life, it was 6 KB a drill under load (docs/performance.md). The
// runner keeps a drill per published version for its lifetime, so the
// drills bound the entries.
type vocabularies struct {
	mu sync.Mutex
	m  map[*simulator.Drill]json.RawMessage
}

// of returns d's vocabulary, encoded for hello.
func (vs *vocabularies) of(d *simulator.Drill) (json.RawMessage, error) {
	vs.mu.Lock()
	defer vs.mu.Unlock()
	if b, ok := vs.m[d]; ok {
		return b, nil
	}
	b, err := json.Marshal(vocabularyOf(d.Scenario(), d.KnownIntents()))
	if err != nil {
		return nil, fmt.Errorf("encode the vocabulary of %s: %w", d.Scenario().ID, err)
	}
	if vs.m == nil {
		vs.m = map[*simulator.Drill]json.RawMessage{}
	}
	vs.m[d] = b
	return b, nil
}

// vocabItem is an id a client sends and the title a person reads.
type vocabItem struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

// vocabulary is what a client may put in an action's fields in one drill,
// sent in hello (docs/protocol.md, "The drill's vocabulary"). It holds the
// names the console shows, never a true value: which service is needed,
// which fields must be recorded or what the right category is stay with
// the rubric.
type vocabulary struct {
	Services      []castItem  `json:"services"`      // dispatch, contact: target
	Teams         []castItem  `json:"teams"`         // escalate, contact, request: target
	Categories    []vocabItem `json:"categories"`    // classify: category
	Priorities    []vocabItem `json:"priorities"`    // classify: priority
	RecordFields  []string    `json:"record_fields"` // record: field (others are accepted too)
	HandoverItems []string    `json:"info"`          // dispatch, escalate, contact: info (hand-over items)
	Decisions     []string    `json:"decisions"`     // request, decide: decision
	Resolutions   []vocabItem `json:"resolutions"`   // close: resolution
	Intents       []string    `json:"intents"`       // say: intents
	// WrapUp is what finishing the after-call work asks for (wrap_up:
	// code, text).
	WrapUp wrapUpVocab `json:"wrap_up"`
	// Labels are how a person reads the ids above (transcript.Labels): a
	// client shows these, never the ids.
	Labels map[string]string `json:"labels"`
}

// castItems lists sc's services and teams, each sorted by name (empty,
// not nil, when there are none).
func castItems(sc *scenarios.Scenario) (services, teams []castItem) {
	services, teams = []castItem{}, []castItem{}
	for id, s := range sc.Cast.Services {
		services = append(services, castItem{ID: id, Name: s.Name, Kind: s.Kind})
	}
	for id, t := range sc.Cast.Teams {
		teams = append(teams, castItem{ID: id, Name: t.Name, Kind: t.Kind})
	}
	byName := func(a, b castItem) int { return strings.Compare(a.Name, b.Name) }
	slices.SortFunc(services, byName)
	slices.SortFunc(teams, byName)
	return services, teams
}

// wrapUpVocab is the drill's wrap-up: its codes, whether notes are
// required, its standard in drill milliseconds (0: none).
type wrapUpVocab struct {
	Codes         []vocabItem `json:"codes"`
	NotesRequired bool        `json:"notes_required"`
	TargetMs      int64       `json:"target_ms"`
}

// vocabularyOf lists sc's vocabulary; intents are the ones the drill's
// engine accepts (simulator.Drill.KnownIntents).
func vocabularyOf(sc *scenarios.Scenario, intents []string) vocabulary {
	v := vocabulary{Categories: []vocabItem{}, Priorities: []vocabItem{}, Intents: intents}
	if v.Intents == nil {
		v.Intents = []string{}
	}
	v.Services, v.Teams = castItems(sc)

	infos := map[string]bool{}
	for _, i := range handoverInfos {
		infos[i] = true
	}
	fields := map[string]bool{}
	for _, f := range sc.Truth.Record {
		fields[f.Field] = true
		infos[f.Field] = true
	}
	for _, req := range sc.Truth.Required {
		for _, h := range req.Handover {
			infos[h] = true
		}
	}
	for _, s := range sc.Cast.Services {
		for _, a := range s.Asks {
			infos[a.Info] = true
		}
	}
	for _, t := range sc.Cast.Teams {
		for _, a := range t.Asks {
			infos[a.Info] = true
		}
	}
	v.HandoverItems = sortedKeys(infos)
	v.RecordFields = sortedKeys(fields)
	v.Decisions = sc.Decisions()
	if v.Decisions == nil {
		v.Decisions = []string{}
	}
	if pol := sc.Resolved; pol != nil {
		for _, c := range pol.Taxonomy {
			v.Categories = append(v.Categories, vocabItem{ID: c.ID, Title: c.Title})
		}
		for _, p := range pol.Priorities {
			v.Priorities = append(v.Priorities, vocabItem{ID: p.ID, Title: p.Title})
		}
	}
	for _, r := range resolutions {
		v.Resolutions = append(v.Resolutions, vocabItem{ID: r.ID, Title: r.Title})
	}
	w := sc.WrapUpRules()
	v.WrapUp = wrapUpVocab{Codes: []vocabItem{}, NotesRequired: w.NotesRequired(), TargetMs: w.Target.Millis()}
	for _, c := range w.Codes {
		v.WrapUp.Codes = append(v.WrapUp.Codes, vocabItem{ID: c.ID, Title: c.Title})
	}
	v.Labels = transcript.Labels(sc)
	for _, ids := range [][]string{v.HandoverItems, v.RecordFields, v.Decisions, v.Intents} {
		for _, id := range ids {
			if _, ok := v.Labels[id]; !ok {
				v.Labels[id] = sc.Label(id)
			}
		}
	}
	return v
}
