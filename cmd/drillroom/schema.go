package main

import (
	"context"
	"fmt"

	"github.com/drillroom/drillroom/scenarios"
)

func init() {
	register(command{
		name:    "schema",
		summary: "print the JSON Schema of drill files (or of policy files: schema policy)",
		run:     runSchema,
	})
}

// runSchema prints the draft-07 JSON Schema for drill files, or for policy
// files with "schema policy". Editors use it for autocomplete and hover docs.
func runSchema(ctx context.Context, args []string, stdio IO) int {
	fs := newFlagSet("schema", stdio.Stderr,
		"usage: drillroom schema [drill|policy]",
		"\nPrints the JSON Schema (draft-07) of drill files (default) or policy files.")
	args, err := parseFlags(fs, args)
	if err != nil {
		return usageCode(err)
	}
	kind := "drill"
	switch len(args) {
	case 0:
	case 1:
		kind = args[0]
	default:
		fs.Usage()
		return 2
	}
	out, err := scenarios.Schema(kind)
	if err != nil {
		fmt.Fprintf(stdio.Stderr, "drillroom schema: %v\n", err)
		return 2
	}
	if _, err := stdio.Stdout.Write(out); err != nil {
		return 1
	}
	return 0
}
