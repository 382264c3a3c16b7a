package archive

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dcar-archiver/dcar/format"
)

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// roundTripNames archives roots, extracts, and returns the entry names
// and the warnings but the informational one about absolute roots.
func roundTripNames(t *testing.T, roots []string) ([]string, []Warning, string) {
	t.Helper()
	var warnings []Warning
	var arc bytes.Buffer
	warn := func(w Warning) {
		if !strings.Contains(w.Err.Error(), `leading "/" dropped`) {
			warnings = append(warnings, w)
		}
	}
	if err := Create(&arc, roots, CreateOptions{Warn: warn}); err != nil {
		t.Fatal(err)
	}
	idx, err := ReadIndex(bytes.NewReader(arc.Bytes()), int64(arc.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range idx {
		if e.Header.Type != format.TypeGroup { // not a file
			names = append(names, e.Header.Path)
		}
	}
	out := t.TempDir()
	if err := Extract(&arc, out, ExtractOptions{}); err != nil {
		t.Fatalf("extract: %v", err)
	}
	return names, warnings, out
}

// TestCreateOddNames: names that are not UTF-8 or hold a backslash, a
// newline or a tab are archived and restored byte for byte (issue: one
// such name aborted the whole create with exit 3).
func TestCreateOddNames(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "n")
	odd := []string{"\xe9.txt", `back\slash.txt`, "new\nline", "tab\there", "ok.txt"}
	files := map[string]string{}
	for i, n := range odd {
		files[n] = strings.Repeat("x", i+1)
	}
	writeFiles(t, dir, files)
	names, warnings, out := roundTripNames(t, []string{dir})
	if len(warnings) != 0 || len(names) != len(odd)+1 {
		t.Fatalf("names %q, warnings %v", names, warnings)
	}
	for n, body := range files {
		got, err := os.ReadFile(filepath.Join(out, EntryName(dir), n))
		if err != nil || string(got) != body {
			t.Errorf("%q: %q, %v", n, got, err)
		}
	}
}

// TestCreateOverlaps: a file reached through two arguments is archived
// once, and the archive extracts (issue: "dcar create a d d/one.txt"
// made an archive that extract refused).
func TestCreateOverlaps(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "d")
	writeFiles(t, dir, map[string]string{"one.txt": "1", "sub/two.txt": "2"})
	names, warnings, _ := roundTripNames(t, []string{dir, filepath.Join(dir, "one.txt"), dir, filepath.Join(dir, "sub")})
	if len(names) != 4 || len(warnings) != 0 {
		t.Errorf("names %q, warnings %v", names, warnings)
	}
}

// TestCreateRewrittenNames: "../a.txt" and "a.txt" both name entry
// "a.txt": the first is archived, the second is reported as left out, and
// the dropped "../" is reported (issue: both became a.txt without a word,
// and the archive did not extract).
func TestCreateRewrittenNames(t *testing.T) {
	top := t.TempDir()
	writeFiles(t, top, map[string]string{"a.txt": "outer", "sub/a.txt": "inner"})
	t.Chdir(filepath.Join(top, "sub"))
	names, warnings, out := roundTripNames(t, []string{"../a.txt", "a.txt"})
	if len(names) != 1 || names[0] != "a.txt" {
		t.Fatalf("names %q", names)
	}
	if got, _ := os.ReadFile(filepath.Join(out, "a.txt")); string(got) != "outer" {
		t.Errorf("a.txt holds %q, want the first file's content", got)
	}
	var dropped, skipped bool
	for _, w := range warnings {
		dropped = dropped || (!w.Skipped && w.Path == "../a.txt" && strings.Contains(w.Err.Error(), `"../"`))
		skipped = skipped || (w.Skipped && w.Path == "a.txt")
	}
	if !dropped || !skipped || len(warnings) != 2 {
		t.Errorf("warnings %v: want the dropped ../ and the second a.txt left out", warnings)
	}
	// Without Warn, a file left out is an error.
	if err := Create(&bytes.Buffer{}, []string{"../a.txt", "a.txt"}, CreateOptions{}); err == nil {
		t.Error("Create without Warn left a file out without an error")
	}
}

// TestCreateUnreadable: a file that cannot be opened is left out with a
// warning and the rest is archived.
func TestCreateUnreadable(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads any file")
	}
	dir := filepath.Join(t.TempDir(), "u")
	writeFiles(t, dir, map[string]string{"a.txt": "a", "secret.txt": "s"})
	os.Chmod(filepath.Join(dir, "secret.txt"), 0)
	names, warnings, _ := roundTripNames(t, []string{dir})
	if len(names) != 2 || len(warnings) != 1 || !warnings[0].Skipped {
		t.Errorf("names %q, warnings %v", names, warnings)
	}
}

// TestCreateInPlaceEdit: a same-size edit while a file is read fails the
// create with ErrFileChanged (issue: exit 0 with content matching neither
// version).
func TestCreateInPlaceEdit(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "e")
	body := bytes.Repeat([]byte("original line of the file\n"), 40000)
	writeFiles(t, dir, map[string]string{"log.txt": string(body)})
	p := filepath.Join(dir, "log.txt")
	edited := false
	testAfterRead = func(string) {
		edited = true
		f, err := os.OpenFile(p, os.O_WRONLY, 0)
		if err != nil {
			t.Error(err)
			return
		}
		f.WriteAt(bytes.ToUpper(body[:100]), int64(len(body)-100)) // same size
		f.Close()
		os.Chtimes(p, time.Time{}, time.Now().Add(time.Hour))
	}
	defer func() { testAfterRead = nil }()
	opts := CreateOptions{WriterOptions: WriterOptions{NoModel: true}}
	err := Create(&bytes.Buffer{}, []string{dir}, opts)
	if !edited {
		t.Fatal("the file was not edited during the read")
	}
	if !errors.Is(err, ErrFileChanged) || !strings.Contains(err.Error(), "log.txt") {
		t.Errorf("Create: %v, want ErrFileChanged naming log.txt", err)
	}
}
