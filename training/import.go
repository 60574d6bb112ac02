package training

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/drillroom/drillroom"
)

// Import limits.
const (
	MaxImportBytes = 1 << 20 // the whole file
	MaxImportRows  = 500     // each password is hashed with argon2id: a larger file would keep the request for minutes
)

// ImportRow is one account of an import file, as read.
type ImportRow struct {
	Line        int // the file's line number, for messages
	Username    string
	DisplayName string
	Role        drillroom.Role
	Cohorts     []string
	Password    string // generated when the file has none; shown once
}

// ImportProblem is a row the import refuses, and why.
type ImportProblem struct {
	Line    int
	Problem string
}

// ImportReport is what an import found and, unless it was a dry run or
// any row was refused, did.
type ImportReport struct {
	Rows       []ImportRow
	Problems   []ImportProblem
	NewCohorts []string // cohorts the import creates
	Imported   bool     // the accounts were created (all of them)
}

// importColumns are the header names the import knows, by what they mean.
var importColumns = map[string]string{
	"username": "username", "user": "username", "login": "username",
	"display name": "name", "display_name": "name", "name": "name", "full name": "name",
	"role":   "role",
	"cohort": "cohorts", "cohorts": "cohorts",
	"password": "password",
}

// Import reads a CSV file of accounts (a header row naming the columns
// username, display name, role and cohort, in any order; several cohorts
// separated by ";"; an optional password column) and checks every row:
// it reports every bad row by line number and creates nothing unless all
// rows are good. With dryRun it only checks. Cohorts named in the file that
// do not exist are created. Every imported user must change their password
// at first sign-in; passwords the file does not give are generated and are
// in the report, to be handed out once.
func (s *Accounts) Import(ctx context.Context, a Actor, r io.Reader, dryRun bool) (ImportReport, error) {
	if err := requireAdmin(a); err != nil {
		return ImportReport{}, err
	}
	data, err := io.ReadAll(io.LimitReader(r, MaxImportBytes+1))
	if err != nil {
		return ImportReport{}, fmt.Errorf("read import: %w", err)
	}
	if len(data) > MaxImportBytes {
		return ImportReport{}, drillroom.Errorf(drillroom.CodeInvalid, "The file is larger than 1 MiB; split it.")
	}
	rep, err := parseImport(data)
	if err != nil {
		return rep, err
	}
	// What the database says about each row.
	existing, err := s.store.Cohorts(ctx)
	if err != nil {
		return rep, err
	}
	known := map[string]bool{}
	for _, c := range existing {
		known[strings.ToLower(c.Name)] = true
	}
	for _, row := range rep.Rows {
		if _, err := s.store.UserByUsername(ctx, row.Username); err == nil {
			rep.Problems = append(rep.Problems, ImportProblem{row.Line, fmt.Sprintf("username %q is taken", row.Username)})
		} else if !errors.Is(err, drillroom.ErrNotFound) {
			return rep, err
		}
		for _, c := range row.Cohorts {
			if !known[strings.ToLower(c)] {
				known[strings.ToLower(c)] = true
				rep.NewCohorts = append(rep.NewCohorts, c)
			}
		}
	}
	sortProblems(rep.Problems)
	if dryRun || len(rep.Problems) > 0 {
		return rep, nil
	}
	us := make([]drillroom.NewUser, len(rep.Rows))
	for i, row := range rep.Rows {
		us[i] = drillroom.NewUser{Username: row.Username, DisplayName: row.DisplayName, Role: row.Role,
			Password: row.Password, MustChangePassword: true, Cohorts: row.Cohorts}
	}
	if _, err := s.store.CreateUsers(ctx, us); err != nil {
		return rep, userError(err)
	}
	rep.Imported = true
	s.audit(ctx, a, drillroom.AuditUserImport, fmt.Sprintf("%d users", len(us)), "cohorts created: "+strings.Join(rep.NewCohorts, "; "))
	return rep, nil
}

func sortProblems(ps []ImportProblem) {
	for i := 1; i < len(ps); i++ {
		for j := i; j > 0 && ps[j].Line < ps[j-1].Line; j-- {
			ps[j], ps[j-1] = ps[j-1], ps[j]
		}
	}
}

// parseImport reads the rows and reports what is wrong with each on its
// own (the database is not consulted).
func parseImport(data []byte) (ImportReport, error) {
	var rep ImportReport
	if !utf8.Valid(data) {
		return rep, drillroom.Errorf(drillroom.CodeInvalid, "The file is not UTF-8 text; save it as CSV UTF-8.")
	}
	text := strings.TrimPrefix(string(data), "\ufeff") // a spreadsheet's byte-order mark
	cr := csv.NewReader(strings.NewReader(text))
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return rep, drillroom.Errorf(drillroom.CodeInvalid, "The file is empty.")
	}
	if err != nil {
		return rep, drillroom.Errorf(drillroom.CodeInvalid, "Line 1: %v.", csvMessage(err))
	}
	col := map[string]int{}
	for i, h := range header {
		name, ok := importColumns[strings.ToLower(strings.TrimSpace(h))]
		if !ok {
			return rep, drillroom.Errorf(drillroom.CodeInvalid, "Line 1: unknown column %q; the columns are username, display name, role, cohort and (optional) password.", h)
		}
		if _, dup := col[name]; dup {
			return rep, drillroom.Errorf(drillroom.CodeInvalid, "Line 1: column %q is given twice.", h)
		}
		col[name] = i
	}
	for _, need := range []string{"username", "role"} {
		if _, ok := col[need]; !ok {
			return rep, drillroom.Errorf(drillroom.CodeInvalid, "Line 1: the header has no %s column; the columns are username, display name, role, cohort and (optional) password.", need)
		}
	}
	seen := map[string]int{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
			}
			rep.Problems = append(rep.Problems, ImportProblem{line, csvMessage(err)})
			continue
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		if len(rep.Rows)+len(rep.Problems) >= MaxImportRows {
			return rep, drillroom.Errorf(drillroom.CodeInvalid, "The file has more than %d rows; split it.", MaxImportRows)
		}
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		row := ImportRow{Line: line, Username: get("username"), DisplayName: get("name"), Role: drillroom.Role(strings.ToLower(get("role"))), Password: get("password")}
		for _, c := range strings.Split(get("cohorts"), ";") {
			if c = strings.TrimSpace(c); c != "" {
				row.Cohorts = append(row.Cohorts, c)
			}
		}
		if p := rowProblem(row); p != "" {
			rep.Problems = append(rep.Problems, ImportProblem{line, p})
			continue
		}
		key := strings.ToLower(row.Username)
		if first, dup := seen[key]; dup {
			rep.Problems = append(rep.Problems, ImportProblem{line, fmt.Sprintf("username %q is also on line %d", row.Username, first)})
			continue
		}
		seen[key] = line
		if row.DisplayName == "" {
			row.DisplayName = row.Username
		}
		if row.Password == "" {
			row.Password = GeneratePassword()
		}
		rep.Rows = append(rep.Rows, row)
	}
	if len(rep.Rows) == 0 && len(rep.Problems) == 0 {
		return rep, drillroom.Errorf(drillroom.CodeInvalid, "The file has a header and no accounts.")
	}
	return rep, nil
}

func rowProblem(row ImportRow) string {
	switch {
	case row.Username == "":
		return "no username"
	case len(row.Username) > 64:
		return "the username is longer than 64 bytes"
	case strings.IndexFunc(row.Username, func(r rune) bool { return unicode.IsSpace(r) || !unicode.IsPrint(r) }) >= 0:
		return fmt.Sprintf("username %q has a space or control character", row.Username)
	case !row.Role.Valid():
		return fmt.Sprintf("role %q: want trainee, trainer or coach", row.Role)
	case utf8.RuneCountInString(row.DisplayName) > 100:
		return "the display name is longer than 100 characters"
	case row.Password != "" && utf8.RuneCountInString(row.Password) < MinPasswordLen:
		return fmt.Sprintf("the password is shorter than %d characters", MinPasswordLen)
	}
	for _, c := range row.Cohorts {
		if utf8.RuneCountInString(c) > 80 || strings.IndexFunc(c, unicode.IsControl) >= 0 {
			return fmt.Sprintf("cohort %q: a name has 1 to 80 characters and no control character", c)
		}
	}
	return ""
}

func csvMessage(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
