package store

import "github.com/drillroom/drillroom/store/password"

// Password length limits (package password's, which every backend shares).
const (
	MinPasswordLen = password.MinLen
	MaxPasswordLen = password.MaxLen
)

// hasher is the shared argon2id hasher: a hash written here verifies in
// every backend, so drillroom migrate copies hashes as they are.
type hasher = password.Hasher

func defaultHasher() *hasher { return password.New(password.Default) }
