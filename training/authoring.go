package training

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/drilltest"
	"github.com/drillroom/drillroom/scenarios"
)

// AuthoringStore is what the authoring use cases read and write: drafts,
// the catalogue of published versions and the record of who published and
// approved them. *store.Store satisfies it.
type AuthoringStore interface {
	CreateDraft(ctx context.Context, d drillroom.Draft) (drillroom.Draft, error)
	UpdateDraft(ctx context.Context, d drillroom.Draft) (drillroom.Draft, error)
	Draft(ctx context.Context, id int64) (drillroom.Draft, error)
	Drafts(ctx context.Context, authorID int64) ([]drillroom.Draft, error)
	DeleteDraft(ctx context.Context, id int64) error
	PutScenarioVersion(ctx context.Context, v drillroom.ScenarioVersion) (drillroom.ScenarioVersion, error)
	ScenarioVersion(ctx context.Context, id string, version int) (drillroom.ScenarioVersion, error)
	ScenarioVersions(ctx context.Context, id string) ([]drillroom.ScenarioVersion, error)
	LatestScenarios(ctx context.Context) ([]drillroom.ScenarioVersion, error)
	RetireScenarioVersion(ctx context.Context, id string, version int) error
	AddPublication(ctx context.Context, p drillroom.Publication) (drillroom.Publication, error)
	Publication(ctx context.Context, id int64) (drillroom.Publication, error)
	Publications(ctx context.Context, state drillroom.PublicationState) ([]drillroom.Publication, error)
	DecidePublication(ctx context.Context, id, approverID int64, state drillroom.PublicationState) (drillroom.Publication, error)
	Setting(ctx context.Context, key string) (drillroom.Setting, error)
	PutSetting(ctx context.Context, st drillroom.Setting) (drillroom.Setting, error)
	AppendAudit(ctx context.Context, e drillroom.AuditEntry) error
}

// Authoring runs the use cases of writing drills: drafts, checking and
// testing them, publishing versions (with a second trainer's approval
// where the organisation requires it), retiring versions and comparing
// them. Trainers author; administrators may too. Every publication,
// approval, rejection and retirement is written to the audit log.
type Authoring struct {
	store AuthoringStore
	log   *slog.Logger
	// approvalDefault is whether publishing needs a second trainer until
	// an administrator decides (drillroom.SettingRequireApproval).
	approvalDefault bool
}

// NewAuthoring returns the authoring use cases over st. requireApproval
// is the default of the organisation's setting: whether a publication
// waits for a second trainer's approval until an administrator sets it.
func NewAuthoring(st AuthoringStore, logger *slog.Logger, requireApproval bool) *Authoring {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Authoring{store: st, log: logger, approvalDefault: requireApproval}
}

// Approval is the organisation's rule for publishing: whether a second
// trainer must approve, and who decided it when (zero: nobody has; the
// server's default holds).
type Approval struct {
	Required  bool
	Default   bool // what holds while nobody has decided
	UpdatedBy int64
	UpdatedAt time.Time
}

// Approval reads the organisation's rule for publishing. A store that
// cannot be read is an error, never a silent "no approval needed".
func (s *Authoring) Approval(ctx context.Context) (Approval, error) {
	ap := Approval{Required: s.approvalDefault, Default: s.approvalDefault}
	st, err := s.store.Setting(ctx, drillroom.SettingRequireApproval)
	switch {
	case errors.Is(err, drillroom.ErrNotFound):
		return ap, nil
	case err != nil:
		return Approval{}, fmt.Errorf("the approval setting: %w", err)
	}
	ap.Required, ap.UpdatedBy, ap.UpdatedAt = st.Value == "true", st.UpdatedBy, st.UpdatedAt
	return ap, nil
}

// RequiresApproval reports whether publishing needs a second trainer now.
func (s *Authoring) RequiresApproval(ctx context.Context) (bool, error) {
	ap, err := s.Approval(ctx)
	return ap.Required, err
}

// SetApproval turns the second trainer's approval of publications on or
// off for the whole organisation: an administrator's decision, audited.
// Publications already waiting stay waiting for a decision either way.
func (s *Authoring) SetApproval(ctx context.Context, a Actor, required bool) error {
	if !a.Admin {
		return drillroom.Errorf(drillroom.CodeForbidden, "Only an administrator changes the organisation's settings.")
	}
	// The command line (CommandLine) has no account: it sets as nobody (0).
	if _, err := s.store.PutSetting(ctx, drillroom.Setting{Key: drillroom.SettingRequireApproval, Value: strconv.FormatBool(required), UpdatedBy: a.ID}); err != nil {
		return fmt.Errorf("set approval: %w", err)
	}
	detail := "publishing needs no second approval"
	if required {
		detail = "publishing needs a second trainer's approval"
	}
	s.audit(ctx, a, AuditSettings, drillroom.SettingRequireApproval, detail)
	return nil
}

// The audit log's actions of authoring.
const (
	AuditPublish        = "drill.publish"
	AuditPublishRequest = "drill.publish_request"
	AuditApprove        = "drill.approve"
	AuditReject         = "drill.reject"
	AuditRetire         = "drill.retire"
	// AuditSettings is an administrator's change of the organisation's
	// settings.
	AuditSettings = "settings.change"
)

// MayAuthor reports whether a may write, publish and approve drills:
// trainers and administrators.
func MayAuthor(u drillroom.User) bool { return u.Role == drillroom.RoleTrainer || u.Admin }

func requireAuthor(a Actor) error {
	if !MayAuthor(a.User) {
		return drillroom.Errorf(drillroom.CodeForbidden, "Only trainers write and publish drills.")
	}
	return nil
}

func (s *Authoring) audit(ctx context.Context, a Actor, action, target, detail string) {
	recordAudit(ctx, s.store, s.log, a, action, target, detail)
}

// Check loads a drill's YAML with the shipped policies and the trainer's
// own (policies), exactly as publishing will, and returns the scenario
// (nil when it has errors) and every diagnostic. name is the file name the
// diagnostics carry.
func Check(name string, src []byte, policies ...PolicyFile) (*scenarios.Scenario, scenarios.Diagnostics) {
	sc, ds := loader(policies).LoadScenario(name, src)
	if ds.HasErrors() {
		return nil, ds
	}
	return sc, ds
}

// CheckDraft is Check for an author: the editor's diagnostics as they
// type, a drill's with the author's policies, a policy's (name
// *.policy.yaml) as a policy.
func (s *Authoring) CheckDraft(ctx context.Context, a Actor, name string, src []byte) (scenarios.Diagnostics, error) {
	if err := requireAuthor(a); err != nil {
		return nil, err
	}
	if len(src) > scenarios.MaxFileSize {
		return nil, drillroom.Errorf(drillroom.CodeInvalid, "The drill is larger than %d bytes.", scenarios.MaxFileSize)
	}
	if IsPolicyName(name) {
		return CheckPolicy(name, src), nil
	}
	pols, err := s.Policies(ctx, a)
	if err != nil {
		return nil, err
	}
	_, ds := Check(name, src, pols...)
	if ds == nil {
		ds = scenarios.Diagnostics{}
	}
	return ds, nil
}

// TestResult is one scenario test's outcome, at the line it was written.
type TestResult struct {
	Name    string `json:"name"`
	Passed  bool   `json:"passed"`
	Skipped bool   `json:"skipped,omitempty"`
	Reason  string `json:"reason,omitempty"`
	Line    int    `json:"line,omitempty"`
	Col     int    `json:"col,omitempty"`
}

// TestReport is what running a draft's tests found: the diagnostics when
// it does not load, each test's result, and the coverage of the script
// and rubric.
type TestReport struct {
	Diagnostics scenarios.Diagnostics `json:"diagnostics"`
	Results     []TestResult          `json:"results"`
	Coverage    string                `json:"coverage,omitempty"`
	Missed      []string              `json:"missed,omitempty"`
	// Passed is true when the drill loads, has at least one test, and
	// every test that ran passed: what publishing requires.
	Passed bool `json:"passed"`
}

// RunTests runs a drill's tests (drilltest) with coverage. Golden
// transcripts live on disk beside a file, which a draft does not have:
// their comparison is skipped, the rest of such a test runs.
func RunTests(name string, src []byte, policies ...PolicyFile) TestReport {
	sc, ds := Check(name, src, policies...)
	rep := TestReport{Diagnostics: ds, Results: []TestResult{}}
	if rep.Diagnostics == nil {
		rep.Diagnostics = scenarios.Diagnostics{}
	}
	if sc == nil {
		return rep
	}
	golden := map[string]bool{}
	for i := range sc.Tests {
		if sc.Tests[i].Golden {
			sc.Tests[i].Golden = false
			golden[sc.Tests[i].Name] = true
		}
	}
	results, cov := drilltest.RunScenario(sc, drilltest.Options{})
	rep.Passed = len(sc.Tests) > 0
	for _, r := range results {
		tr := TestResult{Name: r.Test, Passed: r.Passed, Reason: r.Reason, Line: r.Pos.Line, Col: r.Pos.Col}
		if r.Passed && golden[r.Test] {
			tr.Reason = "the golden transcript is compared by drillroom test on disk, not in the editor"
		}
		rep.Passed = rep.Passed && r.Passed
		rep.Results = append(rep.Results, tr)
	}
	if len(sc.Tests) == 0 {
		rep.Results = append(rep.Results, TestResult{Name: "tests", Reason: "the drill has no tests: add at least one under tests: before publishing", Line: 1, Col: 1})
	}
	if cov != nil {
		rep.Coverage = strings.TrimPrefix(cov.Summary(), cov.File+": ")
		rep.Missed = cov.Missed()
	}
	return rep
}

// TestDraft runs RunTests for an author, with their policies. A policy
// has no tests of its own: its drills' tests exercise it.
func (s *Authoring) TestDraft(ctx context.Context, a Actor, name string, src []byte) (TestReport, error) {
	if err := requireAuthor(a); err != nil {
		return TestReport{}, err
	}
	if len(src) > scenarios.MaxFileSize {
		return TestReport{}, drillroom.Errorf(drillroom.CodeInvalid, "The drill is larger than %d bytes.", scenarios.MaxFileSize)
	}
	if IsPolicyName(name) {
		return TestReport{}, drillroom.Errorf(drillroom.CodeInvalid, "A policy has no tests of its own: run the tests of a drill that uses it.")
	}
	pols, err := s.Policies(ctx, a)
	if err != nil {
		return TestReport{}, err
	}
	return RunTests(name, src, pols...), nil
}

// Drafts returns the author's own drafts, the last changed first.
func (s *Authoring) Drafts(ctx context.Context, a Actor) ([]drillroom.Draft, error) {
	if err := requireAuthor(a); err != nil {
		return nil, err
	}
	return s.store.Drafts(ctx, a.ID)
}

// Draft returns one of the author's own drafts; anyone else's is
// drillroom.ErrNotFound, like a missing one.
func (s *Authoring) Draft(ctx context.Context, a Actor, id int64) (drillroom.Draft, error) {
	if err := requireAuthor(a); err != nil {
		return drillroom.Draft{}, err
	}
	d, err := s.store.Draft(ctx, id)
	if err != nil {
		return drillroom.Draft{}, err
	}
	if d.AuthorID != a.ID {
		return drillroom.Draft{}, fmt.Errorf("draft %d of user %d: %w", id, d.AuthorID, drillroom.ErrNotFound)
	}
	return d, nil
}

// DraftName checks a draft's file name: a plain name ending .drill.yaml
// (a drill) or .policy.yaml (a policy).
func DraftName(name string) (string, error) {
	name = strings.TrimSpace(name)
	base := strings.TrimSuffix(strings.TrimSuffix(name, ".drill.yaml"), ".policy.yaml")
	if base == "" || base == name || len(name) > 120 || strings.ContainsAny(name, `/\`) || strings.HasPrefix(name, ".") {
		return "", drillroom.Errorf(drillroom.CodeInvalid, "A file name is a plain name ending in .drill.yaml (a drill) or .policy.yaml (a policy), such as gas-leak.drill.yaml.")
	}
	return name, nil
}

func checkSource(src []byte) error {
	if len(src) > scenarios.MaxFileSize {
		return drillroom.Errorf(drillroom.CodeInvalid, "The drill is larger than %d bytes.", scenarios.MaxFileSize)
	}
	return nil
}

// CreateDraft saves a new draft for the author (an upload, or a blank).
func (s *Authoring) CreateDraft(ctx context.Context, a Actor, name string, src []byte) (drillroom.Draft, error) {
	if err := requireAuthor(a); err != nil {
		return drillroom.Draft{}, err
	}
	name, err := DraftName(name)
	if err != nil {
		return drillroom.Draft{}, err
	}
	if err := checkSource(src); err != nil {
		return drillroom.Draft{}, err
	}
	return s.store.CreateDraft(ctx, drillroom.Draft{AuthorID: a.ID, Name: name, Source: src})
}

// SaveDraft replaces the text and name of one of the author's drafts.
func (s *Authoring) SaveDraft(ctx context.Context, a Actor, id int64, name string, src []byte) (drillroom.Draft, error) {
	d, err := s.Draft(ctx, a, id)
	if err != nil {
		return drillroom.Draft{}, err
	}
	if d.Name, err = DraftName(name); err != nil {
		return drillroom.Draft{}, err
	}
	if err := checkSource(src); err != nil {
		return drillroom.Draft{}, err
	}
	d.Source = src
	return s.store.UpdateDraft(ctx, d)
}

// DeleteDraft deletes one of the author's drafts.
func (s *Authoring) DeleteDraft(ctx context.Context, a Actor, id int64) error {
	if _, err := s.Draft(ctx, a, id); err != nil {
		return err
	}
	return s.store.DeleteDraft(ctx, id)
}

//go:embed templates/*.drill.yaml
var templateFS embed.FS

// Templates lists the names of the drill templates a new draft may start
// from.
func Templates() []string {
	names, _ := fs.Glob(templateFS, "templates/*.drill.yaml")
	for i, n := range names {
		names[i] = strings.TrimSuffix(path.Base(n), ".drill.yaml")
	}
	sort.Strings(names)
	return names
}

// DraftFromTemplate starts a draft from one of Templates.
func (s *Authoring) DraftFromTemplate(ctx context.Context, a Actor, template string) (drillroom.Draft, error) {
	src, err := templateFS.ReadFile("templates/" + template + ".drill.yaml")
	if err != nil || strings.ContainsAny(template, `/\.`) {
		return drillroom.Draft{}, drillroom.Errorf(drillroom.CodeInvalid, "There is no template %q.", template)
	}
	return s.CreateDraft(ctx, a, "my-new-drill.drill.yaml", src)
}

// DraftFromVersion starts a draft from a published version (the library's
// or another trainer's), for a new drill or the next version of it.
func (s *Authoring) DraftFromVersion(ctx context.Context, a Actor, scenarioID string, version int) (drillroom.Draft, error) {
	if err := requireAuthor(a); err != nil {
		return drillroom.Draft{}, err
	}
	v, err := s.store.ScenarioVersion(ctx, scenarioID, version)
	if err != nil {
		return drillroom.Draft{}, err
	}
	return s.CreateDraft(ctx, a, v.ScenarioID+".drill.yaml", v.Source)
}

// Catalogue lists the latest published version of every drill, for
// authors to copy or open.
func (s *Authoring) Catalogue(ctx context.Context, a Actor) ([]drillroom.ScenarioVersion, error) {
	if err := requireAuthor(a); err != nil {
		return nil, err
	}
	return s.store.LatestScenarios(ctx)
}

// Versions lists every version of a drill, retired ones too, highest
// first; an unknown drill is drillroom.ErrNotFound.
func (s *Authoring) Versions(ctx context.Context, a Actor, scenarioID string) ([]drillroom.ScenarioVersion, error) {
	if err := requireAuthor(a); err != nil {
		return nil, err
	}
	vs, err := s.store.ScenarioVersions(ctx, scenarioID)
	if err != nil {
		return nil, err
	}
	if len(vs) == 0 {
		return nil, fmt.Errorf("scenario %s: %w", scenarioID, drillroom.ErrNotFound)
	}
	return vs, nil
}

// Publications lists the record of publications in one state ("" for
// all), newest first.
func (s *Authoring) Publications(ctx context.Context, a Actor, state drillroom.PublicationState) ([]drillroom.Publication, error) {
	if err := requireAuthor(a); err != nil {
		return nil, err
	}
	return s.store.Publications(ctx, state)
}

// readyToPublish loads src and runs its tests: a version is published
// only when it validates and its tests pass, and only with a version
// number higher than any published before (retired ones included), so
// that "latest" always means the newest.
func (s *Authoring) readyToPublish(ctx context.Context, name string, src []byte, policies []PolicyFile) (*scenarios.Scenario, error) {
	if IsPolicyName(name) {
		return nil, drillroom.Errorf(drillroom.CodeInvalid, "A policy is not published on its own: publish a drill that uses it, and its version carries the policy.")
	}
	sc, ds := Check(name, src, policies...)
	if sc == nil {
		return nil, drillroom.Errorf(drillroom.CodeInvalid, "The drill has %d error(s); fix them before publishing.", len(ds.Errors()))
	}
	if rep := RunTests(name, src, policies...); !rep.Passed {
		return nil, drillroom.Errorf(drillroom.CodeInvalid, "The drill's tests do not pass; run them and fix the failures before publishing.")
	}
	vs, err := s.store.ScenarioVersions(ctx, sc.ID)
	if err != nil {
		return nil, err
	}
	for _, v := range vs {
		if v.Hash == sc.Hash {
			return nil, drillroom.Errorf(drillroom.CodeConflict, "This text is already published as %s version %d.", sc.ID, v.Version)
		}
	}
	if len(vs) > 0 && sc.Version <= vs[0].Version {
		return nil, drillroom.Errorf(drillroom.CodeInvalid, "%s version %d is already published: raise version: to %d.", sc.ID, vs[0].Version, vs[0].Version+1)
	}
	return sc, nil
}

// Publish publishes one of the author's drafts as a new version: at once,
// or, where approval is required, as a request a second trainer approves.
func (s *Authoring) Publish(ctx context.Context, a Actor, draftID int64) (drillroom.Publication, error) {
	d, err := s.Draft(ctx, a, draftID)
	if err != nil {
		return drillroom.Publication{}, err
	}
	pols, err := s.Policies(ctx, a)
	if err != nil {
		return drillroom.Publication{}, err
	}
	sc, err := s.readyToPublish(ctx, d.Name, d.Source, pols)
	if err != nil {
		return drillroom.Publication{}, err
	}
	policy, err := policyOf(sc, pols)
	if err != nil {
		return drillroom.Publication{}, err
	}
	p := drillroom.Publication{ScenarioID: sc.ID, Version: sc.Version, Hash: sc.Hash, Title: sc.Title, Source: sc.Source, PolicySource: policy, AuthorID: a.ID}
	target := fmt.Sprintf("drill %s v%d", sc.ID, sc.Version)
	required, err := s.RequiresApproval(ctx)
	if err != nil {
		return drillroom.Publication{}, err
	}
	if required {
		p.State = drillroom.PublicationPending
		if p, err = s.store.AddPublication(ctx, p); err != nil {
			return drillroom.Publication{}, publicationError(err)
		}
		s.audit(ctx, a, AuditPublishRequest, target, "waiting for a second trainer's approval")
		return p, nil
	}
	if _, err := publishWith(ctx, s.store, sc, pols); err != nil {
		return drillroom.Publication{}, publicationError(err)
	}
	p.State = drillroom.PublicationPublished
	if p, err = s.store.AddPublication(ctx, p); err != nil {
		return drillroom.Publication{}, publicationError(err)
	}
	s.audit(ctx, a, AuditPublish, target, "no approval required")
	return p, nil
}

func publicationError(err error) error {
	if errors.Is(err, drillroom.ErrConflict) {
		return &drillroom.Error{Code: drillroom.CodeConflict, Message: "This version is already published or waiting for approval: raise version:.", Err: err}
	}
	return err
}

// Approve publishes a pending publication: a trainer other than its
// author approves what they read, and is recorded as its approver.
func (s *Authoring) Approve(ctx context.Context, a Actor, id int64) (drillroom.Publication, error) {
	p, err := s.pending(ctx, a, id)
	if err != nil {
		return drillroom.Publication{}, err
	}
	// The policy the author's drill used, as it was when submitted.
	var pols []PolicyFile
	if len(p.PolicySource) > 0 {
		pols = []PolicyFile{{Name: p.ScenarioID + ".policy.yaml", Source: p.PolicySource}}
	}
	sc, err := s.readyToPublish(ctx, p.ScenarioID+".drill.yaml", p.Source, pols)
	if err != nil {
		return drillroom.Publication{}, err
	}
	if sc.Hash != p.Hash {
		return drillroom.Publication{}, drillroom.Errorf(drillroom.CodeConflict, "The drill no longer loads as it did when it was submitted; ask its author to submit it again.")
	}
	if _, err := publishWith(ctx, s.store, sc, pols); err != nil {
		return drillroom.Publication{}, publicationError(err)
	}
	if p, err = s.store.DecidePublication(ctx, id, a.ID, drillroom.PublicationPublished); err != nil {
		return drillroom.Publication{}, err
	}
	s.audit(ctx, a, AuditApprove, fmt.Sprintf("drill %s v%d", p.ScenarioID, p.Version), fmt.Sprintf("written by user %d", p.AuthorID))
	return p, nil
}

// Reject turns down a pending publication; its version number is free
// again.
func (s *Authoring) Reject(ctx context.Context, a Actor, id int64) (drillroom.Publication, error) {
	p, err := s.pending(ctx, a, id)
	if err != nil {
		return drillroom.Publication{}, err
	}
	if p, err = s.store.DecidePublication(ctx, id, a.ID, drillroom.PublicationRejected); err != nil {
		return drillroom.Publication{}, err
	}
	s.audit(ctx, a, AuditReject, fmt.Sprintf("drill %s v%d", p.ScenarioID, p.Version), fmt.Sprintf("written by user %d", p.AuthorID))
	return p, nil
}

// pending returns a publication a may decide on: pending, and not their own.
func (s *Authoring) pending(ctx context.Context, a Actor, id int64) (drillroom.Publication, error) {
	if err := requireAuthor(a); err != nil {
		return drillroom.Publication{}, err
	}
	p, err := s.store.Publication(ctx, id)
	if err != nil {
		return drillroom.Publication{}, err
	}
	if p.AuthorID == a.ID {
		return drillroom.Publication{}, drillroom.Errorf(drillroom.CodeForbidden, "A second trainer must approve: the author cannot approve their own drill.")
	}
	if p.State != drillroom.PublicationPending {
		return drillroom.Publication{}, drillroom.Errorf(drillroom.CodeConflict, "This publication is already %s.", p.State)
	}
	return p, nil
}

// Retire retires a published version: it can no longer be started; its
// sessions stay pinned to it.
func (s *Authoring) Retire(ctx context.Context, a Actor, scenarioID string, version int) error {
	if err := requireAuthor(a); err != nil {
		return err
	}
	if err := s.store.RetireScenarioVersion(ctx, scenarioID, version); err != nil {
		return err
	}
	s.audit(ctx, a, AuditRetire, fmt.Sprintf("drill %s v%d", scenarioID, version), "")
	return nil
}

// Diff compares two versions of a drill line by line.
func (s *Authoring) Diff(ctx context.Context, a Actor, scenarioID string, from, to int) ([]DiffLine, error) {
	if err := requireAuthor(a); err != nil {
		return nil, err
	}
	va, err := s.store.ScenarioVersion(ctx, scenarioID, from)
	if err != nil {
		return nil, err
	}
	vb, err := s.store.ScenarioVersion(ctx, scenarioID, to)
	if err != nil {
		return nil, err
	}
	return DiffLines(string(va.Source), string(vb.Source)), nil
}
