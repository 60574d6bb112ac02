package drillroom

import "time"

// NoteKind is what a coaching note is about.
type NoteKind string

// The kinds of coaching note.
const (
	NoteStrength    NoteKind = "strength"    // what went well
	NoteDevelopment NoteKind = "development" // what to work on
	NoteAction      NoteKind = "action"      // an agreed action, with a due date
)

// Valid reports whether k is one of the defined kinds.
func (k NoteKind) Valid() bool {
	return k == NoteStrength || k == NoteDevelopment || k == NoteAction
}

// Note is a coach's coaching note on a session. Notes are append-only.
type Note struct {
	ID        int64
	SessionID string
	Kind      NoteKind
	Text      string
	Due       time.Time // an action's due date; zero otherwise
	// Seq pins the note to a moment of the call: the event it annotates
	// (0: the session as a whole).
	Seq   int64
	ByID  int64
	By    string // the author's display name, filled in by the store
	Actor Actor  // coach or trainer
	At    time.Time
}

// ResponseKind is what an entry of a session's feedback thread does.
type ResponseKind string

// The kinds of response.
const (
	// ResponseAck: the trainee acknowledges the coach's marks and notes.
	ResponseAck ResponseKind = "ack"
	// ResponseDispute: the trainee disputes one line of the scorecard (or
	// the marking as a whole) with a comment; it returns the session to
	// the review queue until a coach resolves it.
	ResponseDispute ResponseKind = "dispute"
	// ResponseResolve: a coach answers a dispute (Ref) and closes it.
	ResponseResolve ResponseKind = "resolve"
)

// Response is one entry of the thread between a trainee and the coaches
// about a session's marking: an acknowledgement, a dispute or a coach's
// resolution of a dispute. Responses are append-only.
type Response struct {
	ID        int64
	SessionID string
	Kind      ResponseKind
	RuleID    string // the disputed line; "" for the marking as a whole
	Ref       int64  // a resolution's dispute
	Text      string
	ByID      int64
	By        string // display name, filled in by the store
	Actor     Actor  // the trainee for ack and dispute; a coach or trainer for resolve
	At        time.Time
}

// Release is a coach's release of a session's reviewed scorecard to the
// trainee: the session's marks and notes up to LastMark and LastNote,
// which the store sets to the newest when it records the release, in the
// same transaction. Releases are append-only.
type Release struct {
	ID        int64
	SessionID string
	LastMark  int64 // the newest mark released (its ID; 0: none)
	LastNote  int64 // the newest note released (its ID; 0: none)
	ByID      int64
	By        string // display name, filled in by the store
	Actor     Actor  // coach or trainer
	At        time.Time
}

// Covers reports whether the release gives the trainee the mark or note
// with id markID or noteID (pass 0 for the other).
func (r Release) Covers(markID, noteID int64) bool {
	return r.ID != 0 && markID <= r.LastMark && noteID <= r.LastNote
}

// ActionDone records that an agreed action (a coaching note of kind
// action) was carried out: said by the trainee, or confirmed by a coach or
// trainer. An action is done once; the record is never changed.
type ActionDone struct {
	NoteID    int64 // the action
	SessionID string
	Text      string // what was done, optional
	ByID      int64
	By        string // display name, filled in by the store
	Actor     Actor  // the trainee, a coach or a trainer
	At        time.Time
}

// TraineeNote is a coach's coaching note on a trainee as a whole, tied to
// no session: the same kinds as a session's note (Note, with no session
// and no event), the trainee's acknowledgement and, for an agreed action,
// its completion. The note is never changed; it is acknowledged once and
// done once.
type TraineeNote struct {
	Note
	TraineeID int64
	AckAt     time.Time // when the trainee acknowledged it; zero if not yet
	AckByID   int64
	AckBy     string      // display name, filled in by the store
	Done      *ActionDone // an action's completion (NoteID is the note's, SessionID ""); nil while open
}
