package main

import (
	"flag"
	"io"
	"reflect"
	"testing"
)

func TestParseFlagsAnywhere(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		pos   []string
		speed float64
		debug bool
	}{
		{"flags first", []string{"--speed", "4", "drill.yaml"}, []string{"drill.yaml"}, 4, false},
		{"flags after the file", []string{"drill.yaml", "--speed", "4", "--debug"}, []string{"drill.yaml"}, 4, true},
		{"flags between files", []string{"a", "--debug", "b", "-speed=2", "c"}, []string{"a", "b", "c"}, 2, true},
		{"after -- nothing is a flag", []string{"a", "--", "--debug"}, []string{"a", "--debug"}, 1, false},
		{"no arguments", nil, nil, 1, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs := flag.NewFlagSet("t", flag.ContinueOnError)
			speed := fs.Float64("speed", 1, "")
			debug := fs.Bool("debug", false, "")
			pos, err := parseFlags(fs, tc.args)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(pos, tc.pos) || *speed != tc.speed || *debug != tc.debug {
				t.Errorf("got %q speed %v debug %v, want %q speed %v debug %v", pos, *speed, *debug, tc.pos, tc.speed, tc.debug)
			}
		})
	}
}

func TestParseFlagsErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
	}{{[]string{"x", "--nope"}, 2}, {[]string{"-h"}, 0}, {[]string{"x", "--speed"}, 2}} {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		fs.Float64("speed", 1, "")
		_, err := parseFlags(fs, tc.args)
		if err == nil {
			t.Fatalf("%q: no error", tc.args)
		}
		if got := usageCode(err); got != tc.code {
			t.Errorf("%q: exit code %d, want %d", tc.args, got, tc.code)
		}
	}
}
