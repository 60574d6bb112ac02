package records

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/drillroom/drillroom"
)

var identifier = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)

// CheckIdentifiers refuses a table or column name that is not a plain SQL
// identifier (drillroom.ErrInvalid): the names drillroom migrate copies
// are written into queries.
func CheckIdentifiers(names ...string) error {
	for _, n := range names {
		if !identifier.MatchString(n) {
			return fmt.Errorf("%w: %q is not a table or column name", drillroom.ErrInvalid, n)
		}
	}
	return nil
}

// TableQuery is the query of a TableReader: the columns of table, in the
// order of key, once every name is checked.
func TableQuery(table string, columns, key []string) (string, error) {
	if err := CheckIdentifiers(append(append([]string{table}, columns...), key...)...); err != nil {
		return "", err
	}
	return "SELECT " + strings.Join(columns, ", ") + " FROM " + table + " ORDER BY " + strings.Join(key, ", "), nil
}

// ReadTable calls row with the values of each row of rows, the result of
// a TableQuery on table; values reads the current row's. Errors reading
// name the table; row's are returned as they are.
func ReadTable(table string, rows Rows, values func() ([]any, error), row func([]any) error) error {
	for rows.Next() {
		v, err := values()
		if err != nil {
			return fmt.Errorf("read table %s: %w", table, err)
		}
		if err := row(v); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read table %s: %w", table, err)
	}
	return nil
}
