package scoring

// kpis computes the scorecard's KPIs from the facts.
func (s *session) kpis() KPIs {
	f := s.f
	var k KPIs
	call := f.end.T - f.start.T
	var hold int64
	for _, h := range f.holds {
		hold += h.To.T - h.From.T
	}
	k.HoldTime = secs(hold)
	k.TalkTime = secs(call - hold)
	if r, ok := f.wrapUpEnd(); ok {
		k.WrapUp = secs(r.T - f.end.T)
	}
	k.HandlingTime = k.TalkTime + k.HoldTime + k.WrapUp
	fcr, _, err := f.firstContact(s.env)
	k.FirstContactResolution = fcr && err == nil
	k.CSAT = csatFromMood(f.mood)
	k.TimeToClassify, _ = f.classifiedAt()
	k.TimeToFirstEscalation, _ = f.firstEscalation()
	k.LongestSilence, _ = f.longestGap("call")
	return k
}

// wrapUpEnd is where the after-call work ended: the trainee's wrap_up
// action, else (a trainee who went straight to the debrief, or a log from
// before wrap-up had its own step) the review, else the moment they left
// the desk during wrap-up and did not come back. ok is false while none
// has come, or for a call that never ended. The wrap-up clock stands still
// while the trainee is away from the desk, so a review written after they
// left is stamped at the moment they left.
func (f *facts) wrapUpEnd() (ref, bool) {
	switch {
	case !f.ended:
		return ref{}, false
	case f.wrapped:
		return f.wrapRef, true
	case f.reviewed:
		return f.review, true
	case f.leftOpen:
		return f.leftWrap, true
	}
	return ref{}, false
}
