//go:build race

package web

// raceDetector: the race detector multiplies memory by 5 to 10, so memory
// bounds are not measured under it.
const raceDetector = true
