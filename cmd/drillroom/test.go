package main

import (
	"context"
	"fmt"
	"regexp"

	"github.com/drillroom/drillroom/drilltest"
	"github.com/drillroom/drillroom/scenarios"
)

const testUsage = `usage: drillroom test [--cover] [--run REGEXP] [-update] PATH...

Runs the tests: section of each *.drill.yaml file (directories are searched
recursively, skipping testdata). Exit 0 all passed, 1 a test failed, 2 usage.`

// runTest loads the given files and directories and runs their scenarios'
// tests: one line per test, then "N passed, M failed". Exit 0 when every
// test passed, 1 when one failed or a file did not load, 2 on usage errors.
func runTest(ctx context.Context, args []string, stdio IO) int {
	fs := newFlagSet("test", stdio.Stderr, testUsage)
	cover := fs.Bool("cover", false, "report which beats, reactions and rules the tests exercised")
	run := fs.String("run", "", "run only tests whose name matches this regular expression")
	update := fs.Bool("update", false, "rewrite golden transcripts instead of comparing them")
	args, err := parseFlags(fs, args)
	if err != nil {
		return usageCode(err)
	}
	if len(args) == 0 {
		fs.Usage()
		return 2
	}
	opts := drilltest.Options{Update: *update}
	if *run != "" {
		re, err := regexp.Compile(*run)
		if err != nil {
			fmt.Fprintf(stdio.Stderr, "drillroom test: --run: %v\n", err)
			return 2
		}
		opts.Run = re
	}
	set, ds := scenarios.LoadPaths(args...)
	code := 0
	for _, d := range ds.Errors() {
		fmt.Fprintln(stdio.Stderr, d.String())
		code = 1
	}
	passed, failed := 0, 0
	var covs []*drilltest.Coverage
	for _, sc := range set.Scenarios {
		if ctx.Err() != nil {
			return 1
		}
		results, cov := drilltest.RunScenario(sc, opts)
		for _, r := range results {
			fmt.Fprintln(stdio.Stdout, r.String())
			if r.Passed {
				passed++
			} else {
				failed++
			}
		}
		covs = append(covs, cov)
	}
	if *cover {
		fmt.Fprintln(stdio.Stdout, "\ncoverage:")
		for _, c := range covs {
			fmt.Fprintln(stdio.Stdout, c.Summary())
			for _, m := range c.Missed() {
				fmt.Fprintf(stdio.Stdout, "  never exercised: %s\n", m)
			}
		}
		fmt.Fprintln(stdio.Stdout)
	}
	fmt.Fprintf(stdio.Stdout, "%d passed, %d failed\n", passed, failed)
	if failed > 0 {
		code = 1
	}
	return code
}
