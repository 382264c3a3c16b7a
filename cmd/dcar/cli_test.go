package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var dcarBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "dcar-cli-test")
	if err != nil {
		panic(err)
	}
	dcarBin = filepath.Join(dir, "dcar")
	out, err := exec.Command("go", "build", "-o", dcarBin, ".").CombinedOutput()
	if err != nil {
		panic(string(out))
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// dcar runs the binary and returns stdout, stderr and the exit code.
func dcar(t *testing.T, stdin []byte, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(dcarBin, args...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var so, se bytes.Buffer
	cmd.Stdout, cmd.Stderr = &so, &se
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return so.String(), se.String(), code
}

func writeTree(t *testing.T, root string) {
	t.Helper()
	files := map[string]string{
		"docs/readme.txt":   strings.Repeat("hello dcar\n", 500),
		"docs/empty":        "",
		"img/x.ppm":         "P6\n2 1\n255\n\x00\x01\x02\x03\x04\x05",
		"bin/data":          string(bytes.Repeat([]byte{0, 1, 2, 250}, 3000)),
		"docs/deep/日本語.txt": "utf-8 name\n",
	}
	for p, c := range files {
		full := filepath.Join(root, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(c), 0o640); err != nil {
			t.Fatal(err)
		}
		mt := time.Unix(1_650_000_000, 42)
		os.Chtimes(full, mt, mt)
	}
	os.Symlink("readme.txt", filepath.Join(root, "docs/link"))
	os.MkdirAll(filepath.Join(root, "emptydir"), 0o711)
}

func sameTree(t *testing.T, a, b string) {
	t.Helper()
	filepath.Walk(a, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(a, p)
		q := filepath.Join(b, rel)
		gi, err := os.Lstat(q)
		if err != nil {
			t.Errorf("%s: %v", rel, err)
			return nil
		}
		if gi.Mode() != fi.Mode() {
			t.Errorf("%s: mode %v, want %v", rel, gi.Mode(), fi.Mode())
		}
		if fi.Mode().IsRegular() {
			x, _ := os.ReadFile(p)
			y, _ := os.ReadFile(q)
			if !bytes.Equal(x, y) {
				t.Errorf("%s: content differs", rel)
			}
			if !gi.ModTime().Equal(fi.ModTime()) {
				t.Errorf("%s: mtime %v, want %v", rel, gi.ModTime(), fi.ModTime())
			}
		}
		if fi.Mode()&os.ModeSymlink != 0 {
			x, _ := os.Readlink(p)
			y, _ := os.Readlink(q)
			if x != y {
				t.Errorf("%s: link %q, want %q", rel, y, x)
			}
		}
		return nil
	})
}

func TestCLIRoundTrip(t *testing.T) {
	work := t.TempDir()
	src := filepath.Join(work, "src")
	writeTree(t, src)
	arc := filepath.Join(work, "a.dcar")
	if _, se, code := dcar(t, nil, "create", arc, src); code != 0 {
		t.Fatalf("create: %d %s", code, se)
	}
	so, se, code := dcar(t, nil, "list", "--json", arc)
	if code != 0 {
		t.Fatalf("list: %d %s", code, se)
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(so), &rows); err != nil {
		t.Fatal(err)
	}
	mods := map[string]string{}
	for _, r := range rows {
		mods[filepath.Base(r["path"].(string))] = r["modality"].(string)
	}
	if mods["readme.txt"] != "text" || mods["x.ppm"] != "image" || mods["data"] != "other" {
		t.Errorf("modalities %v", mods)
	}
	if _, se, code := dcar(t, nil, "verify", arc); code != 0 {
		t.Fatalf("verify: %d %s", code, se)
	}
	out := filepath.Join(work, "out")
	if _, se, code := dcar(t, nil, "extract", arc, "-C", out); code != 0 {
		t.Fatalf("extract: %d %s", code, se)
	}
	sameTree(t, src, filepath.Join(out, strings.TrimPrefix(src, "/")))
	// A second extract refuses to overwrite.
	if _, se, code := dcar(t, nil, "x", arc, "-C", out); code != 1 || !strings.Contains(se, "overwrite") {
		t.Errorf("second extract: %d %q", code, se)
	}
	// Long listing and aliases.
	if so, _, code := dcar(t, nil, "t", "-l", arc); code != 0 || !strings.Contains(so, "readme.txt") || !strings.Contains(so, "zstd") {
		t.Errorf("list -l: %d %q", code, so)
	}
}

func TestCLIPipe(t *testing.T) {
	work := t.TempDir()
	src := filepath.Join(work, "src")
	writeTree(t, src)
	cmd := exec.Command(dcarBin, "create", "-", "src")
	cmd.Dir = work
	arc, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(work, "out")
	if _, se, code := dcar(t, arc, "extract", "-", "-C", out); code != 0 {
		t.Fatalf("extract -: %d %s", code, se)
	}
	sameTree(t, src, filepath.Join(out, "src"))
	if so, _, code := dcar(t, arc, "list", "-"); code != 0 || !strings.Contains(so, "src/docs/readme.txt") {
		t.Errorf("list -: %d %q", code, so)
	}
	// The same bytes for any --jobs.
	cmd = exec.Command(dcarBin, "create", "--jobs", "1", "-", "src")
	cmd.Dir = work
	arc1, err := cmd.Output()
	if err != nil || !bytes.Equal(arc, arc1) {
		t.Errorf("archive with --jobs 1 differs (%v)", err)
	}
}

func TestCLIDamage(t *testing.T) {
	work := t.TempDir()
	src := filepath.Join(work, "src")
	writeTree(t, src)
	arc := filepath.Join(work, "a.dcar")
	if _, se, code := dcar(t, nil, "create", arc, src); code != 0 {
		t.Fatal(se)
	}
	good, _ := os.ReadFile(arc)
	// Find readme.txt's records through the listing and flip a byte inside.
	so, _, _ := dcar(t, nil, "list", "--json", arc)
	var rows []struct {
		Path   string
		Stored int64
	}
	json.Unmarshal([]byte(so), &rows)
	var off int64 = 16
	for _, r := range rows {
		if strings.HasSuffix(r.Path, "readme.txt") {
			off += r.Stored / 2
			break
		}
		off += r.Stored
	}
	bad := bytes.Clone(good)
	bad[off] ^= 0x40
	os.WriteFile(arc, bad, 0o644)
	_, se, code := dcar(t, nil, "verify", arc)
	if code != 3 || !strings.Contains(se, "readme.txt") {
		t.Errorf("verify of damaged archive: %d %q", code, se)
	}
	out := filepath.Join(work, "out")
	_, se, code = dcar(t, nil, "extract", arc, "-C", out)
	if code != 3 || !strings.Contains(se, "readme.txt") {
		t.Errorf("extract of damaged archive: %d %q", code, se)
	}
	// Truncated.
	os.WriteFile(arc, good[:len(good)/2], 0o644)
	if _, _, code := dcar(t, nil, "verify", arc); code != 3 {
		t.Errorf("verify of truncated archive: %d", code)
	}
	if _, _, code := dcar(t, nil, "extract", arc, "-C", filepath.Join(work, "out2")); code != 3 {
		t.Errorf("extract of truncated archive: %d", code)
	}
	// Not an archive.
	if _, se, code := dcar(t, []byte("hello"), "list", "-"); code != 3 || !strings.Contains(se, "not a dcar archive") {
		t.Errorf("list of non-archive: %d %q", code, se)
	}
}

func TestCLIUsage(t *testing.T) {
	for _, args := range [][]string{{"create"}, {"create", "x.dcar"}, {"extract"}, {"list"}, {"create", "--level", "99", "a", "b"}, {"nosuchcommand"}} {
		if _, _, code := dcar(t, nil, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	if _, se, code := dcar(t, nil, "create", filepath.Join(t.TempDir(), "a.dcar"), "/nonexistent/path"); code != 1 || !strings.Contains(se, "/nonexistent/path") {
		t.Errorf("missing input: %d %q", code, se)
	}
	so, _, _ := dcar(t, nil, "--help")
	if !strings.Contains(so, "EXIT CODES") {
		t.Error("--help lacks exit codes")
	}
}

func TestCLICreateLeavesNoPartialArchive(t *testing.T) {
	work := t.TempDir()
	src := filepath.Join(work, "src")
	writeTree(t, src)
	unreadable := filepath.Join(src, "docs", "secret")
	os.WriteFile(unreadable, []byte("x"), 0o000)
	if os.Geteuid() == 0 {
		// root reads anything: use a dangling hard-to-read object instead
		os.Remove(unreadable)
		os.Mkdir(unreadable, 0o000)
		os.WriteFile(filepath.Join(unreadable, "f"), nil, 0o644)
		t.Skip("running as root: permission errors cannot be provoked")
	}
	arc := filepath.Join(work, "a.dcar")
	_, se, code := dcar(t, nil, "create", arc, src)
	if code == 0 || !strings.Contains(se, "secret") {
		t.Errorf("unreadable file: %d %q", code, se)
	}
	ents, _ := os.ReadDir(work)
	for _, e := range ents {
		if strings.Contains(e.Name(), "a.dcar") {
			t.Errorf("left %s behind", e.Name())
		}
	}
}

// list names the codecs that actually coded each entry's bytes: a block
// no codec shrank is stored, and list says so rather than the planned
// codec.
func TestCLIListBlockCodecs(t *testing.T) {
	work := t.TempDir()
	src := filepath.Join(work, "src")
	noise := make([]byte, 50_000)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range noise {
		noise[i] = byte(rng.Uint32())
	}
	for name, data := range map[string][]byte{"noise.bin": noise, "story.txt": bytes.Repeat([]byte("a tale of two archives\n"), 400)} {
		if err := os.MkdirAll(src, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(src, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	arc := filepath.Join(work, "a.dcar")
	if _, se, code := dcar(t, nil, "create", "-q", arc, src); code != 0 {
		t.Fatalf("create: %d %s", code, se)
	}
	so, se, code := dcar(t, nil, "list", "--json", arc)
	if code != 0 {
		t.Fatalf("list: %d %s", code, se)
	}
	var rows []struct {
		Path   string
		Codec  string
		Blocks map[string]int64
	}
	if err := json.Unmarshal([]byte(so), &rows); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range rows {
		got[filepath.Base(r.Path)] = fmt.Sprint(r.Codec, " ", r.Blocks)
	}
	if got["noise.bin"] != "store map[store:50000]" || got["story.txt"] != "cm-text map[]" {
		t.Errorf("codecs and blocks: %v", got)
	}
	if so, _, _ := dcar(t, nil, "list", "-l", arc); !strings.Contains(so, " store ") {
		t.Errorf("list -l does not show the stored block:\n%s", so)
	}
}
