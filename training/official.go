package training

import (
	"context"
	"fmt"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/scoring"
)

// OfficialResult computes what analytics keep of session ref's official
// scorecard as released: its stored automatic scorecard with the marks
// made up to the release ref.ReleaseID applied (what the trainee reads
// since that release), its headline and the rules the marks changed.
func (s *Service) OfficialResult(ctx context.Context, ref drillroom.OfficialRef) (drillroom.OfficialResult, error) {
	auto, err := s.StoredScorecard(ctx, ref.SessionID)
	if err != nil {
		return drillroom.OfficialResult{}, err
	}
	official, err := s.releasedCard(ctx, ref.SessionID, ref.ReleaseID, auto)
	if err != nil {
		return drillroom.OfficialResult{}, err
	}
	return drillroom.OfficialResult{OfficialRef: ref, Total: official.Total, Band: official.Band, Passed: official.Passed,
		Changes: scoring.Changes(auto, official)}, nil
}

// releasedCard is auto with the marks of session sessionID that release
// releaseID released applied.
func (s *Service) releasedCard(ctx context.Context, sessionID string, releaseID int64, auto *scoring.Scorecard) (*scoring.Scorecard, error) {
	rels, err := s.store.Releases(ctx, sessionID)
	if err != nil {
		return nil, fmt.Errorf("releases of %s: %w", sessionID, err)
	}
	var rel drillroom.Release
	for _, r := range rels {
		if r.ID == releaseID {
			rel = r
		}
	}
	if rel.ID == 0 {
		return nil, fmt.Errorf("release %d of %s: %w", releaseID, sessionID, drillroom.ErrNotFound)
	}
	marks, err := s.store.Marks(ctx, sessionID)
	if err != nil {
		return nil, fmt.Errorf("marks of %s: %w", sessionID, err)
	}
	official, _, _ := scoring.ApplyMarks(auto, drillroom.MarksReleased(marks, rel))
	return official, nil
}
