// Package postgrestest gives tests a PostgreSQL database of their own.
//
// DRILLROOM_TEST_POSTGRES says where PostgreSQL is:
//
//   - unset: the tests that need it skip, saying how to run them;
//   - a postgres:// URL of a server where that user may create databases
//     (CI exports the throwaway cluster's);
//   - "start": the first test that needs it starts a throwaway cluster
//     (initdb, as the unprivileged user nobody when run as root) in a
//     temporary directory, on a Unix socket there; Main stops it.
//
// Set, it is required: a server that cannot be reached fails the tests.
package postgrestest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5"
)

// Env names the variable that configures the tests' PostgreSQL.
const Env = "DRILLROOM_TEST_POSTGRES"

var (
	once     sync.Once
	base     string // the server's URL (its postgres database)
	startErr error
	cluster  string // the throwaway cluster's directory, if this process started one
)

// Main runs the tests and then stops a cluster that URL started. Call it
// from TestMain: os.Exit(postgrestest.Main(m)).
func Main(m *testing.M) int {
	code := m.Run()
	if cluster != "" {
		if err := stop(cluster); err != nil {
			fmt.Fprintf(os.Stderr, "postgrestest: stop the throwaway cluster: %v\n", err)
		}
	}
	return code
}

// Server returns the URL of the configured server's postgres database, or
// skips t if none is configured.
func Server(t testing.TB) string {
	t.Helper()
	v := os.Getenv(Env)
	if v == "" {
		t.Skipf("no PostgreSQL: set %s to a postgres:// URL (a user that may create databases), or to \"start\" to start a throwaway cluster (needs initdb)", Env)
	}
	once.Do(func() {
		if v != "start" {
			base = v
			return
		}
		cluster, base, startErr = start()
	})
	if startErr != nil {
		t.Fatalf("%s=start: %v", Env, startErr)
	}
	return base
}

// URL returns the URL of a new, empty database for t, dropped at its
// cleanup.
func URL(t testing.TB) string {
	t.Helper()
	srv := Server(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, srv)
	if err != nil {
		t.Fatalf("connect to the test PostgreSQL (%s): %v", Env, err)
	}
	defer conn.Close(ctx)
	b := make([]byte, 6)
	rand.Read(b)
	name := "drillroom_test_" + hex.EncodeToString(b)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		conn, err := pgx.Connect(ctx, srv)
		if err != nil {
			t.Errorf("drop test database %s: %v", name, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP DATABASE "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop test database %s: %v", name, err)
		}
	})
	u, err := url.Parse(srv)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		t.Fatalf("%s must be a postgres:// URL", Env)
	}
	u.Path = "/" + name
	return u.String()
}

// bindir finds PostgreSQL's programs: pg_config's bindir, else the newest
// /usr/lib/postgresql/*/bin (Debian's layout).
func bindir() (string, error) {
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		dir := strings.TrimSpace(string(out))
		if _, err := os.Stat(filepath.Join(dir, "initdb")); err == nil {
			return dir, nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool {
		vi, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[i])))
		vj, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[j])))
		return vi < vj
	})
	for i := len(dirs) - 1; i >= 0; i-- {
		if _, err := os.Stat(filepath.Join(dirs[i], "initdb")); err == nil {
			return dirs[i], nil
		}
	}
	return "", errors.New("no initdb: install PostgreSQL's server package")
}

// owner is who runs the cluster: PostgreSQL refuses root, so root hands it
// to nobody.
func owner() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("nobody")
	if err != nil {
		return nil, err
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

func run(cred *syscall.Credential, name string, args ...string) error {
	cmd := exec.Command(name, args...)
	if cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%s: %v\n%s", filepath.Base(name), err, out)
	}
	return nil
}

// start creates and starts a cluster in a new temporary directory,
// listening only on a Unix socket in it.
func start() (dir, serverURL string, err error) {
	bin, err := bindir()
	if err != nil {
		return "", "", err
	}
	cred, err := owner()
	if err != nil {
		return "", "", err
	}
	dir, err = os.MkdirTemp("", "drillroom-pg-")
	if err != nil {
		return "", "", err
	}
	if cred != nil {
		if err := os.Chown(dir, int(cred.Uid), int(cred.Gid)); err != nil {
			os.RemoveAll(dir)
			return "", "", err
		}
	}
	data := filepath.Join(dir, "data")
	if err := run(cred, filepath.Join(bin, "initdb"), "-D", data, "-U", "drillroom", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"); err != nil {
		os.RemoveAll(dir)
		return "", "", err
	}
	opts := fmt.Sprintf("-c listen_addresses='' -c unix_socket_directories='%s' -c max_connections=200", dir)
	if err := run(cred, filepath.Join(bin, "pg_ctl"), "-D", data, "-l", filepath.Join(dir, "server.log"), "-w", "-t", "60", "-o", opts, "start"); err != nil {
		os.RemoveAll(dir)
		return "", "", err
	}
	return dir, "postgres://drillroom@/postgres?host=" + url.QueryEscape(dir) + "&sslmode=disable", nil
}

// stop stops the cluster in dir and removes it.
func stop(dir string) error {
	bin, err := bindir()
	if err != nil {
		return err
	}
	cred, err := owner()
	if err != nil {
		return err
	}
	err = run(cred, filepath.Join(bin, "pg_ctl"), "-D", filepath.Join(dir, "data"), "-m", "fast", "-w", "stop")
	return errors.Join(err, os.RemoveAll(dir))
}
