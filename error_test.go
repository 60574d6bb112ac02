package drillroom_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/drillroom/drillroom"
)

func TestErrorCodes(t *testing.T) {
	cause := errors.New("disk on fire")
	tests := []struct {
		name     string
		err      error
		sentinel error
		code     drillroom.Code
		message  string
	}{
		{"sentinel wrapped", fmt.Errorf("session s1: %w", drillroom.ErrNotFound), drillroom.ErrNotFound, drillroom.CodeNotFound, "not found"},
		{"coded with message", drillroom.Errorf(drillroom.CodeInvalid, "mode %q is not practice or assessment", "exam"), drillroom.ErrInvalid, drillroom.CodeInvalid, `mode "exam" is not practice or assessment`},
		{"cause kept for the log, not shown", &drillroom.Error{Code: drillroom.CodeUnavailable, Message: "store closed", Err: cause}, drillroom.ErrUnavailable, drillroom.CodeUnavailable, "store closed"},
		{"duplicate command is a conflict", fmt.Errorf("append: %w", drillroom.ErrDuplicateCommand), drillroom.ErrConflict, drillroom.CodeConflict, "duplicate command id"},
		{"first code wins", fmt.Errorf("%w: %w", drillroom.ErrUnavailable, drillroom.ErrNotFound), drillroom.ErrUnavailable, drillroom.CodeUnavailable, "temporarily unavailable"},
		{"plain error is internal", fmt.Errorf("query: %w", cause), nil, drillroom.CodeInternal, "internal error"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.sentinel != nil && !errors.Is(tc.err, tc.sentinel) {
				t.Errorf("errors.Is(%v, %v) = false, want true", tc.err, tc.sentinel)
			}
			if got := drillroom.ErrorCode(tc.err); got != tc.code {
				t.Errorf("ErrorCode = %q, want %q", got, tc.code)
			}
			if got := drillroom.ErrorMessage(tc.err); got != tc.message {
				t.Errorf("ErrorMessage = %q, want %q", got, tc.message)
			}
		})
	}
	if errors.Is(drillroom.ErrConflict, drillroom.ErrDuplicateCommand) {
		t.Error("a plain conflict matches ErrDuplicateCommand; only the duplicate itself should")
	}
	if errors.Is(drillroom.Errorf(drillroom.CodeNotFound, "x"), drillroom.ErrInvalid) {
		t.Error("a not-found error matches ErrInvalid")
	}
	if !errors.Is(&drillroom.Error{Code: drillroom.CodeUnavailable, Err: cause}, cause) {
		t.Error("the cause is not reachable with errors.Is")
	}
	if drillroom.ErrorCode(nil) != "" || drillroom.ErrorMessage(nil) != "" {
		t.Error("a nil error has a code or a message")
	}
}
