package web

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/gorilla/websocket"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/runner"
)

func TestErrorEdge(t *testing.T) {
	tests := []struct {
		name   string
		err    error
		status int
		msg    string
		reject string
		close  int
	}{
		{"not found hides its message", fmt.Errorf("session s1 for bob: %w", drillroom.ErrNotFound), http.StatusNotFound, "", codeForbidden, websocket.ClosePolicyViolation},
		{"forbidden says why", drillroom.Errorf(drillroom.CodeForbidden, "only a trainer may pause"), http.StatusForbidden, "only a trainer may pause", codeForbidden, websocket.ClosePolicyViolation},
		{"invalid says what", drillroom.Errorf(drillroom.CodeInvalid, "Write a review of up to 8,000 characters."), http.StatusBadRequest, "Write a review of up to 8,000 characters.", codeBadAction, websocket.ClosePolicyViolation},
		{"conflict", drillroom.Errorf(drillroom.CodeConflict, "already in"), http.StatusConflict, "already in", codeRefused, websocket.ClosePolicyViolation},
		{"unavailable", &drillroom.Error{Code: drillroom.CodeUnavailable, Message: "try later", Err: errors.New("disk")}, http.StatusServiceUnavailable, "try later", codeUnavailable, websocket.CloseInternalServerErr},
		{"login ended", drillroom.ErrUnauthorized, http.StatusUnauthorized, "not signed in", codeForbidden, closeUnauthorized},
		{"internal hides its details", errors.New("sql: database is locked"), http.StatusInternalServerError, "", codeUnavailable, websocket.CloseInternalServerErr},
		{"runner shutting down", fmt.Errorf("host: %w", runner.ErrClosed), http.StatusServiceUnavailable, "runner closed", codeUnavailable, websocket.CloseGoingAway},
		{"subscriber fell behind", runner.ErrSlow, http.StatusInternalServerError, "", codeUnavailable, closeSlow},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if status, msg := statusFor(tc.err); status != tc.status || msg != tc.msg {
				t.Errorf("statusFor = %d %q, want %d %q", status, msg, tc.status, tc.msg)
			}
			if code, _ := rejectFor(tc.err); code != tc.reject {
				t.Errorf("rejectFor = %q, want %q", code, tc.reject)
			}
			if code, _ := closeFor(tc.err); code != tc.close {
				t.Errorf("closeFor = %d, want %d", code, tc.close)
			}
		})
	}
	for code := range map[drillroom.Code]bool{drillroom.CodeNotFound: true, drillroom.CodeConflict: true, drillroom.CodeForbidden: true,
		drillroom.CodeInvalid: true, drillroom.CodeUnavailable: true, drillroom.CodeUnauthorized: true, drillroom.CodeInternal: true} {
		if _, ok := errorEdge[code]; !ok {
			t.Errorf("code %q has no status, rejection or close code", code)
		}
	}
}
