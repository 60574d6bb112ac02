package web

import (
	"errors"
	"net/http"

	"github.com/gorilla/websocket"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/runner"
)

// The error vocabulary at the HTTP edge: each code of drillroom's coded
// errors has one status, one socket rejection code and one close code.
// Handlers never choose a status for an error by hand; they call fail (pages)
// or rejectFor / closeFor (the websocket).
var errorEdge = map[drillroom.Code]struct {
	status int
	reject string
	close  int
}{
	drillroom.CodeNotFound:     {http.StatusNotFound, codeForbidden, websocket.ClosePolicyViolation},
	drillroom.CodeForbidden:    {http.StatusForbidden, codeForbidden, websocket.ClosePolicyViolation},
	drillroom.CodeUnauthorized: {http.StatusUnauthorized, codeForbidden, closeUnauthorized},
	drillroom.CodeInvalid:      {http.StatusBadRequest, codeBadAction, websocket.ClosePolicyViolation},
	drillroom.CodeConflict:     {http.StatusConflict, codeRefused, websocket.ClosePolicyViolation},
	drillroom.CodeUnavailable:  {http.StatusServiceUnavailable, codeUnavailable, websocket.CloseInternalServerErr},
	drillroom.CodeLimited:      {http.StatusTooManyRequests, codeRateLimited, websocket.ClosePolicyViolation},
	drillroom.CodeInternal:     {http.StatusInternalServerError, codeUnavailable, websocket.CloseInternalServerErr},
}

// statusFor returns the HTTP status of err and the message a page may show
// for it: the error's safe message, except for a missing (or hidden)
// thing and internal failures, whose pages say only what the status says.
func statusFor(err error) (int, string) {
	code := drillroom.ErrorCode(err)
	e, ok := errorEdge[code]
	if !ok {
		e = errorEdge[drillroom.CodeInternal]
	}
	switch code {
	case drillroom.CodeNotFound, drillroom.CodeInternal:
		return e.status, ""
	}
	return e.status, drillroom.ErrorMessage(err)
}

// fail answers a page request that failed with err: the status and page of
// its code, and a log line with the details (which the page never shows).
func (u *ui) fail(w http.ResponseWriter, r *http.Request, err error) {
	status, msg := u.logFailure(r, err)
	renderError(w, r, u.log, status, msg)
}

// logFailure logs a request that failed with err (an error for a server
// failure, a warning for a refusal, nothing for not found) and returns
// its status and the message the answer may show.
func (u *ui) logFailure(r *http.Request, err error) (int, string) {
	status, msg := statusFor(err)
	switch {
	case status >= 500:
		u.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	case status != http.StatusNotFound:
		u.log.Warn("request refused", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	return status, msg
}

// apiError is the body of a failed JSON request.
type apiError struct {
	Error struct {
		Code    drillroom.Code `json:"code"`
		Message string         `json:"message,omitempty"`
	} `json:"error"`
}

// failJSON answers a JSON request that failed with err: the status of its
// code, and its code and safe message as JSON.
func (u *ui) failJSON(w http.ResponseWriter, r *http.Request, err error) {
	status, msg := u.logFailure(r, err)
	var body apiError
	body.Error.Code, body.Error.Message = drillroom.ErrorCode(err), msg
	if _, ok := errorEdge[body.Error.Code]; !ok {
		body.Error.Code = drillroom.CodeInternal
	}
	writeJSON(w, status, body)
}

// rejectFor returns the protocol's rejection code and reason for a command
// that failed with err.
func rejectFor(err error) (code, reason string) {
	e, ok := errorEdge[drillroom.ErrorCode(err)]
	if !ok {
		e = errorEdge[drillroom.CodeInternal]
	}
	return e.reject, drillroom.ErrorMessage(err)
}

// closeFor returns the close code and text that end a connection whose
// session failed with err (docs/protocol.md lists them): a runner shutting
// down is 1001, a subscriber that fell behind 4008, the rest by code.
func closeFor(err error) (int, string) {
	switch {
	case errors.Is(err, runner.ErrClosed):
		return websocket.CloseGoingAway, "server shutting down"
	case errors.Is(err, runner.ErrSlow):
		return closeSlow, "fell behind; resume from your last seq"
	}
	e, ok := errorEdge[drillroom.ErrorCode(err)]
	if !ok {
		e = errorEdge[drillroom.CodeInternal]
	}
	if e.close == websocket.CloseInternalServerErr {
		return e.close, "session unavailable"
	}
	return e.close, drillroom.ErrorMessage(err)
}
