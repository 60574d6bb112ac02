package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/store"
)

func init() {
	register(command{
		name:    "users",
		summary: "manage accounts (passwd: set a password, signing the user out everywhere)",
		run:     runUsers,
	})
}

// runUsers runs a subcommand on the accounts in the server's database. The
// one subcommand today is passwd. Exit 0: done; 1: refused or failed; 2: usage.
func runUsers(ctx context.Context, args []string, stdio IO) int {
	fs := flag.NewFlagSet("users", flag.ContinueOnError)
	fs.SetOutput(stdio.Stderr)
	data := dataFlag(fs)
	mustChange := fs.Bool("must-change", true, "make the user choose a new password at their next sign-in (an administrator's reset); --must-change=false when they chose this one")
	fs.Usage = func() {
		fmt.Fprintln(stdio.Stderr, "usage: drillroom users passwd [--data DIR] [--must-change=false] USERNAME < FILE")
		fmt.Fprintln(stdio.Stderr, "\nSets USERNAME's password to the first line of standard input and ends every")
		fmt.Fprintln(stdio.Stderr, "login of that user: they sign in again everywhere, and then choose a new")
		fmt.Fprintln(stdio.Stderr, "password (unless --must-change=false). Passwords have 8 characters to 1024")
		fmt.Fprintln(stdio.Stderr, "bytes. Standard input is read as it is: pipe the password in")
		fmt.Fprintf(stdio.Stderr, "(printf '%%s\\n' \"$PASSWORD\" | drillroom users passwd ann) rather than typing\n")
		fmt.Fprintln(stdio.Stderr, "it where it is shown. Safe while the server runs.")
		fs.PrintDefaults()
	}
	args, err := parseFlags(fs, args)
	if err != nil {
		return usageCode(err)
	}
	if len(args) == 0 || args[0] != "passwd" || len(args) != 2 {
		if len(args) > 0 && args[0] != "passwd" {
			fmt.Fprintf(stdio.Stderr, "drillroom users: unknown subcommand %q (the subcommand is: passwd)\n", args[0])
		}
		fs.Usage()
		return 2
	}
	if err := passwd(ctx, *data, args[1], *mustChange, stdio); err != nil {
		fmt.Fprintf(stdio.Stderr, "drillroom users passwd: %v\n", err)
		return 1
	}
	return 0
}

// passwd sets username's password from the first line of stdin; with
// mustChange the user must choose another at their next sign-in.
func passwd(ctx context.Context, data, username string, mustChange bool, stdio IO) error {
	password, err := readPassword(stdio.Stdin)
	if err != nil {
		return err
	}
	st, err := openDatabase(ctx, data, stdio.Stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	u, err := st.UserByUsername(ctx, username)
	if errors.Is(err, drillroom.ErrNotFound) {
		return fmt.Errorf("no user %q", username)
	}
	if err != nil {
		return err
	}
	if err := st.SetPassword(ctx, u.ID, password, mustChange); err != nil {
		return fmt.Errorf("%s: %w", u.Username, err)
	}
	fmt.Fprintf(stdio.Stdout, "password of %s changed; every login of %s has ended\n", u.Username, u.Username)
	if mustChange {
		fmt.Fprintf(stdio.Stdout, "%s must choose a new password at the next sign-in\n", u.Username)
	}
	return nil
}

// readPassword reads one line: the password without its line ending. Input
// with more than one line is refused, since a password has none.
func readPassword(r io.Reader) (string, error) {
	if r == nil {
		return "", errors.New("no password on standard input")
	}
	br := bufio.NewReader(io.LimitReader(r, store.MaxPasswordLen+3))
	line, err := br.ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read the password from standard input: %w", err)
	}
	rest, _ := io.ReadAll(br)
	if strings.TrimSpace(string(rest)) != "" {
		return "", errors.New("standard input has more than one line; give the password alone on one line")
	}
	line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
	if line == "" {
		return "", errors.New("no password on standard input (give it on the first line)")
	}
	return line, nil
}
