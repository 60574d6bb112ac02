package training

import (
	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/scoring"
)

// ApplyMarksForTest is applyMarks, for the package's external tests.
func ApplyMarksForTest(auto *scoring.Scorecard, marks []drillroom.Mark) *Marking {
	return applyMarks(auto, marks)
}

// NewAnalyticsFromStore is NewAnalytics reading every view's sessions
// from the store, not from the service's copy of the facts: a computation
// from scratch to compare the copy with.
func NewAnalyticsFromStore(st AnalyticsStore, svc *Service) *Analytics {
	return &Analytics{store: st, svc: svc, direct: true}
}
