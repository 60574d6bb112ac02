// Command drillroom is the one binary: the server and the authoring tools.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"syscall"
)

// IO is what a subcommand reads and writes.
type IO struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
}

// command is one subcommand. run returns the exit code: 0 success, 1
// failure (invalid input, failed tests), 2 usage error.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdio IO) int
}

// commands are all the subcommands, in the order help lists them; each
// one's run function is in the file named after it.
var commands = []command{
	{name: "backup", summary: "copy the server's database to a new file, online", run: runBackup},
	{name: "explain", summary: "explain why one rubric rule scored as it did on a recorded log", run: runExplain},
	{name: "intents", summary: "measure the intent recogniser on a labelled corpus (eval) or say how it reads a line (explain)", run: runIntents},
	{name: "migrate", summary: "copy an installation from SQLite to PostgreSQL, verified table by table", run: runMigrate},
	{name: "nodes", summary: "list the nodes of a deployment of several on PostgreSQL: addresses, loads, heartbeats", run: runNodes},
	{name: "play", summary: "play a drill in the terminal (real time, --speed N, or --script FILE)", run: runPlay},
	{name: "report", summary: "report on scored sessions (rules: each rule's failure rate)", run: runReport},
	{name: "schema", summary: "print the JSON Schema of drill files (or of policy files: schema policy)", run: runSchema},
	{name: "score", summary: "score a recorded event log with a scenario's rubric", run: runScore},
	{name: "seed", summary: "fill a database with scripted trainees' scored sessions of the library, for demos and benchmarks", run: runSeed},
	{name: "serve", summary: "serve live drills in the browser (--demo: zero set-up demo)", run: runServe},
	{name: "test", summary: "run the tests: of scenario files (scripted runs, random walks, golden transcripts)", run: runTest},
	{name: "user", summary: "manage accounts: add, list, disable, enable, reset-password, passwd", run: runUsers},
	{name: "users", summary: "the same as user", run: runUsers},
	{name: "validate", summary: "check scenario and policy files and report every problem", run: runValidate},
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := Main(ctx, os.Args[1:], IO{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr})
	stop()
	os.Exit(code)
}

// Main runs the program with args (without the program name).
func Main(ctx context.Context, args []string, stdio IO) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stdio.Stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	i := slices.IndexFunc(commands, func(c command) bool { return c.name == args[0] })
	if i < 0 {
		fmt.Fprintf(stdio.Stderr, "drillroom: unknown command %q\n\n", args[0])
		usage(stdio.Stderr)
		return 2
	}
	return commands[i].run(ctx, args[1:], stdio)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: drillroom COMMAND [flags] [args]")
	fmt.Fprintln(w, "\ncommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'drillroom COMMAND -h' for a command's flags.")
}

// newFlagSet returns the flag set of subcommand name. It reports errors to
// stderr, and its usage (for -h and misuse) prints the lines of usage, then
// the flags.
func newFlagSet(name string, stderr io.Writer, usage ...string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		for _, l := range usage {
			fmt.Fprintln(stderr, l)
		}
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses fs's flags wherever they stand among args, so that
// "play FILE --speed 4" and "play --speed 4 FILE" mean the same, and returns
// the other arguments in order. Anything after "--" is an argument.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if i := len(args) - len(rest) - 1; i >= 0 && args[i] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// formatFlag adds the --format flag of a command that writes text or JSON.
func formatFlag(fs *flag.FlagSet) *string {
	return fs.String("format", "text", "output format: text or json")
}

// parseFormatFlags is parseFlags for a command with a --format of text or
// json: it returns the positional arguments, or the exit code (>= 0) of a
// usage error, which it reports on stderr.
func parseFormatFlags(fs *flag.FlagSet, args []string, format *string, stderr io.Writer) ([]string, int) {
	args, err := parseFlags(fs, args)
	if err != nil {
		return nil, usageCode(err)
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(stderr, "drillroom %s: unknown format %q (text or json)\n", fs.Name(), *format)
		return nil, 2
	}
	return args, -1
}

// usageCode is the exit code for a flag parsing error: 0 after -h, else 2.
func usageCode(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	return 2
}
