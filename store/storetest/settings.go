package storetest

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/drillroom/drillroom"
)

// testSettings: a setting never set is not found; setting it records the
// value, who and when; setting it again replaces all three; the command
// line sets it as nobody (0); an unknown user, an empty or long key and a
// long value are refused and change nothing.
func testSettings(t *testing.T, s Store, clock *Clock) {
	ctx := context.Background()
	key := drillroom.SettingRequireApproval
	if _, err := s.Setting(ctx, key); !errors.Is(err, drillroom.ErrNotFound) {
		t.Errorf("Setting before it is set: %v, want drillroom.ErrNotFound", err)
	}
	ada := NewFixture(t, s, "ada").User
	first := clock.Now()
	put, err := s.PutSetting(ctx, drillroom.Setting{Key: key, Value: "true", UpdatedBy: ada.ID})
	if err != nil || put.Value != "true" || put.UpdatedBy != ada.ID || !put.UpdatedAt.Equal(first) {
		t.Fatalf("PutSetting: got %+v, %v; want true by ada at %v", put, err, first)
	}
	if got, err := s.Setting(ctx, key); err != nil || got.Key != key || got.Value != "true" || got.UpdatedBy != ada.ID || !got.UpdatedAt.Equal(first) {
		t.Errorf("Setting: got %+v, %v; want true by ada at %v", got, err, first)
	}
	clock.Advance(time.Minute)
	if _, err := s.PutSetting(ctx, drillroom.Setting{Key: key, Value: "false"}); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Setting(ctx, key); err != nil || got.Value != "false" || got.UpdatedBy != 0 || !got.UpdatedAt.Equal(first.Add(time.Minute)) {
		t.Errorf("Setting after the command line's change: got %+v, %v; want false by nobody a minute later", got, err)
	}
	checkWrites(t, "PutSetting with ", s.PutSetting, []writeCase[drillroom.Setting]{
		{"an unknown user", drillroom.Setting{Key: key, Value: "true", UpdatedBy: 99999}, drillroom.ErrNotFound},
		{"no key", drillroom.Setting{Value: "true"}, drillroom.ErrInvalid},
		{"a long key", drillroom.Setting{Key: strings.Repeat("k", drillroom.MaxSettingKey+1), Value: "true"}, drillroom.ErrInvalid},
		{"a long value", drillroom.Setting{Key: key, Value: strings.Repeat("v", drillroom.MaxSettingValue+1)}, drillroom.ErrInvalid},
	})
	if got, err := s.Setting(ctx, key); err != nil || got.Value != "false" {
		t.Errorf("Setting after refused writes: got %+v, %v; want false unchanged", got, err)
	}
}
