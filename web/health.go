package web

import (
	"context"
	"net/http"
	"time"
)

// healthTimeout bounds the database check, so that a wedged database makes
// /healthz answer 503 promptly instead of hanging the prober.
const healthTimeout = 2 * time.Second

// handleHealth serves GET /healthz: 200 "ok" when the database answers a
// query, 503 otherwise. It reveals nothing else.
func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), healthTimeout)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := s.store.Ping(ctx); err != nil {
		s.log.Warn("health check failed", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("database unavailable\n"))
		return
	}
	w.Write([]byte("ok\n"))
}
