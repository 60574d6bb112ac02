package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// recording.go must be what genrecording makes of storetest.go's Store.
func TestRecordingUpToDate(t *testing.T) {
	dir := filepath.Join("..", "..")
	want, err := recordingSource(filepath.Join(dir, "storetest.go"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(dir, "recording.go"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("recording.go is out of date: run go generate ./store/storetest/")
	}
}

// The generated methods name the method they note and pass every
// argument on, variadic ones spread.
func TestRecordingSource(t *testing.T) {
	file := filepath.Join(t.TempDir(), "store.go")
	err := os.WriteFile(file, []byte(`package storetest

import (
	"context"
	"time"

	"example.com/drill"
)

type Store interface {
	Get(ctx context.Context, id int64) (drill.User, error)
	Many(ctx context.Context, after time.Duration, ids ...int64) error
	Close() error
}
`), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	src, err := recordingSource(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"import (\n\t\"context\"\n\t\"time\"\n\n\t\"example.com/drill\"\n)",
		"func (rec *recording) Get(ctx context.Context, id int64) (drill.User, error) {\n\treturn rec.call(\"Get\").Get(ctx, id)\n}",
		"func (rec *recording) Many(ctx context.Context, after time.Duration, ids ...int64) error {\n\treturn rec.call(\"Many\").Many(ctx, after, ids...)\n}",
		"func (rec *recording) Close() error {\n\treturn rec.call(\"Close\").Close()\n}",
	} {
		if !strings.Contains(string(src), want) {
			t.Errorf("generated source lacks %q:\n%s", want, src)
		}
	}
}
