package simulator

import "strconv"

// spoken says a duration as a person on the radio would: "about 25
// minutes", "about 1 hour 10 minutes", "45 seconds". The cast's default
// lines use it, so no line the trainee reads says "ETA 25m".
func spoken(ms Millis) string {
	if ms < 0 {
		ms = 0
	}
	sec := (ms + 500) / 1000
	if sec < 60 {
		return plural(sec, "second")
	}
	min := (sec + 30) / 60
	if min < 60 {
		return "about " + plural(min, "minute")
	}
	h, m := min/60, min%60
	if m == 0 {
		return "about " + plural(h, "hour")
	}
	return "about " + plural(h, "hour") + " " + plural(m, "minute")
}

func plural(n int64, unit string) string {
	s := strconv.FormatInt(n, 10) + " " + unit
	if n != 1 {
		s += "s"
	}
	return s
}

// lower puts a label into the middle of a sentence: "Goodwill payment"
// reads "goodwill payment". A label that starts with an acronym (a word
// whose second letter is a capital too) keeps its case.
func lower(label string) string {
	if len(label) < 2 || label[0] < 'A' || label[0] > 'Z' || (label[1] >= 'A' && label[1] <= 'Z') {
		return label
	}
	return string(label[0]+'a'-'A') + label[1:]
}
