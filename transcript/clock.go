package transcript

import (
	"fmt"

	"github.com/drillroom/drillroom/scenarios"
)

// Clock formats virtual time (milliseconds since the call started) as m:ss,
// or h:mm:ss past an hour; a negative time, which means "never", as a dash.
// It is the clock of every page and of the console's script (clock.js).
func Clock(t int64) string { return scenarios.FormatClock(t) }

// Stamp is Clock with the minutes padded to two digits (05:03), so the
// lines of a plain-text transcript line up.
func Stamp(t int64) string {
	if t < 0 || t >= 3600_000 {
		return Clock(t)
	}
	s := t / 1000
	return fmt.Sprintf("%02d:%02d", s/60, s%60)
}

// Duration formats a length of time in milliseconds as Clock does (0:45,
// 2:00, 1:05:00), so that durations and moments read alike on every page;
// a negative length, which means "never", as "never".
func Duration(ms int64) string {
	if ms < 0 {
		return "never"
	}
	return Clock(ms)
}
