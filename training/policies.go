package training

import (
	"context"
	"fmt"
	"strings"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/scenarios"
)

// A trainer's own policies. A draft named *.policy.yaml is a policy: the
// editor checks it as one, and the author's drills that name its id use it
// (beside the shipped policies, which it may extend or replace) when they
// are checked, tested, played and published. A policy is not published on
// its own: every version of a drill carries the policy it was published
// with, so it replays and re-scores against exactly that.

// PolicyFile is a policy file a trainer wrote.
type PolicyFile struct {
	Name   string
	Source []byte
}

// IsPolicyName reports whether a draft's file name is a policy's.
func IsPolicyName(name string) bool { return strings.HasSuffix(name, ".policy.yaml") }

// loader is a scenarios loader with the shipped policies and then the
// trainer's (a trainer's policy of a shipped id replaces it). A policy
// with errors is left out: its own editor shows them, and a drill that
// names it is told the policy is unknown.
func loader(policies []PolicyFile) *scenarios.Loader {
	l := scenarios.NewLoader()
	l.AddShipped()
	for _, p := range policies {
		l.LoadPolicy(p.Name, p.Source)
	}
	return l
}

// CheckPolicy loads a policy's YAML as the editor checks it: after the
// shipped policies, which it may extend.
func CheckPolicy(name string, src []byte) scenarios.Diagnostics {
	_, ds := loader(nil).LoadPolicy(name, src)
	if ds == nil {
		ds = scenarios.Diagnostics{}
	}
	return ds
}

// policyOf returns the source of the trainer's policy that sc uses (nil:
// a shipped one), which the drill's version must carry; a policy that
// extends another of the trainer's cannot be carried alone and is
// drillroom.ErrInvalid.
func policyOf(sc *scenarios.Scenario, policies []PolicyFile) ([]byte, error) {
	ids := map[string]*scenarios.Policy{}
	srcs := map[string][]byte{}
	for _, p := range policies {
		if pol, ds := loader(nil).LoadPolicy(p.Name, p.Source); !ds.HasErrors() && pol != nil {
			ids[pol.ID], srcs[pol.ID] = pol, p.Source
		}
	}
	pol, ok := ids[sc.Policy]
	if !ok {
		return nil, nil
	}
	if _, mine := ids[pol.Extends]; mine && pol.Extends != "" {
		return nil, drillroom.Errorf(drillroom.CodeInvalid, "Policy %s extends your policy %s: a drill's policy may extend a shipped policy only; merge the two.", pol.ID, pol.Extends)
	}
	return srcs[sc.Policy], nil
}

// versionWith is VersionOf carrying the trainer's policy the drill uses.
func versionWith(sc *scenarios.Scenario, policies []PolicyFile) (drillroom.ScenarioVersion, error) {
	v := VersionOf(sc)
	src, err := policyOf(sc, policies)
	if err != nil {
		return drillroom.ScenarioVersion{}, err
	}
	if src != nil {
		v.PolicySource = src
	}
	return v, nil
}

// Policies returns the author's policy drafts, for their drills.
func (s *Authoring) Policies(ctx context.Context, a Actor) ([]PolicyFile, error) {
	ds, err := s.Drafts(ctx, a)
	if err != nil {
		return nil, err
	}
	var out []PolicyFile
	for _, d := range ds {
		if IsPolicyName(d.Name) {
			out = append(out, PolicyFile{Name: d.Name, Source: d.Source})
		}
	}
	return out, nil
}

// ShippedPolicy returns the YAML of a shipped policy, to download.
func ShippedPolicy(id string) (PolicyFile, error) {
	pols, _ := scenarios.ShippedPolicies()
	for _, p := range pols {
		if p.ID == id && len(p.Source) > 0 {
			return PolicyFile{Name: p.ID + ".policy.yaml", Source: p.Source}, nil
		}
	}
	return PolicyFile{}, drillroom.Errorf(drillroom.CodeNotFound, "There is no shipped policy %q.", id)
}

// ShippedPolicyIDs lists the shipped policies' ids.
func ShippedPolicyIDs() []string {
	pols, _ := scenarios.ShippedPolicies()
	var ids []string
	for _, p := range pols {
		ids = append(ids, p.ID)
	}
	return ids
}

// VersionPolicy returns the policy a published version was played with:
// the one stored with it (a trainer's, or the library's as published), or
// the shipped policy it names.
func (s *Authoring) VersionPolicy(ctx context.Context, a Actor, scenarioID string, version int) (PolicyFile, error) {
	if err := requireAuthor(a); err != nil {
		return PolicyFile{}, err
	}
	v, err := s.store.ScenarioVersion(ctx, scenarioID, version)
	if err != nil {
		return PolicyFile{}, err
	}
	sc, ds := Check(v.ScenarioID+".drill.yaml", v.Source, PolicyFile{Name: "stored.policy.yaml", Source: v.PolicySource})
	if sc == nil {
		return PolicyFile{}, fmt.Errorf("policy of %s v%d: %s", scenarioID, version, ds.Errors()[0].String())
	}
	if len(v.PolicySource) > 0 {
		return PolicyFile{Name: sc.Policy + ".policy.yaml", Source: v.PolicySource}, nil
	}
	return ShippedPolicy(sc.Policy)
}

// DraftFromPolicy starts a policy draft from a shipped policy: the start of
// the organisation's own.
func (s *Authoring) DraftFromPolicy(ctx context.Context, a Actor, id string) (drillroom.Draft, error) {
	if err := requireAuthor(a); err != nil {
		return drillroom.Draft{}, err
	}
	p, err := ShippedPolicy(id)
	if err != nil {
		return drillroom.Draft{}, err
	}
	return s.CreateDraft(ctx, a, p.Name, p.Source)
}
