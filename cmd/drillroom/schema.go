package main

import (
	"context"
	"fmt"

	"github.com/drillroom/drillroom/scenarios"
)

const schemaUsage = `usage: drillroom schema [drill|policy]

Prints the JSON Schema (draft-07) of drill files (default) or policy files.`

// runSchema prints the draft-07 JSON Schema for drill files, or for policy
// files with "schema policy". Editors use it for autocomplete and hover docs.
func runSchema(ctx context.Context, args []string, stdio IO) int {
	fs := newFlagSet("schema", stdio.Stderr, schemaUsage)
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
