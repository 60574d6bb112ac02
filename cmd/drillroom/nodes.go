package main

import (
	"context"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/drillroom/drillroom/store/postgres"
)

const nodesUsage = `usage: drillroom nodes [--db URL] [--lease-ttl D]

Lists the nodes of a deployment of several (serve --node) on the PostgreSQL
database: each node's name, the address the others relay sockets to, its
load (the live sessions it holds, new sessions go to the least loaded), when
it started, and how long ago its last heartbeat was. A node silent for
longer than the lease TTL is not live: nothing is placed on it, and its
sessions are taken over. Safe while the servers run.`

// runNodes prints the node registry. Exit 0: printed; 1: the database could
// not be read, or is SQLite (one node); 2: usage.
func runNodes(ctx context.Context, args []string, stdio IO) int {
	fs := newFlagSet("nodes", stdio.Stderr, nodesUsage)
	where := dataFlag(fs)
	ttl := fs.Duration("lease-ttl", 10*time.Second, "the nodes' --lease-ttl: a node silent for longer is not live")
	args, err := parseFlags(fs, args)
	if err != nil {
		return usageCode(err)
	}
	if len(args) > 0 || *ttl <= 0 {
		fs.Usage()
		return 2
	}
	if !isPostgres(where.db) {
		fmt.Fprintln(stdio.Stderr, "drillroom nodes: several nodes share a PostgreSQL database (--db or $"+envDatabaseURL+"); on SQLite there is one server")
		return 1
	}
	st, err := openDatabase(ctx, *where, stdio.Stderr)
	if err != nil {
		fmt.Fprintf(stdio.Stderr, "drillroom nodes: %v\n", err)
		return 1
	}
	defer st.Close()
	nodes, err := st.(*postgres.Store).Nodes(ctx)
	if err != nil {
		fmt.Fprintf(stdio.Stderr, "drillroom nodes: %v\n", err)
		return 1
	}
	if len(nodes) == 0 {
		fmt.Fprintln(stdio.Stdout, "no nodes registered (start servers with serve --node)")
		return 0
	}
	tw := tabwriter.NewWriter(stdio.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NODE\tADDRESS\tLOAD\tSTARTED\tHEARTBEAT\tSTATE")
	for _, n := range nodes {
		state := "live"
		if n.Silent > *ttl {
			state = "silent"
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s ago\t%s\n", n.Name, n.Address, n.Load, n.Started.UTC().Format(time.RFC3339),
			n.Silent.Round(100*time.Millisecond), state)
	}
	if err := tw.Flush(); err != nil {
		fmt.Fprintf(stdio.Stderr, "drillroom nodes: %v\n", err)
		return 1
	}
	return 0
}
