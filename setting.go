package drillroom

import "time"

// Setting is one of the organisation's settings, chosen by an
// administrator and kept in the database, so every node serves with the
// same value and a restart changes nothing. Who changed it, and when, is
// recorded with it (and in the audit log).
type Setting struct {
	Key       string
	Value     string
	UpdatedBy int64 // 0: the command line
	UpdatedAt time.Time
}

// The organisation's settings.
const (
	// SettingRequireApproval is "true" when publishing a drill needs a
	// second trainer's approval, "false" when it does not. Unset, the
	// server's --require-approval flag decides.
	SettingRequireApproval = "publishing.require_approval"
)

// The limits of a setting.
const (
	MaxSettingKey   = 100
	MaxSettingValue = 4096
)
