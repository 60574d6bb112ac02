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
	if f.reviewed && f.review.T > f.end.T {
		k.WrapUp = secs(f.review.T - f.end.T)
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
