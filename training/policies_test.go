package training_test

import (
	"context"
	"strings"
	"testing"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/runner"
	"github.com/drillroom/drillroom/training"
)

const myPolicy = `id: my-centre
title: My centre's standard
version: 1
extends: uk-contact-centre
taxonomy:
  - {id: billing-dispute, title: Billing dispute}
`

// TestTrainersPolicy: a trainer's policy draft is checked as a policy (its
// mistakes at their line); their drill that names it loads, tests, plays
// and publishes with it (and without it does not load); the published
// version and the publication carry it, so a second trainer who never had
// it approves it and the runner replays it.
func TestTrainersPolicy(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	au := training.NewAuthoring(f.st, nil, true)

	ds, err := au.CheckDraft(ctx, actor(f.trent), "my-centre.policy.yaml", []byte(strings.Replace(myPolicy, "title: Billing", "titel: Billing", 1)))
	if err != nil || !ds.HasErrors() || ds.Errors()[0].Line != 6 {
		t.Fatalf("a policy with a misspelt key: %v, %v; want an error on line 6", ds, err)
	}
	if ds, err := au.CheckDraft(ctx, actor(f.trent), "my-centre.policy.yaml", []byte(myPolicy)); err != nil || ds.HasErrors() {
		t.Fatalf("the policy: %v, %v; want no errors", ds, err)
	}
	d := templateDraft(t, au, f.trent)
	src := strings.ReplaceAll(strings.Replace(string(d.Source), "policy: uk-contact-centre", "policy: my-centre", 1), "category: complaint", "category: billing-dispute")
	if d, err = au.SaveDraft(ctx, actor(f.trent), d.ID, d.Name, []byte(src)); err != nil {
		t.Fatal(err)
	}
	if ds, _ := au.CheckDraft(ctx, actor(f.trent), d.Name, d.Source); !ds.HasErrors() {
		t.Fatalf("the drill loads without its policy")
	}
	if _, err := au.CreateDraft(ctx, actor(f.trent), "my-centre.policy.yaml", []byte(myPolicy)); err != nil {
		t.Fatal(err)
	}
	if ds, _ := au.CheckDraft(ctx, actor(f.trent), d.Name, d.Source); ds.HasErrors() {
		t.Fatalf("the drill with its policy: %v", ds)
	}
	if ds, _ := au.CheckDraft(ctx, actor(f.vic), d.Name, d.Source); !ds.HasErrors() {
		t.Errorf("another trainer's check sees trent's policy")
	}
	rep, err := au.TestDraft(ctx, actor(f.trent), d.Name, d.Source)
	if err != nil || !rep.Passed {
		t.Fatalf("the drill's tests with its policy: %+v, %v", rep, err)
	}
	_, err = au.TestDraft(ctx, actor(f.trent), "my-centre.policy.yaml", []byte(myPolicy))
	wantCode(t, "test a policy", err, drillroom.CodeInvalid)

	pols, err := au.Policies(ctx, actor(f.trent))
	if err != nil || len(pols) != 1 {
		t.Fatalf("trent's policies: %+v, %v", pols, err)
	}
	x, err := f.svc.PlayDraft(ctx, f.trent, d, pols)
	if err != nil {
		t.Fatalf("play the drill with its policy: %v", err)
	}
	if v, err := f.st.ScenarioVersion(ctx, x.ScenarioID, x.Version); err != nil || string(v.PolicySource) != myPolicy {
		t.Errorf("the draft play's version: policy %q, %v; want trent's", v.PolicySource, err)
	}

	p, err := au.Publish(ctx, actor(f.trent), d.ID)
	if err != nil || p.State != drillroom.PublicationPending || string(p.PolicySource) != myPolicy {
		t.Fatalf("publish: %+v, %v; want pending with the policy", p, err)
	}
	if _, err := au.Approve(ctx, actor(f.vic), p.ID); err != nil {
		t.Fatalf("vic, who has no such policy, approves: %v", err)
	}
	v, err := f.st.LatestScenarioVersion(ctx, "my-new-drill")
	if err != nil || string(v.PolicySource) != myPolicy {
		t.Fatalf("the published version: policy %q, %v; want trent's", v.PolicySource, err)
	}
	sc, err := runner.LoadVersion(v)
	if err != nil || sc.Resolved == nil || sc.Resolved.ID != "my-centre" {
		t.Fatalf("the runner loads the version: %v", err)
	}
	got, err := au.VersionPolicy(ctx, actor(f.vic), "my-new-drill", v.Version)
	if err != nil || got.Name != "my-centre.policy.yaml" || string(got.Source) != myPolicy {
		t.Errorf("the version's policy to download: %+v, %v", got, err)
	}
	shipped, err := au.VersionPolicy(ctx, actor(f.vic), f.drill, 1)
	if err != nil || !strings.Contains(string(shipped.Source), "id: uk-contact-centre") {
		t.Errorf("a library drill's policy to download: %q, %v", shipped.Name, err)
	}
	copied, err := au.DraftFromPolicy(ctx, actor(f.vic), "uk-contact-centre")
	if err != nil || copied.Name != "uk-contact-centre.policy.yaml" || !strings.Contains(string(copied.Source), "taxonomy:") {
		t.Errorf("copy a shipped policy to a draft: %+v, %v", copied.Name, err)
	}
	_, err = au.DraftFromPolicy(ctx, actor(f.vic), "no-such-policy")
	wantCode(t, "copy a missing policy", err, drillroom.CodeNotFound)
}
