package drillroom

import "crypto/sha256"

// LoginHash is a login token as it is kept out of the browser: the stores
// keep only this, and the nodes of a deployment name an ended login by it
// (Signout).
func LoginHash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// Signout says that logins ended, so that every node of a deployment
// closes their websockets at once: one login (Login, its LoginHash), or
// every login of a user (UserID: the account was disabled or its password
// set).
type Signout struct {
	Login  []byte
	UserID int64
}
