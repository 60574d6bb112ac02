package web

import (
	"bytes"
	"encoding/base64"
	"encoding/csv"
	"errors"
	"html/template"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/training"
)

// The import page: an administrator uploads (or pastes) a CSV file of
// accounts, checks it (a dry run that lists every bad row by its line
// number) and imports it (training.Accounts.Import: all rows or none).
// After an import the page shows each username with its one-time password
// and offers them as a CSV download built into the page itself: the
// passwords are in that one response and nowhere else on the server.

// maxUploadBytes bounds an import request: the file (or the text box) of
// up to training.MaxImportBytes, plus the form's other fields.
const maxUploadBytes = training.MaxImportBytes + 64<<10

type importPage struct {
	// Text is the CSV of the last check, shown in the text box to be
	// corrected, checked again or imported.
	Text     string
	Report   *training.ImportReport
	Checked  bool // the report is of a dry run
	MaxBytes string
	MaxRows  int
	// Download is the imported accounts and their passwords as a data: URL
	// to a CSV file.
	Download template.URL
}

func newImportPage() importPage {
	return importPage{MaxBytes: "1 MiB", MaxRows: training.MaxImportRows}
}

// adminImportPage shows the import form.
func (u *ui) adminImportPage(w http.ResponseWriter, r *http.Request) {
	render(w, r, u.log, http.StatusOK, "admin_import", view{Title: "Import accounts", Data: newImportPage()})
}

// checkUpload guards the import form like checkForm guards the others (same
// origin, the login's CSRF token), for a multipart body of up to
// maxUploadBytes, kept in memory.
func (u *ui) checkUpload(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !u.sameSite(w, r, "form", maxUploadBytes) {
			return
		}
		var err error
		if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
			err = r.ParseMultipartForm(maxUploadBytes)
		} else {
			err = r.ParseForm()
		}
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				renderError(w, r, u.log, http.StatusRequestEntityTooLarge, "The upload is larger than 1 MiB; split the file.")
				return
			}
			http.Error(w, "The form could not be read.", http.StatusBadRequest)
			return
		}
		if r.MultipartForm != nil {
			defer r.MultipartForm.RemoveAll()
		}
		if u.checkToken(w, r) {
			next.ServeHTTP(w, r)
		}
	})
}

// importText returns the CSV of an import form: the chosen file, else the
// text box.
func importText(r *http.Request) (string, error) {
	if f, hdr, err := r.FormFile("file"); err == nil {
		defer f.Close()
		if hdr.Size > 0 {
			data, err := io.ReadAll(io.LimitReader(f, training.MaxImportBytes+1))
			if err != nil {
				return "", err
			}
			if len(data) > training.MaxImportBytes {
				return "", invalid("The file is larger than 1 MiB; split it.")
			}
			return string(data), nil
		}
	}
	text := r.PostForm.Get("text")
	if strings.TrimSpace(text) == "" {
		return "", invalid("Choose a CSV file or paste its text.")
	}
	if len(text) > training.MaxImportBytes {
		return "", invalid("The pasted text is larger than 1 MiB; split it.")
	}
	return text, nil
}

// importUsers checks (action "check") or imports (action "import") a CSV
// file of accounts.
func (u *ui) importUsers(w http.ResponseWriter, r *http.Request) {
	page := newImportPage()
	text, err := importText(r)
	if err == nil {
		page.Text = text
		var rep training.ImportReport
		dry := r.PostForm.Get("action") != "import"
		rep, err = u.accounts.Import(r.Context(), actorOf(r), strings.NewReader(text), dry)
		if err == nil {
			page.Report, page.Checked = &rep, dry
		}
	}
	if !utf8.ValidString(page.Text) {
		page.Text = ""
	}
	if err != nil {
		if drillroom.ErrorCode(err) != drillroom.CodeInvalid && drillroom.ErrorCode(err) != drillroom.CodeConflict {
			u.fail(w, r, err)
			return
		}
		status, msg := statusFor(err)
		render(w, r, u.log, status, "admin_import", view{Title: "Import accounts", Flash: msg, Data: page})
		return
	}
	title, status := "Import checked", http.StatusOK
	switch {
	case page.Report.Imported:
		title, page.Text = "Accounts imported", ""
		page.Download = passwordsCSV(page.Report.Rows)
	case len(page.Report.Problems) > 0:
		status = http.StatusBadRequest
		if !page.Checked {
			title = "Nothing imported"
		}
	}
	render(w, r, u.log, status, "admin_import", view{Title: title, Data: page})
}

// passwordsCSV returns the imported accounts with their one-time passwords
// as a data: URL to a CSV file. Cells that a spreadsheet would read as a
// formula are quoted with a leading apostrophe (passwords are left as they
// are: the user types them).
func passwordsCSV(rows []training.ImportRow) template.URL {
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	cw.Write([]string{"username", "display name", "role", "cohort", "password"})
	for _, row := range rows {
		cw.Write([]string{noFormula(row.Username), noFormula(row.DisplayName), string(row.Role),
			noFormula(strings.Join(row.Cohorts, ";")), row.Password})
	}
	cw.Flush()
	return template.URL("data:text/csv;charset=utf-8;base64," + base64.StdEncoding.EncodeToString(buf.Bytes()))
}

func noFormula(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
