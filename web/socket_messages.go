package web

import (
	"encoding/json"
	"errors"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/runner"
	"github.com/drillroom/drillroom/simulator"
	"github.com/drillroom/drillroom/training"
)

// Protocol is the name and version of the live protocol (docs/protocol.md),
// sent in hello and accepted as the websocket subprotocol.
const Protocol = "drillroom.v1"

// Message types, server to client.
const (
	msgHello  = "hello"
	msgEvent  = "event"
	msgAck    = "ack"
	msgReject = "reject"
	msgResync = "resync"
	msgEnded  = "ended"
	msgError  = "error"
	msgPong   = "pong"
)

// Message types, client to server.
const (
	msgResume  = "resume"
	msgCommand = "command"
	msgPing    = "ping"
)

// Error codes of reject and error messages (the table in docs/protocol.md).
const (
	codeBadMessage  = "bad_message"
	codeBadAction   = "bad_action"
	codeRefused     = runner.CodeRefused
	codeForbidden   = "forbidden"
	codeRateLimited = runner.CodeRateLimited
	codeQuota       = runner.CodeQuota
	codeEnded       = runner.CodeEnded
	codeUnavailable = "unavailable"
)

// Close codes of our own (the 4000-4999 range is the application's).
const (
	closeSlow         = 4008 // the client fell behind; reconnect at once and resume
	closeUnauthorized = 4001 // the login ended
	closeIdle         = 4002 // nothing received within the pong wait; reconnect with back-off and resume
)

// clientMessage is any client message; which fields matter depends on Type.
type clientMessage struct {
	Type    string            `json:"type"`
	LastSeq int64             `json:"last_seq"`
	Resync  bool              `json:"resync"`
	ID      string            `json:"id"`
	Action  *simulator.Action `json:"action"`
}

type helloSession struct {
	ID       string                 `json:"id"`
	Scenario string                 `json:"scenario"`
	Title    string                 `json:"title"`
	Mode     drillroom.Mode         `json:"mode"`
	State    drillroom.SessionState `json:"state"`
}

type helloMessage struct {
	Type        string          `json:"type"`
	Protocol    string          `json:"protocol"`
	Role        string          `json:"role"`
	Session     helloSession    `json:"session"`
	Clock       runner.Clock    `json:"clock"`
	LastSeq     int64           `json:"last_seq"`
	HeartbeatMs int64           `json:"heartbeat_ms"`
	Vocabulary  json.RawMessage `json:"vocabulary"` // a vocabulary, encoded once per drill (vocabularies)
	Limits      helloLimits     `json:"limits"`
}

// helloLimits tells a client the limits it must keep (docs/protocol.md,
// "Limits").
type helloLimits struct {
	MessageBytes   int     `json:"message_bytes"`    // a larger client message closes with 1009
	TextChars      int     `json:"text_chars"`       // text of say, hold, contact, dispatch, escalate, inject
	ReviewChars    int     `json:"review_chars"`     // text of review
	ValueChars     int     `json:"value_chars"`      // value of record, set_var
	NameBytes      int     `json:"name_bytes"`       // ids: target, category, field, decision, resolution, as, line, each intent and info item
	ListItems      int     `json:"list_items"`       // intents, info
	CommandsPerSec float64 `json:"commands_per_sec"` // sustained, per connection
	CommandBurst   float64 `json:"command_burst"`
}

func protocolLimits(cfg Config) helloLimits {
	return helloLimits{
		MessageBytes: socketReadLimit, TextChars: training.MaxTextRunes, ReviewChars: training.MaxReviewRunes,
		ValueChars: training.MaxValueRunes, NameBytes: training.MaxNameBytes, ListItems: training.MaxListItems,
		CommandsPerSec: cfg.CommandRate, CommandBurst: cfg.CommandBurst,
	}
}

type eventMessage struct {
	Type  string           `json:"type"`
	Seq   int64            `json:"seq"`
	Prev  int64            `json:"prev"`
	T     simulator.Millis `json:"t"`
	Event simulator.Event  `json:"event"`
}

type ackMessage struct {
	Type     string `json:"type"`
	ID       string `json:"id"`
	FirstSeq int64  `json:"first_seq"`
	LastSeq  int64  `json:"last_seq"`
}

type rejectMessage struct {
	Type   string `json:"type"`
	ID     string `json:"id"`
	Code   string `json:"code"`
	Reason string `json:"reason"`
	Seq    int64  `json:"seq,omitempty"`
}

type resyncMessage struct {
	Type     string       `json:"type"`
	Reason   string       `json:"reason"`
	LastSeq  int64        `json:"last_seq"`
	Clock    runner.Clock `json:"clock"`
	Snapshot any          `json:"snapshot"`
}

type endedMessage struct {
	Type    string `json:"type"`
	Ending  string `json:"ending"`
	Kind    string `json:"kind"`
	LastSeq int64  `json:"last_seq"`
}

type errorMessage struct {
	Type   string `json:"type"`
	Code   string `json:"code"`
	Reason string `json:"reason"`
}

type pongMessage struct {
	Type string `json:"type"`
}

// validCommandID reports whether id is 1 to 64 characters from
// A-Z a-z 0-9 - _ . :
func validCommandID(id string) bool {
	if len(id) == 0 || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '_', c == '.', c == ':':
		default:
			return false
		}
	}
	return true
}

// protocolError is a client message the server refuses before looking at
// the connection's state. With an id it is answered with reject, else with
// error.
type protocolError struct {
	id, code, reason string
}

// decodeClientMessage parses and checks one client message: the checks
// that need no connection state (who may send what, rate, order) are all
// here, so that they can be fuzzed.
func decodeClientMessage(data []byte) (clientMessage, *protocolError) {
	var m clientMessage
	if err := json.Unmarshal(data, &m); err != nil {
		// A command whose id could be read is answered for that id, so
		// that a client following the retry rules stops resending it.
		// json.Unmarshal goes on past a field of the wrong type and
		// reports the first one.
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && m.Type == msgCommand && validCommandID(m.ID) {
			field := te.Field
			if field == "" {
				field = "the message"
			}
			return m, &protocolError{id: m.ID, code: codeBadAction, reason: field + ": want a JSON " + jsonKind(te.Type.Kind().String())}
		}
		return m, &protocolError{code: codeBadMessage, reason: "not a JSON object of the protocol"}
	}
	switch m.Type {
	case msgPing:
	case msgResume:
		if m.LastSeq < 0 {
			return m, &protocolError{code: codeBadMessage, reason: "last_seq must not be negative"}
		}
	case msgCommand:
		if !validCommandID(m.ID) {
			return m, &protocolError{code: codeBadMessage, reason: "a command needs an id of 1 to 64 characters from A-Z a-z 0-9 - _ . :"}
		}
		if m.Action == nil {
			return m, &protocolError{id: m.ID, code: codeBadAction, reason: "a command needs an action"}
		}
		if k := m.Action.Kind; !training.TraineeActions[k] && !training.TrainerActions[k] {
			return m, &protocolError{id: m.ID, code: codeBadAction, reason: "unknown action kind " + quote(string(k))}
		}
	default:
		return m, &protocolError{code: codeBadMessage, reason: "unknown message type " + quote(m.Type)}
	}
	return m, nil
}

// jsonKind names a Go kind as JSON calls it, for rejection reasons.
func jsonKind(k string) string {
	switch k {
	case "string":
		return "string"
	case "slice", "array":
		return "array"
	case "struct", "map", "ptr":
		return "object"
	case "bool":
		return "boolean"
	}
	return "number"
}
