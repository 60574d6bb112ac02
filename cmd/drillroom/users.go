package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/store"
	"github.com/drillroom/drillroom/training"
)

const userUsage = `usage: drillroom user SUBCOMMAND [--data DIR | --db URL] [flags] [USERNAME]

  add USERNAME --role ROLE [--name NAME] [--admin] [--cohort NAME]... [--password-stdin]
      create an account; without --password-stdin a password is generated,
      printed once, and must be changed at the first sign-in
  list [--role ROLE]
      every account, with its role, flags and cohorts
  disable USERNAME / enable USERNAME
      a disabled account cannot sign in (its logins end); its work is kept
  reset-password USERNAME
      a generated password, printed once, to be changed at the next sign-in
  passwd USERNAME [--must-change=false] < FILE
      set the password to the first line of standard input

Every change is in the audit log as made by "cli". The commands work on the
server's database (serve --data DIR, or the PostgreSQL database of --db or
$DRILLROOM_DATABASE_URL) and are safe while the server runs.
Pipe passwords in (printf '%s\n' "$PASSWORD" | drillroom user passwd ann)
rather than typing them where they are shown.`

// cohortList is a repeatable --cohort flag.
type cohortList []string

func (c *cohortList) String() string     { return strings.Join(*c, ";") }
func (c *cohortList) Set(v string) error { *c = append(*c, v); return nil }

// runUsers runs a subcommand on the accounts in the server's database.
// Exit 0: done; 1: refused or failed; 2: usage.
func runUsers(ctx context.Context, args []string, stdio IO) int {
	fs := newFlagSet("user", stdio.Stderr, userUsage)
	data := dataFlag(fs)
	mustChange := fs.Bool("must-change", true, "passwd: make the user choose a new password at their next sign-in; --must-change=false when they chose this one")
	role := fs.String("role", "", "add: trainee, trainer or coach; list: only this role")
	name := fs.String("name", "", "add: the display name (default: the username)")
	admin := fs.Bool("admin", false, "add: an administrator (a trainer or coach who runs accounts and cohorts)")
	pwStdin := fs.Bool("password-stdin", false, "add: read the password from the first line of standard input (the user chose it: no change forced)")
	var cohorts cohortList
	fs.Var(&cohorts, "cohort", "add: a cohort to put the user in, created if new (repeat for several)")
	args, err := parseFlags(fs, args)
	if err != nil {
		return usageCode(err)
	}
	subs := map[string]int{"add": 2, "list": 1, "disable": 2, "enable": 2, "reset-password": 2, "passwd": 2}
	if len(args) == 0 || subs[args[0]] != len(args) {
		if len(args) > 0 && subs[args[0]] == 0 {
			fmt.Fprintf(stdio.Stderr, "drillroom user: unknown subcommand %q\n", args[0])
		}
		fs.Usage()
		return 2
	}
	if args[0] == "passwd" {
		err = passwd(ctx, *data, args[1], *mustChange, stdio)
	} else {
		err = manageUsers(ctx, *data, args, userOptions{role: drillroom.Role(*role), name: *name, admin: *admin,
			passwordStdin: *pwStdin, cohorts: cohorts}, stdio)
	}
	if err != nil {
		fmt.Fprintf(stdio.Stderr, "drillroom user %s: %v\n", args[0], err)
		return 1
	}
	return 0
}

type userOptions struct {
	role          drillroom.Role
	name          string
	admin         bool
	passwordStdin bool
	cohorts       []string
}

// manageUsers runs add, list, disable, enable and reset-password through
// the administration use cases, as the command line.
func manageUsers(ctx context.Context, data location, args []string, o userOptions, stdio IO) error {
	var password string
	if args[0] == "add" && o.passwordStdin {
		var err error
		if password, err = readPassword(stdio.Stdin); err != nil {
			return err
		}
	}
	st, err := openDatabase(ctx, data, stdio.Stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	acc := training.NewAccounts(st, nil)
	cli := training.Actor{User: training.CommandLine}
	switch args[0] {
	case "add":
		if o.role == "" {
			return errors.New("give the role with --role trainee, trainer or coach")
		}
		u, generated, err := acc.CreateUser(ctx, cli, drillroom.NewUser{Username: args[1], DisplayName: o.name, Role: o.role,
			Admin: o.admin, Password: password, MustChangePassword: password == "", Cohorts: o.cohorts})
		if err != nil {
			return errors.New(drillroom.ErrorMessage(err))
		}
		what := string(u.Role)
		if u.Admin {
			what += ", administrator"
		}
		fmt.Fprintf(stdio.Stdout, "created %s (%s)\n", u.Username, what)
		if password == "" {
			fmt.Fprintf(stdio.Stdout, "password: %s\n(shown once; %s must choose a new one at the first sign-in)\n", generated, u.Username)
		}
	case "list":
		if o.role != "" && !o.role.Valid() {
			return fmt.Errorf("role %q: want trainee, trainer or coach", o.role)
		}
		us, err := st.ListUsers(ctx, o.role)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdio.Stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "USERNAME\tROLE\tFLAGS\tCOHORTS\tNAME")
		for _, u := range us {
			cs, err := st.UserCohorts(ctx, u.ID)
			if err != nil {
				return err
			}
			var names []string
			for _, c := range cs {
				names = append(names, c.Name)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", u.Username, u.Role, userFlags(u), orDash(strings.Join(names, "; ")), u.DisplayName)
		}
		return tw.Flush()
	case "disable", "enable":
		u, err := userByName(ctx, st, args[1])
		if err != nil {
			return err
		}
		if _, err := acc.SetDisabled(ctx, cli, u.ID, args[0] == "disable"); err != nil {
			return errors.New(drillroom.ErrorMessage(err))
		}
		fmt.Fprintf(stdio.Stdout, "%sd %s\n", args[0], u.Username)
	case "reset-password":
		u, err := userByName(ctx, st, args[1])
		if err != nil {
			return err
		}
		_, pw, err := acc.ResetPassword(ctx, cli, u.ID)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdio.Stdout, "password of %s: %s\n(shown once; every login of %s has ended; they choose a new one at the next sign-in)\n", u.Username, pw, u.Username)
	}
	return nil
}

func userFlags(u drillroom.User) string {
	var fl []string
	if u.Admin {
		fl = append(fl, "admin")
	}
	if u.Disabled {
		fl = append(fl, "disabled")
	}
	if u.MustChangePassword {
		fl = append(fl, "must-change-password")
	}
	return orDash(strings.Join(fl, ","))
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// passwd sets username's password from the first line of stdin; with
// mustChange the user must choose another at their next sign-in.
func passwd(ctx context.Context, data location, username string, mustChange bool, stdio IO) error {
	password, err := readPassword(stdio.Stdin)
	if err != nil {
		return err
	}
	st, err := openDatabase(ctx, data, stdio.Stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	u, err := userByName(ctx, st, username)
	if err != nil {
		return err
	}
	if _, err := training.NewAccounts(st, nil).SetPassword(ctx, training.Actor{User: training.CommandLine}, u.ID, password, mustChange); err != nil {
		return fmt.Errorf("%s: %w", u.Username, err)
	}
	fmt.Fprintf(stdio.Stdout, "password of %s changed; every login of %s has ended\n", u.Username, u.Username)
	if mustChange {
		fmt.Fprintf(stdio.Stdout, "%s must choose a new password at the next sign-in\n", u.Username)
	}
	return nil
}

// userByName looks an account up by its username; a username no account
// has is an error that names it.
func userByName(ctx context.Context, st database, username string) (drillroom.User, error) {
	u, err := st.UserByUsername(ctx, username)
	if errors.Is(err, drillroom.ErrNotFound) {
		return u, fmt.Errorf("no user %q", username)
	}
	return u, err
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
