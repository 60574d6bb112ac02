package storetest

import (
	"sync"
)

// recorder notes which methods of Store the suite called, on any of the
// stores it opened, so Run can fail when a method has no test.
type recorder struct {
	mu     sync.Mutex
	called map[string]bool
}

func newRecorder() *recorder { return &recorder{called: map[string]bool{}} }

func (r *recorder) note(method string) {
	r.mu.Lock()
	r.called[method] = true
	r.mu.Unlock()
}

// uncalled returns the methods of Store never called, sorted.
func (r *recorder) uncalled() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, m := range Methods() {
		if !r.called[m] {
			out = append(out, m)
		}
	}
	return out
}

func (r *recorder) wrap(s Store) Store { return &recording{s: s, r: r} }

// recording is a Store that notes each call and passes it on unchanged.
// Its methods are in recording.go, which go generate makes from Store.
//
//go:generate go run ./internal/genrecording
type recording struct {
	s Store
	r *recorder
}

// call notes a call of method and returns the store to make it on.
func (x *recording) call(method string) Store {
	x.r.note(method)
	return x.s
}
