package main

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/store"
	"github.com/drillroom/drillroom/store/postgres"
	"github.com/drillroom/drillroom/store/postgres/postgrestest"
	"github.com/drillroom/drillroom/store/storetest"
)

// fillInstallation writes something into every table of a SQLite
// installation: accounts with their flags, cohorts, logins, scenario
// versions, assignments, live and ended sessions with events and commands,
// scorecards with rule outcomes (and so analytics and the xAPI outbox),
// the coach workspace's records, a review and the audit log.
func fillInstallation(t *testing.T, st *store.Store) (liveID string) {
	t.Helper()
	ctx := context.Background()
	var ids []string
	for i := range 3 {
		f := storetest.NewFixture(t, st, fmt.Sprintf("trainee%d", i))
		ids = append(ids, f.Session.ID)
		if err := st.AppendEvents(ctx, f.Session.ID, drillroom.Command{ID: "c1", Result: []byte(`{"ack":1}`)}, storetest.Events(1, 5)); err != nil {
			t.Fatal(err)
		}
		if err := st.Assign(ctx, f.User.ID, "gas-leak", drillroom.ModeAssessment); err != nil {
			t.Fatal(err)
		}
		if _, err := st.CreateLogin(ctx, f.User.ID, time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.CreateUsers(ctx, []drillroom.NewUser{
		{Username: "Tom", DisplayName: "Tom Trainer", Role: drillroom.RoleTrainer, Admin: true, Password: "trainer password", Cohorts: []string{"Class A"}},
		{Username: "cat", Role: drillroom.RoleCoach, Password: "coach password", MustChangePassword: true, Cohorts: []string{"Class A", "Class B"}},
	}); err != nil {
		t.Fatal(err)
	}
	if err := st.EndSession(ctx, ids[0], "resolved"); err != nil {
		t.Fatal(err)
	}
	if err := st.PutScorecard(ctx, ids[0], "r1", []byte(`{"total":70,"passed":true,"kpis":{"csat":4,"first_contact_resolution":true},"sections":[{"rules":[{"id":"classify","outcome":"pass"},{"id":"inform","outcome":"fail","feedback":"Say when help comes."}]}]}`), []drillroom.RuleOutcome{
		{RuleID: "classify", Section: "s", Title: "Classify", Outcome: "pass", Points: 10, MaxPoints: 10},
		{RuleID: "inform", Section: "s", Title: "Inform", Outcome: "fail", MaxPoints: 5.5, Critical: "drill"},
	}); err != nil {
		t.Fatal(err)
	}
	coach, err := st.UserByUsername(ctx, "cat")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddMark(ctx, drillroom.Mark{SessionID: ids[0], RuleID: "inform", Kind: drillroom.MarkOverride, Outcome: "pass", Points: 5.5,
		OldOutcome: "fail", Reason: "said so at 02:10", RubricHash: "r1", ByID: coach.ID, Actor: drillroom.ActorCoach}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ClaimSession(ctx, ids[0], coach.ID, time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddNote(ctx, drillroom.Note{SessionID: ids[0], Kind: drillroom.NoteStrength, Text: "Calm throughout.", ByID: coach.ID, Actor: drillroom.ActorCoach}); err != nil {
		t.Fatal(err)
	}
	action, err := st.AddNote(ctx, drillroom.Note{SessionID: ids[0], Kind: drillroom.NoteAction, Text: "Read back the address.", Due: time.Now().Add(48 * time.Hour), ByID: coach.ID, Actor: drillroom.ActorCoach})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddRelease(ctx, drillroom.Release{SessionID: ids[0], ByID: coach.ID, Actor: drillroom.ActorCoach}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.CompleteAction(ctx, drillroom.ActionDone{NoteID: action.ID, SessionID: ids[0], Text: "Done.", ByID: 1, Actor: drillroom.ActorTrainee}); err != nil {
		t.Fatal(err)
	}
	// Notes on the trainee (user 1) as a whole: an action acknowledged and
	// done, a strength neither (NULL authors).
	tn, err := st.AddTraineeNote(ctx, drillroom.TraineeNote{TraineeID: 1, Note: drillroom.Note{Kind: drillroom.NoteAction, Text: "Shadow a senior agent.",
		Due: time.Now().Add(72 * time.Hour), ByID: coach.ID, Actor: drillroom.ActorCoach}})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.AckTraineeNote(ctx, 1, tn.ID, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := st.CompleteTraineeAction(ctx, 1, drillroom.ActionDone{NoteID: tn.ID, Text: "Shadowed Dee.", ByID: coach.ID, Actor: drillroom.ActorCoach}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddTraineeNote(ctx, drillroom.TraineeNote{TraineeID: 1, Note: drillroom.Note{Kind: drillroom.NoteStrength, Text: "Calm.", ByID: coach.ID, Actor: drillroom.ActorCoach}}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddResponse(ctx, drillroom.Response{SessionID: ids[0], Kind: drillroom.ResponseDispute, RuleID: "inform", Text: "I did.", ByID: 1, Actor: drillroom.ActorTrainee}); err != nil {
		t.Fatal(err)
	}
	round, err := st.CreateRound(ctx, drillroom.Round{SessionID: ids[0], LeadID: coach.ID, Members: []int64{1, coach.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.PutRoundMark(ctx, drillroom.RoundMark{RoundID: round.ID, UserID: coach.ID, RuleID: "inform", Outcome: "partial", Points: 2}); err != nil {
		t.Fatal(err)
	}
	if err := st.PutReview(ctx, ids[0], "I asked about the smell too late — next time first."); err != nil {
		t.Fatal(err)
	}
	if err := st.AppendAudit(ctx, drillroom.AuditEntry{ActorID: 4, Actor: "Tom", Action: drillroom.AuditUserCreate, Target: "user cat", Addr: "192.0.2.1"}); err != nil {
		t.Fatal(err)
	}
	return ids[1]
}

// TestMigrateSQLiteToPostgres copies a real SQLite installation into a real
// PostgreSQL database and checks that it is the same installation there:
// every table verified, passwords that still sign in, the logs, the
// scores, the ids continuing; and that a second copy into it is refused.
func TestMigrateSQLiteToPostgres(t *testing.T) {
	url := postgrestest.URL(t)
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), databaseFile)
	src, err := store.Open(ctx, path, nil, store.WithPasswordCost(64, 1))
	if err != nil {
		t.Fatal(err)
	}
	live := fillInstallation(t, src)
	wantRates, err := src.RuleFailureRates(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	wantLive, _ := src.LiveSessions(ctx)
	wantEvents, _ := src.Events(ctx, live, 0)
	wantUsers, _ := src.ListUsers(ctx, "")
	var wantScored []drillroom.ScoredSession
	if err := src.ScoredSessions(ctx, drillroom.AnalyticsFilter{}, func(x drillroom.ScoredSession) error {
		wantScored = append(wantScored, x)
		return nil
	}); err != nil || len(wantScored) != 1 {
		t.Fatalf("ScoredSessions on the source: %d, %v", len(wantScored), err)
	}
	wantDue, _ := src.DueStatements(ctx, time.Now(), 10)
	wantMarks, _ := src.Marks(ctx, wantScored[0].SessionID)
	if err := src.Close(); err != nil {
		t.Fatal(err)
	}

	code, out, errs := runMain("migrate", "--from", "sqlite:"+path, "--to", url)
	if code != 0 {
		t.Fatalf("migrate: exit %d\n%s\n%s", code, out, errs)
	}
	for _, tb := range tables {
		if !strings.Contains(out, "\n"+tb.name+" ") {
			t.Errorf("migrate's report lacks table %s:\n%s", tb.name, out)
		}
	}
	if strings.Contains(out, "NO:") || !strings.Contains(out, "every table verified") {
		t.Errorf("migrate's report:\n%s", out)
	}
	if !regexp.MustCompile(`\nevents +15 `).MatchString(out) {
		t.Errorf("migrate's report should count 15 events:\n%s", out)
	}

	dst, err := postgres.Open(ctx, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	if u, err := dst.Authenticate(ctx, "tom", "trainer password"); err != nil || !u.Admin || u.DisplayName != "Tom Trainer" {
		t.Errorf("Authenticate(tom) on the copy: %+v, %v; want the administrator, signed in with the same password", u, err)
	}
	if users, _ := dst.ListUsers(ctx, ""); !reflect.DeepEqual(users, wantUsers) {
		t.Errorf("users on the copy:\n got %+v\nwant %+v", users, wantUsers)
	}
	if rates, _ := dst.RuleFailureRates(ctx, ""); !reflect.DeepEqual(rates, wantRates) {
		t.Errorf("rule failure rates on the copy: got %+v, want %+v", rates, wantRates)
	}
	if xs, _ := dst.LiveSessions(ctx); !reflect.DeepEqual(xs, wantLive) {
		t.Errorf("live sessions on the copy:\n got %+v\nwant %+v", xs, wantLive)
	}
	if es, _ := dst.Events(ctx, live, 0); !reflect.DeepEqual(es, wantEvents) {
		t.Errorf("events on the copy differ")
	}
	var scored []drillroom.ScoredSession
	if err := dst.ScoredSessions(ctx, drillroom.AnalyticsFilter{}, func(x drillroom.ScoredSession) error {
		scored = append(scored, x)
		return nil
	}); err != nil || !reflect.DeepEqual(scored, wantScored) {
		t.Errorf("scored sessions on the copy (%v):\n got %+v\nwant %+v", err, scored, wantScored)
	}
	// The scored session was released: its automatic entry (superseded)
	// and its official one.
	if due, _ := dst.DueStatements(ctx, time.Now(), 10); len(due) != 2 || !reflect.DeepEqual(due, wantDue) {
		t.Errorf("the xAPI outbox on the copy:\n got %+v\nwant %+v", due, wantDue)
	}
	if marks, _ := dst.Marks(ctx, wantScored[0].SessionID); len(marks) != 1 || !reflect.DeepEqual(marks, wantMarks) {
		t.Errorf("marks on the copy:\n got %+v\nwant %+v", marks, wantMarks)
	}
	if r, err := dst.CommandResult(ctx, live, "c1"); err != nil || string(r) != `{"ack":1}` {
		t.Errorf("CommandResult on the copy: %s, %v", r, err)
	}
	// The copy goes on: the session continues at seq 6, new ids follow the copied ones.
	if err := dst.AppendEvents(ctx, live, drillroom.Command{ID: "c2"}, storetest.Events(6, 1)); err != nil {
		t.Errorf("append to a copied session: %v", err)
	}
	u, err := dst.CreateUser(ctx, "newcomer", "", drillroom.RoleTrainee, "correct horse")
	if err != nil || u.ID <= wantUsers[len(wantUsers)-1].ID && u.ID <= int64(len(wantUsers)) {
		t.Errorf("CreateUser after the copy: %+v, %v; want a new id after the copied ones", u, err)
	}
	if _, err := dst.CreateCohort(ctx, "Class C", ""); err != nil {
		t.Errorf("CreateCohort after the copy: %v", err)
	}

	if code, out, errs := runMain("migrate", "--from", "sqlite:"+path, "--to", url); code != 1 || !strings.Contains(errs, "already holds drillroom data") {
		t.Errorf("migrate into a database in use: exit %d, %q, %q; want refused", code, out, errs)
	}
	for _, args := range [][]string{{"--from", path, "--to", url}, {"--from", "sqlite:" + path, "--to", "sqlite:x"}, {"--from", "sqlite:" + path}} {
		if code, _, _ := runMain(append([]string{"migrate"}, args...)...); code != 2 {
			t.Errorf("migrate %q: exit %d, want 2 (usage)", args, code)
		}
	}
}

// TestTally: the checksum does not depend on the row order or on how each
// backend types a value, and it changes with any value.
func TestTally(t *testing.T) {
	sum := func(rows ...[]any) tally {
		var tl tally
		for _, r := range rows {
			if err := tl.add(r); err != nil {
				t.Fatal(err)
			}
		}
		return tl
	}
	a := []any{int64(1), "ann", true, 0.5, []byte{1, 2}}
	b := []any{int64(2), "bob", false, 1.0, []byte{}}
	base := sum(a, b)
	if got := sum(b, a); got != base {
		t.Errorf("order changed the checksum: %s, %s", got, base)
	}
	if got := sum([]any{int32(1), []byte("ann"), int64(1), 0.5, []byte{1, 2}}, []any{int16(2), "bob", int64(0), 1.0, []byte(nil)}); got != base {
		t.Errorf("the same values typed as the other backend reads them changed the checksum")
	}
	for i, changed := range [][]any{
		{int64(3), "ann", true, 0.5, []byte{1, 2}},
		{int64(1), "Ann", true, 0.5, []byte{1, 2}},
		{int64(1), "ann", false, 0.5, []byte{1, 2}},
		{int64(1), "ann", true, 0.25, []byte{1, 2}},
		{int64(1), "ann", true, 0.5, []byte{1}},
		{int64(1), "an", "n", true, 0.5, []byte{1, 2}},
	} {
		if got := sum(changed, b); got == base {
			t.Errorf("change %d left the checksum unchanged", i)
		}
	}
	if got := sum(a); got.rows != 1 || got == sum(a, a) {
		t.Errorf("a repeated row must count: %d rows", got.rows)
	}
}
