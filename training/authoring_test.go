package training_test

import (
	"context"
	"strings"
	"testing"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/training"
)

func actor(u drillroom.User) training.Actor { return training.Actor{User: u, Addr: "192.0.2.1"} }

// templateDraft starts a draft from the complaint template for u.
func templateDraft(t *testing.T, au *training.Authoring, u drillroom.User) drillroom.Draft {
	t.Helper()
	d, err := au.DraftFromTemplate(context.Background(), actor(u), "complaint")
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestAuthoringDrafts(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	au := training.NewAuthoring(f.st, nil, false)

	_, err := au.Drafts(ctx, actor(f.ann))
	wantCode(t, "a trainee lists drafts", err, drillroom.CodeForbidden)
	_, err = au.CreateDraft(ctx, actor(f.carol), "x.drill.yaml", nil)
	wantCode(t, "a coach writes a draft", err, drillroom.CodeForbidden)
	_, err = au.CheckDraft(ctx, actor(f.ann), "x.drill.yaml", []byte("id: x\n"))
	wantCode(t, "a trainee checks a drill", err, drillroom.CodeForbidden)

	d := templateDraft(t, au, f.trent)
	if d.Name != "my-new-drill.drill.yaml" || !strings.Contains(string(d.Source), "id: my-new-drill") {
		t.Errorf("draft from the template: got %q with %d bytes", d.Name, len(d.Source))
	}
	_, err = au.Draft(ctx, actor(f.vic), d.ID)
	wantCode(t, "another trainer reads trent's draft", err, drillroom.CodeNotFound)
	_, err = au.SaveDraft(ctx, actor(f.vic), d.ID, "x.drill.yaml", nil)
	wantCode(t, "another trainer saves trent's draft", err, drillroom.CodeNotFound)
	err = au.DeleteDraft(ctx, actor(f.vic), d.ID)
	wantCode(t, "another trainer deletes trent's draft", err, drillroom.CodeNotFound)
	for _, name := range []string{"", "x.yaml", "../x.drill.yaml", ".drill.yaml", ".policy.yaml", "x.policy.yml"} {
		_, err = au.SaveDraft(ctx, actor(f.trent), d.ID, name, nil)
		wantCode(t, "save under the name "+name, err, drillroom.CodeInvalid)
	}
	saved, err := au.SaveDraft(ctx, actor(f.trent), d.ID, "renamed.drill.yaml", []byte("id: renamed\n"))
	if err != nil || saved.Name != "renamed.drill.yaml" || string(saved.Source) != "id: renamed\n" {
		t.Errorf("SaveDraft: got %+v, %v", saved, err)
	}
	copied, err := au.DraftFromVersion(ctx, actor(f.ada), f.drill, 1)
	if err != nil || copied.Name != f.drill+".drill.yaml" || copied.AuthorID != f.ada.ID {
		t.Errorf("an administrator copies a library drill: got %+v, %v", copied, err)
	}
	_, err = au.DraftFromVersion(ctx, actor(f.trent), f.drill, 99)
	wantCode(t, "copy a missing version", err, drillroom.CodeNotFound)
	ds, err := au.Drafts(ctx, actor(f.trent))
	if err != nil || len(ds) != 1 {
		t.Errorf("trent's drafts: got %d, %v; want 1 (not ada's)", len(ds), err)
	}
	if err := au.DeleteDraft(ctx, actor(f.trent), d.ID); err != nil {
		t.Fatal(err)
	}
}

func TestRunTests(t *testing.T) {
	src, err := templateSource(t)
	if err != nil {
		t.Fatal(err)
	}
	rep := training.RunTests("x.drill.yaml", src)
	if !rep.Passed || len(rep.Results) == 0 || rep.Coverage == "" {
		t.Fatalf("the template's tests: got %+v, want all passed with coverage", rep)
	}
	// Break one expectation: the test fails at the line of its step.
	lines := strings.Split(string(src), "\n")
	broken := -1
	for i, l := range lines {
		if strings.Contains(l, `text: "Thanks for sorting that out."`) {
			lines[i] = strings.Replace(l, "Thanks for sorting that out.", "Something else entirely.", 1)
			broken = i + 1
			break
		}
	}
	if broken < 0 {
		t.Fatal("the template changed: no thanks line to break")
	}
	rep = training.RunTests("x.drill.yaml", []byte(strings.Join(lines, "\n")))
	if rep.Passed {
		t.Fatal("a broken expectation: tests passed")
	}
	var failedAt []int
	for _, r := range rep.Results {
		if !r.Passed {
			failedAt = append(failedAt, r.Line)
		}
	}
	if len(failedAt) == 0 || failedAt[0] < broken-5 || failedAt[0] > broken {
		t.Errorf("failures at lines %v, want the first near line %d", failedAt, broken)
	}
	rep = training.RunTests("x.drill.yaml", []byte("id: [\n"))
	if rep.Passed || len(rep.Diagnostics) == 0 || rep.Diagnostics[0].Line == 0 {
		t.Errorf("a drill that does not load: got %+v, want diagnostics with a line", rep)
	}
}

func templateSource(t *testing.T) ([]byte, error) {
	t.Helper()
	f := newFixture(t)
	d, err := training.NewAuthoring(f.st, nil, false).DraftFromTemplate(context.Background(), actor(f.trent), "complaint")
	return d.Source, err
}

func TestPublishWithApproval(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	au := training.NewAuthoring(f.st, nil, true)
	d := templateDraft(t, au, f.trent)

	_, err := au.Publish(ctx, actor(f.vic), d.ID)
	wantCode(t, "vic publishes trent's draft", err, drillroom.CodeNotFound)
	p, err := au.Publish(ctx, actor(f.trent), d.ID)
	if err != nil || p.State != drillroom.PublicationPending {
		t.Fatalf("Publish with approval required: got %+v, %v; want pending", p, err)
	}
	if _, err := f.st.ScenarioVersion(ctx, "my-new-drill", 1); drillroom.ErrorCode(err) != drillroom.CodeNotFound {
		t.Errorf("a pending version is in the catalogue: %v", err)
	}
	_, err = au.Publish(ctx, actor(f.trent), d.ID)
	wantCode(t, "publish the same version twice", err, drillroom.CodeConflict)
	_, err = au.Approve(ctx, actor(f.trent), p.ID)
	wantCode(t, "the author approves", err, drillroom.CodeForbidden)
	_, err = au.Approve(ctx, actor(f.carol), p.ID)
	wantCode(t, "a coach approves", err, drillroom.CodeForbidden)
	got, err := au.Approve(ctx, actor(f.vic), p.ID)
	if err != nil || got.State != drillroom.PublicationPublished || got.ApproverID != f.vic.ID || got.AuthorID != f.trent.ID {
		t.Fatalf("vic approves: got %+v, %v", got, err)
	}
	v, err := f.st.LatestScenarioVersion(ctx, "my-new-drill")
	if err != nil || v.Version != 1 {
		t.Fatalf("after approval: got v%d, %v", v.Version, err)
	}
	_, err = au.Approve(ctx, actor(f.vic), p.ID)
	wantCode(t, "approve twice", err, drillroom.CodeConflict)
	_, err = au.Publish(ctx, actor(f.trent), d.ID)
	wantCode(t, "publish published text again", err, drillroom.CodeConflict)
	entries, err := f.st.Audit(ctx, drillroom.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range entries {
		actions = append(actions, e.Actor+" "+e.Action)
	}
	if !strings.Contains(strings.Join(actions, ","), "trent "+training.AuditPublishRequest) || !strings.Contains(strings.Join(actions, ","), "vic "+training.AuditApprove) {
		t.Errorf("audit: got %v, want trent's request and vic's approval", actions)
	}

	// The next version: rejected, then resubmitted and approved.
	src := strings.Replace(string(d.Source), "version: 1", "version: 2", 1)
	if _, err := au.SaveDraft(ctx, actor(f.trent), d.ID, d.Name, []byte(src)); err != nil {
		t.Fatal(err)
	}
	p2, err := au.Publish(ctx, actor(f.trent), d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r, err := au.Reject(ctx, actor(f.ada), p2.ID); err != nil || r.State != drillroom.PublicationRejected {
		t.Fatalf("ada rejects: got %+v, %v", r, err)
	}
	if _, err := au.Publish(ctx, actor(f.trent), d.ID); err != nil {
		t.Errorf("resubmit after a rejection: %v", err)
	}
}

func TestPublishChecksRetireDiff(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	au := training.NewAuthoring(f.st, nil, false)
	d := templateDraft(t, au, f.trent)
	good := string(d.Source)

	for _, tc := range []struct {
		name, src string
	}{
		{"an error", strings.Replace(good, "difficulty: beginner", "difficulty: [", 1)},
		{"a failing test", strings.Replace(good, "Thanks for sorting that out.", "Something else entirely.", 1)},
	} {
		if _, err := au.SaveDraft(ctx, actor(f.trent), d.ID, d.Name, []byte(tc.src)); err != nil {
			t.Fatal(err)
		}
		_, err := au.Publish(ctx, actor(f.trent), d.ID)
		wantCode(t, "publish with "+tc.name, err, drillroom.CodeInvalid)
	}
	if _, err := au.SaveDraft(ctx, actor(f.trent), d.ID, d.Name, []byte(good)); err != nil {
		t.Fatal(err)
	}
	p, err := au.Publish(ctx, actor(f.trent), d.ID)
	if err != nil || p.State != drillroom.PublicationPublished || p.ApproverID != 0 {
		t.Fatalf("publish without approval: got %+v, %v", p, err)
	}
	v2 := strings.Replace(strings.Replace(good, "version: 1", "version: 2", 1), "Thanks for sorting", "Thank you for sorting", -1)
	if _, err := au.SaveDraft(ctx, actor(f.trent), d.ID, d.Name, []byte(v2)); err != nil {
		t.Fatal(err)
	}
	if _, err := au.Publish(ctx, actor(f.trent), d.ID); err != nil {
		t.Fatal(err)
	}
	lines, err := au.Diff(ctx, actor(f.vic), "my-new-drill", 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	var minus, plus int
	for _, l := range lines {
		switch l.Op {
		case '-':
			minus++
		case '+':
			plus++
		}
	}
	if minus == 0 || minus != plus {
		t.Errorf("diff v1..v2: %d removed, %d added; want the same non-zero number", minus, plus)
	}
	_, err = au.Diff(ctx, actor(f.ann), "my-new-drill", 1, 2)
	wantCode(t, "a trainee diffs", err, drillroom.CodeForbidden)

	// A retired version cannot be started; v1 is the latest again.
	if err := au.Retire(ctx, actor(f.trent), "my-new-drill", 2); err != nil {
		t.Fatal(err)
	}
	err = au.Retire(ctx, actor(f.ann), "my-new-drill", 1)
	wantCode(t, "a trainee retires", err, drillroom.CodeForbidden)
	vs, err := au.Versions(ctx, actor(f.trent), "my-new-drill")
	if err != nil || len(vs) != 2 || vs[0].RetiredAt.IsZero() {
		t.Fatalf("versions: got %+v, %v; want v2 retired, v1", vs, err)
	}
	x, _, err := f.svc.StartDrill(ctx, f.trent, "my-new-drill", drillroom.ModePractice)
	if err != nil || x.Version != 1 {
		t.Errorf("start after retiring v2: got v%d, %v; want v1", x.Version, err)
	}
	// Publishing a lower version than the highest (retired) one is refused.
	if _, err := au.SaveDraft(ctx, actor(f.trent), d.ID, d.Name, []byte(strings.Replace(v2, "version: 2", "version: 2\n# again", 1))); err != nil {
		t.Fatal(err)
	}
	_, err = au.Publish(ctx, actor(f.trent), d.ID)
	wantCode(t, "publish v2 again after it was retired", err, drillroom.CodeInvalid)
}

func TestDiffLines(t *testing.T) {
	tests := []struct {
		name, a, b string
		want       string
	}{
		{"same", "a\nb\n", "a\nb\n", "  a,  b"},
		{"change", "a\nb\nc\n", "a\nx\nc\n", "  a,- b,+ x,  c"},
		{"insert", "a\nc\n", "a\nb\nc\n", "  a,+ b,  c"},
		{"delete all", "a\n", "", "- a"},
		{"from nothing", "", "a\n", "+ a"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, l := range training.DiffLines(tc.a, tc.b) {
				got = append(got, string(l.Op)+" "+l.Text)
			}
			if strings.Join(got, ",") != tc.want {
				t.Errorf("got %q, want %q", strings.Join(got, ","), tc.want)
			}
		})
	}
}

// TestApprovalIsAnOrganisationSetting: whether publishing needs a second
// trainer is the organisation's setting in the database: the server's
// default until an administrator decides, then their choice, for every
// Authoring over the same store (every node, after a restart), audited.
func TestApprovalIsAnOrganisationSetting(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	au := training.NewAuthoring(f.st, nil, false)
	if ap, err := au.Approval(ctx); err != nil || ap.Required || !ap.UpdatedAt.IsZero() {
		t.Fatalf("before anyone decides: got %+v, %v; want the default (none), not set", ap, err)
	}
	err := au.SetApproval(ctx, actor(f.trent), true)
	wantCode(t, "a trainer who is no administrator sets it", err, drillroom.CodeForbidden)
	if err := au.SetApproval(ctx, actor(f.ada), true); err != nil {
		t.Fatal(err)
	}
	// Another node, or this one restarted with the opposite default.
	other := training.NewAuthoring(f.st, nil, false)
	ap, err := other.Approval(ctx)
	if err != nil || !ap.Required || ap.UpdatedBy != f.ada.ID || ap.UpdatedAt.IsZero() {
		t.Fatalf("after ada's choice: got %+v, %v; want required, by ada", ap, err)
	}
	d := templateDraft(t, other, f.trent)
	p, err := other.Publish(ctx, actor(f.trent), d.ID)
	if err != nil || p.State != drillroom.PublicationPending {
		t.Fatalf("publish with the setting on: got %+v, %v; want pending", p, err)
	}
	// Turned off by the command line: the next publication is immediate;
	// the pending one still waits for a decision.
	if err := other.SetApproval(ctx, actor(training.CommandLine), false); err != nil {
		t.Fatal(err)
	}
	if ap, err := au.Approval(ctx); err != nil || ap.Required || ap.UpdatedBy != 0 {
		t.Errorf("after the command line's choice: got %+v, %v; want not required, by nobody", ap, err)
	}
	src := strings.Replace(string(d.Source), "version: 1", "version: 2", 1)
	if _, err := au.SaveDraft(ctx, actor(f.trent), d.ID, d.Name, []byte(src)); err != nil {
		t.Fatal(err)
	}
	if p2, err := au.Publish(ctx, actor(f.trent), d.ID); err != nil || p2.State != drillroom.PublicationPublished {
		t.Errorf("publish with the setting off: got %+v, %v; want published", p2, err)
	}
	if still, err := f.st.Publication(ctx, p.ID); err != nil || still.State != drillroom.PublicationPending {
		t.Errorf("the earlier request: got %+v, %v; want still pending", still, err)
	}
	entries, err := f.st.Audit(ctx, drillroom.AuditFilter{Action: training.AuditSettings})
	if err != nil || len(entries) != 2 || entries[0].Actor != "cli" || entries[1].Actor != "ada" ||
		entries[1].Target != drillroom.SettingRequireApproval || !strings.Contains(entries[1].Detail, "second trainer") {
		t.Errorf("audit of the setting: got %+v, %v; want cli's and ada's changes, newest first", entries, err)
	}
}
