package training

import (
	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/scoring"
)

// ApplyMarksForTest is applyMarks, for the package's external tests.
func ApplyMarksForTest(auto *scoring.Scorecard, marks []drillroom.Mark) *Marking {
	return applyMarks(auto, marks)
}
