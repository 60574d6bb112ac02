package storetest

import (
	"reflect"
	"slices"
	"testing"
)

// CheckContract fails t if store (a backend's *Store) has an exported
// method that is neither in Store nor in only, the backend's own methods
// with the reason each is outside the contract; if a method is in both;
// or if only names a method the store no longer has. So a backend cannot
// gain a method another backend would miss.
func CheckContract(t *testing.T, store any, only map[string]string) {
	t.Helper()
	contract := Methods()
	typ := reflect.TypeOf(store)
	for i := range typ.NumMethod() {
		name := typ.Method(i).Name
		_, own := only[name]
		in := slices.Contains(contract, name)
		switch {
		case in && own:
			t.Errorf("method %s is both in storetest.Store and in the backend's own methods; pick one", name)
		case !in && !own:
			t.Errorf("exported method (%s).%s is neither in storetest.Store nor in the backend's own methods: add it to the conformance suite, or say there why only this backend has it", typ, name)
		}
	}
	for name := range only {
		if _, ok := typ.MethodByName(name); !ok {
			t.Errorf("the backend's own methods name %s, which %s no longer has", name, typ)
		}
	}
}

// Closed closes s at t's cleanup, and fails t if that fails.
func Closed(t testing.TB, s interface{ Close() error }) {
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
}
