package transcript

import "testing"

func TestClock(t *testing.T) {
	for _, tc := range []struct {
		ms           int64
		clock, stamp string
	}{
		{0, "0:00", "00:00"},
		{999, "0:00", "00:00"},
		{5_000, "0:05", "00:05"},
		{65_000, "1:05", "01:05"},
		{26*60_000 + 49_000, "26:49", "26:49"},
		{3_599_000, "59:59", "59:59"},
		{3_600_000, "1:00:00", "1:00:00"},
		{3_723_000, "1:02:03", "1:02:03"},
		{-1, "–", "–"},
	} {
		if got := Clock(tc.ms); got != tc.clock {
			t.Errorf("Clock(%d) = %q, want %q", tc.ms, got, tc.clock)
		}
		if got := Stamp(tc.ms); got != tc.stamp {
			t.Errorf("Stamp(%d) = %q, want %q", tc.ms, got, tc.stamp)
		}
	}
}
