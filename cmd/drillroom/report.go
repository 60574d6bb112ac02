package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/drillroom/drillroom"
)

const reportUsage = `usage: drillroom report rules [--data DIR | --db URL] [--scenario ID]

Prints each rule's failure rate across the scored sessions, most failed
first, counting each session's newest scoring. A rule fails when its outcome
is fail or error; sessions where it was not applicable or awaits a coach
are not counted. Safe while the server runs.`

// runReport prints a report read from the server's database. The one report
// today is "rules": each rule's failure rate across the scored sessions,
// most failed first. Exit 0: printed; 1: the database could not be read;
// 2: usage.
func runReport(ctx context.Context, args []string, stdio IO) int {
	fs := newFlagSet("report", stdio.Stderr, reportUsage)
	data := dataFlag(fs)
	scenario := fs.String("scenario", "", "only the rules of this scenario id")
	args, err := parseFlags(fs, args)
	if err != nil {
		return usageCode(err)
	}
	if len(args) != 1 || args[0] != "rules" {
		if len(args) == 1 {
			fmt.Fprintf(stdio.Stderr, "drillroom report: unknown report %q (the report is: rules)\n", args[0])
		}
		fs.Usage()
		return 2
	}
	st, err := openDatabase(ctx, *data, stdio.Stderr)
	if err != nil {
		fmt.Fprintf(stdio.Stderr, "drillroom report: %v\n", err)
		return 1
	}
	defer st.Close()
	rates, err := st.RuleFailureRates(ctx, *scenario)
	if err != nil {
		fmt.Fprintf(stdio.Stderr, "drillroom report: %v\n", err)
		return 1
	}
	if len(rates) == 0 {
		if *scenario != "" {
			fmt.Fprintf(stdio.Stdout, "no scored sessions of scenario %s\n", *scenario)
		} else {
			fmt.Fprintln(stdio.Stdout, "no scored sessions")
		}
		return 0
	}
	if err := writeRuleRates(stdio, rates); err != nil {
		fmt.Fprintf(stdio.Stderr, "drillroom report: %v\n", err)
		return 1
	}
	return 0
}

// writeRuleRates prints one line per rule: its failure rate, failures of
// scored sessions, scenario, rule id, critical level and title.
func writeRuleRates(stdio IO, rates []drillroom.RuleFailureRate) error {
	tw := tabwriter.NewWriter(stdio.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "RATE\tFAILED\tSCENARIO\tRULE\tCRITICAL\tTITLE")
	for _, r := range rates {
		critical := r.Critical
		if critical == "" {
			critical = "-"
		}
		rate := "-" // never scored: not applicable or awaiting a coach everywhere
		if r.Scored > 0 {
			rate = fmt.Sprintf("%.1f%%", 100*r.Rate())
		}
		fmt.Fprintf(tw, "%s\t%d of %d\t%s\t%s\t%s\t%s\n", rate, r.Failed, r.Scored, r.ScenarioID, r.RuleID, critical, r.Title)
	}
	return tw.Flush()
}
