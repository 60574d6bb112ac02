package drillroom

import (
	"errors"
	"fmt"
)

// Code classifies an error for the edges: the web layer turns it into an HTTP
// status, a socket rejection or a close code, the CLI into a message and an
// exit status. Anything without a code is internal.
type Code string

// The error codes.
const (
	CodeNotFound     Code = "not_found"    // the thing asked for does not exist (or may not be seen)
	CodeConflict     Code = "conflict"     // the request contradicts what is stored
	CodeForbidden    Code = "forbidden"    // the actor may not do this
	CodeInvalid      Code = "invalid"      // the input is wrong; the message says what and where
	CodeUnavailable  Code = "unavailable"  // a dependency failed or is shutting down; retry later
	CodeUnauthorized Code = "unauthorized" // wrong credentials, or an unknown or expired login
	CodeLimited      Code = "limited"      // a quota or rate limit was reached; the message says which
	CodeInternal     Code = "internal"     // a bug or an unexpected failure; details are only logged
)

// Error is an error with a code and a message that is safe to show the user.
// Wrap the cause in Err for logs; it is never shown.
type Error struct {
	Code    Code
	Message string
	Err     error
}

// The sentinels: test with errors.Is(err, drillroom.ErrNotFound). An *Error
// of the same code matches its sentinel whatever its message.
var (
	ErrNotFound     = &Error{Code: CodeNotFound}
	ErrConflict     = &Error{Code: CodeConflict}
	ErrForbidden    = &Error{Code: CodeForbidden}
	ErrInvalid      = &Error{Code: CodeInvalid}
	ErrUnavailable  = &Error{Code: CodeUnavailable}
	ErrUnauthorized = &Error{Code: CodeUnauthorized}
	ErrLimited      = &Error{Code: CodeLimited}
)

// ErrDuplicateCommand is the conflict of a command id already stored for a
// session: the command was applied before, and its stored result is the answer.
var ErrDuplicateCommand = &Error{Code: CodeConflict, Message: "duplicate command id"}

// Errorf returns an *Error with code and a safe message.
func Errorf(code Code, format string, args ...any) error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

func (e *Error) Error() string {
	msg := e.Message
	if msg == "" {
		msg = defaultMessage(e.Code)
	}
	if e.Err != nil {
		return msg + ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// Is makes every *Error of a code match that code's sentinel, and
// ErrDuplicateCommand match only itself (and ErrConflict).
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	if !ok {
		return false
	}
	if t == e {
		return true
	}
	return t.Code == e.Code && t.Message == "" && t.Err == nil
}

// ErrorCode returns the code of the first *Error in err's chain, CodeInternal
// if there is none, and "" for a nil error.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// ErrorMessage returns the safe message of the first *Error in err's chain:
// its Message, or a generic sentence for its code. Internal errors get a
// generic sentence: their details are for the log only.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) && e.Message != "" {
		return e.Message
	}
	return defaultMessage(ErrorCode(err))
}

func defaultMessage(c Code) string {
	switch c {
	case CodeNotFound:
		return "not found"
	case CodeConflict:
		return "conflict"
	case CodeForbidden:
		return "not allowed"
	case CodeInvalid:
		return "invalid input"
	case CodeUnavailable:
		return "temporarily unavailable"
	case CodeUnauthorized:
		return "not signed in"
	case CodeLimited:
		return "limit reached; try again later"
	}
	return "internal error"
}
