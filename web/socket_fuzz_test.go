package web

import (
	"encoding/json"
	"testing"

	"github.com/drillroom/drillroom/training"
)

// FuzzDecodeClientMessage feeds arbitrary bytes to the decoder of client
// messages (what a websocket reads is untrusted). It must never panic; what
// it accepts must be well formed, and survive a round trip unchanged.
func FuzzDecodeClientMessage(f *testing.F) {
	for _, seed := range []string{
		`{"type":"ping"}`,
		`{"type":"resume","last_seq":0}`,
		`{"type":"resume","last_seq":17}`,
		`{"type":"resume","resync":true}`,
		`{"type":"resume","last_seq":-1}`,
		`{"type":"command","id":"k9x-1","action":{"kind":"say","text":"Please leave the flat.","intents":["safety_advice"]}}`,
		`{"type":"command","id":"c:2","action":{"kind":"dispatch","target":"gas","info":["location","hazards"]}}`,
		`{"type":"command","id":"t.1","action":{"kind":"set_scale","amount":60}}`,
		`{"type":"command","id":"","action":{"kind":"say"}}`,
		`{"type":"command","id":"x y","action":{"kind":"say"}}`,
		`{"type":"command","id":"a"}`,
		`{"type":"command","id":"a","action":{"kind":"teleport"}}`,
		`{"type":"command","id":"a","action":null}`,
		`{"type":"hello"}`,
		`[]`,
		`{"type":1}`,
		`{"type":"command","id":"a","action":{"kind":"say","amount":"NaN"}}`,
		`{"type":"command","id":"w1","action":{"kind":"say","text":5}}`,
		`{"type":"command","id":"w2","action":"say"}`,
		`{"type":"command","action":{"kind":"record","value":true},"id":"w3"}`,
		`{"type":"command","id":7,"action":{"kind":"say","text":"hi"}}`,
		`{"type":"resume","last_seq":"3"}`,
		``,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, perr := decodeClientMessage(data)
		if perr != nil {
			if perr.code == "" || perr.reason == "" {
				t.Fatalf("refusal without code or reason: %+v", perr)
			}
			if perr.id != "" && !validCommandID(perr.id) {
				t.Fatalf("reject for invalid id %q", perr.id)
			}
			return
		}
		switch m.Type {
		case msgPing:
		case msgResume:
			if m.LastSeq < 0 {
				t.Fatalf("accepted negative last_seq %d", m.LastSeq)
			}
		case msgCommand:
			if !validCommandID(m.ID) || m.Action == nil || !(training.TraineeActions[m.Action.Kind] || training.TrainerActions[m.Action.Kind]) {
				t.Fatalf("accepted bad command %+v", m)
			}
		default:
			t.Fatalf("accepted type %q", m.Type)
		}
		again, err := json.Marshal(m)
		if err != nil {
			t.Fatalf("re-encode %+v: %v", m, err)
		}
		m2, perr := decodeClientMessage(again)
		if perr != nil {
			t.Fatalf("round trip of %s refused: %+v", again, perr)
		}
		if b2, _ := json.Marshal(m2); string(b2) != string(again) {
			t.Fatalf("round trip changed %s into %s", again, b2)
		}
	})
}
