package drillroom

import "time"

// Node is one server of several sharing one PostgreSQL database (serve
// --node), as it registers itself: its name, the address the other nodes
// reach it at, and its load (the live sessions whose lease it holds) as of
// its last heartbeat. A node whose heartbeat is older than the lease TTL is
// not live: nothing is placed on it, and its sessions are taken over.
type Node struct {
	Name      string
	Address   string // host:port, for relaying a socket to the node
	Load      int    // live sessions owned, with the sessions placed on it since
	Started   time.Time
	Heartbeat time.Time     // the database's clock
	Silent    time.Duration // since the last heartbeat, on the database's clock (Nodes)
}
