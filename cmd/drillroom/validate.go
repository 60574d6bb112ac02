package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/drillroom/drillroom/scenarios"
	"github.com/drillroom/drillroom/simulator"
)

const validateUsage = `usage: drillroom validate [--format text|json] [-q] PATH...

Checks *.drill.yaml and *.policy.yaml files (directories are searched
recursively, skipping testdata). Exit 0 valid, 1 invalid, 2 usage.`

// runValidate loads the given files and directories (recursing into
// *.drill.yaml and *.policy.yaml, skipping testdata) with the shipped
// policies, and prints every diagnostic. Exit 0: no errors (warnings are
// printed); 1: errors; 2: usage.
func runValidate(ctx context.Context, args []string, stdio IO) int {
	fs := newFlagSet("validate", stdio.Stderr, validateUsage)
	format := formatFlag(fs)
	quiet := fs.Bool("q", false, "print nothing when there are no problems")
	args, code := parseFormatFlags(fs, args, format, stdio.Stderr)
	if code >= 0 {
		return code
	}
	if len(args) == 0 {
		fs.Usage()
		return 2
	}
	set, ds := scenarios.LoadPaths(args...)
	if ctx.Err() != nil {
		return 1
	}
	ds = append(ds, intentLints(set)...)
	if err := writeDiagnostics(stdio.Stdout, ds, *format); err != nil {
		fmt.Fprintf(stdio.Stderr, "drillroom validate: %v\n", err)
		return 1
	}
	if *format == "text" && !*quiet {
		errs := len(ds.Errors())
		switch {
		case errs > 0:
			fmt.Fprintf(stdio.Stderr, "%d error(s), %d warning(s)\n", errs, len(ds)-errs)
		default:
			fmt.Fprintf(stdio.Stderr, "ok: %d scenario(s), %d policy file(s), %d warning(s)\n", len(set.Scenarios), len(set.Policies), len(ds))
		}
	}
	if ds.HasErrors() {
		return 1
	}
	return 0
}

// intentLints are the warnings of each drill's intent recogniser, each
// once (a policy's examples are checked with every drill that uses it).
func intentLints(set *scenarios.Set) scenarios.Diagnostics {
	var out scenarios.Diagnostics
	seen := map[string]bool{}
	for _, sc := range set.Scenarios {
		d, err := simulator.Prepare(sc)
		if err != nil {
			continue // the loader has reported why
		}
		for _, x := range d.IntentLints() {
			if k := x.String(); !seen[k] {
				seen[k] = true
				out = append(out, x)
			}
		}
	}
	return out
}

func writeDiagnostics(w io.Writer, ds scenarios.Diagnostics, format string) error {
	if format == "json" {
		if ds == nil {
			ds = scenarios.Diagnostics{}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(ds)
	}
	return ds.Write(w)
}
