package store

import "github.com/drillroom/drillroom/store/password"

// Password length limits (package password's, which every backend shares).
const (
	MinPasswordLen = password.MinLen
	MaxPasswordLen = password.MaxLen
)
