package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
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

// An unreadable file is left out, named, and the exit status is 1; the
// archive holds the rest (tar's habit).
func TestCLICreateUnreadable(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("running as root: permission errors cannot be provoked")
	}
	work := t.TempDir()
	src := filepath.Join(work, "src")
	writeTree(t, src)
	os.WriteFile(filepath.Join(src, "docs", "secret"), []byte("x"), 0o000)
	arc := filepath.Join(work, "a.dcar")
	_, se, code := dcar(t, nil, "create", arc, src)
	if code != 1 || !strings.Contains(se, "secret") || !strings.Contains(se, "left out") {
		t.Errorf("unreadable file: %d %q", code, se)
	}
	if so, _, code := dcar(t, nil, "list", arc); code != 0 || strings.Contains(so, "secret") || !strings.Contains(so, "readme.txt") {
		t.Errorf("list: %d %q", code, so)
	}
}

// Exit codes as documented in every path (issue #22 item 9).
func TestCLIExitCodes(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.txt"), []byte("a"), 0o644)
	arc := filepath.Join(dir, "x.dcar")
	for _, tc := range []struct {
		args []string
		want int
	}{
		{nil, 2}, // bare dcar: usage
		{[]string{"create", "--nosuch", arc, dir}, 2},
		{[]string{"extract", "--nosuch", arc}, 2},
		{[]string{"list", "--nosuch", arc}, 2},
		{[]string{"verify", "--nosuch", arc}, 2},
		{[]string{"create", "--jobs", "0", arc, dir}, 2},
		{[]string{"create", "--jobs", "-3", arc, dir}, 2},
		{[]string{"extract", "--jobs", "0", arc}, 2},
		{[]string{"create", "--fast", "--best", arc, dir}, 2},
		{[]string{"create", "--zstd-only", "--fast", arc, dir}, 2},
		{[]string{"create", "--zstd-level", "0", arc, dir}, 2},
		{[]string{"create", "--volume-size", "1M", "-", dir}, 2},
		{[]string{"create", "--volume-size", "12X", arc, dir}, 2},
		{[]string{"create", "--volume-size", "1K", arc, dir}, 2}, // below the block size
	} {
		if _, se, code := dcar(t, nil, tc.args...); code != tc.want {
			t.Errorf("dcar %q: exit %d, want %d (%s)", tc.args, code, tc.want, se)
		}
	}
}

// Each preset writes an archive that extracts to the same tree; --fast
// routes text to cm-text (its solid group) and nothing to the network or
// cm-bin; --level is still accepted as the name of --zstd-level.
func TestCLIPresets(t *testing.T) {
	work := t.TempDir()
	src := filepath.Join(work, "src")
	writeTree(t, src)
	for _, args := range [][]string{{"--fast"}, {"--best"}, {"--level", "9"}, {"--fast", "--zstd-level", "19"}} {
		arc := filepath.Join(work, strings.Join(args, "")+".dcar")
		if _, se, code := dcar(t, nil, append(append([]string{"create"}, args...), arc, src)...); code != 0 {
			t.Fatalf("create %v: %d %s", args, code, se)
		}
		so, se, code := dcar(t, nil, "list", "--json", arc)
		if code != 0 {
			t.Fatalf("list: %d %s", code, se)
		}
		var rows []map[string]any
		if err := json.Unmarshal([]byte(so), &rows); err != nil {
			t.Fatal(err)
		}
		codecs := map[string]string{}
		for _, r := range rows {
			if c, ok := r["codec"].(string); ok {
				codecs[filepath.Base(r["path"].(string))] = c
			}
		}
		if args[0] == "--fast" {
			all := fmt.Sprint(codecs)
			if !strings.Contains(all, "cm-text") || strings.Contains(all, "model-") || strings.Contains(all, "cm-bin") {
				t.Errorf("%v: codecs %v", args, codecs)
			}
		}
		out := filepath.Join(work, "out"+strings.Join(args, ""))
		if _, se, code := dcar(t, nil, "extract", arc, "-C", out); code != 0 {
			t.Fatalf("extract %v: %d %s", args, code, se)
		}
		sameTree(t, src, filepath.Join(out, strings.TrimPrefix(src, "/")))
	}
}

// Names that are not UTF-8 or hold control characters archive and
// restore; listings show them escaped, one line each (issue #22 items 2
// and 9).
func TestCLIOddNames(t *testing.T) {
	work := t.TempDir()
	src := filepath.Join(work, "n")
	os.MkdirAll(src, 0o755)
	for _, n := range []string{"\xe9.txt", "new\nline", `back\slash`} {
		if err := os.WriteFile(filepath.Join(src, n), []byte(n), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	arc := filepath.Join(work, "n.dcar")
	if _, se, code := dcar(t, nil, "create", "-q", arc, src); code != 0 {
		t.Fatalf("create: %d %s", code, se)
	}
	so, _, code := dcar(t, nil, "list", arc)
	if code != 0 || !strings.Contains(so, `/\xe9.txt`+"\n") || !strings.Contains(so, `/new\nline`+"\n") || !strings.Contains(so, `/back\\slash`+"\n") {
		t.Errorf("list: %d %q", code, so)
	}
	so, _, _ = dcar(t, nil, "list", "--json", arc)
	var rows []struct {
		Path        string
		PathEscaped bool `json:"path_escaped"`
	}
	json.Unmarshal([]byte(so), &rows)
	escaped := 0
	for _, r := range rows {
		if r.PathEscaped {
			escaped++
		}
	}
	if escaped != 1 {
		t.Errorf("json: %d escaped paths, want 1 (the non-UTF-8 one): %s", escaped, so)
	}
	out := filepath.Join(work, "out")
	if _, se, code := dcar(t, nil, "extract", "-q", arc, "-C", out); code != 0 {
		t.Fatalf("extract: %d %s", code, se)
	}
	sameTree(t, src, filepath.Join(out, strings.TrimPrefix(src, "/")))
}

// Overlapping arguments archive a file once and extract; two files under
// one name leave the second out with exit 1 (issue #22 item 3).
func TestCLIOverlaps(t *testing.T) {
	work := t.TempDir()
	d := filepath.Join(work, "d")
	os.MkdirAll(d, 0o755)
	os.WriteFile(filepath.Join(d, "one.txt"), []byte("1"), 0o644)
	arc := filepath.Join(work, "dup.dcar")
	if _, se, code := dcar(t, nil, "create", "-q", arc, d, filepath.Join(d, "one.txt")); code != 0 {
		t.Fatalf("create: %d %s", code, se)
	}
	if _, se, code := dcar(t, nil, "extract", "-q", arc, "-C", filepath.Join(work, "x")); code != 0 {
		t.Errorf("extract of overlapping arguments: %d %s", code, se)
	}
	os.WriteFile(filepath.Join(work, "a.txt"), []byte("outer"), 0o644)
	os.WriteFile(filepath.Join(d, "a.txt"), []byte("inner"), 0o644)
	cmd := exec.Command(dcarBin, "create", "-q", "two.dcar", "../a.txt", "a.txt")
	cmd.Dir = d
	se, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || !strings.Contains(string(se), `leading "../"`) || !strings.Contains(string(se), "left out") {
		t.Errorf("two files as a.txt: %v %s", err, se)
	}
}

// A truncated archive lists the entries before the cut, then exits 3
// (issue #22 item 7: list showed nothing).
func TestCLIListTruncated(t *testing.T) {
	work := t.TempDir()
	src := filepath.Join(work, "src")
	writeTree(t, src)
	arc := filepath.Join(work, "a.dcar")
	if _, se, code := dcar(t, nil, "create", "-q", "--zstd-only", arc, src); code != 0 {
		t.Fatalf("create: %d %s", code, se)
	}
	b, _ := os.ReadFile(arc)
	cut := filepath.Join(work, "t.dcar")
	os.WriteFile(cut, b[:len(b)*2/3], 0o644)
	so, se, code := dcar(t, nil, "list", cut)
	if code != 3 || !strings.Contains(so, "docs/readme.txt") || !strings.Contains(se, "scanning") {
		t.Errorf("list of truncated archive: %d\n%s\n%s", code, so, se)
	}
}

// Temporary files of a killed create are removed by the next create of
// the same archive (issue #22 item 6).
func TestCLIStaleTemps(t *testing.T) {
	work := t.TempDir()
	src := filepath.Join(work, "src")
	writeTree(t, src)
	stale := filepath.Join(work, ".a.dcar.tmp-999999999-123")
	os.WriteFile(stale, []byte("half an archive"), 0o600)
	if _, se, code := dcar(t, nil, "create", "-q", filepath.Join(work, "a.dcar"), src); code != 0 {
		t.Fatalf("create: %d %s", code, se)
	}
	if _, err := os.Stat(stale); err == nil {
		t.Error("the stale temporary file of a dead run is still there")
	}
}

// Refuses to write an archive to a terminal (issue #22 item 9).
func TestCLINoArchiveToTerminal(t *testing.T) {
	script, err := exec.LookPath("script")
	if err != nil {
		t.Skip("no script(1) to run dcar on a terminal")
	}
	src := filepath.Join(t.TempDir(), "src")
	writeTree(t, src)
	out, _ := exec.Command(script, "-qec", dcarBin+" create - "+src, "/dev/null").CombinedOutput()
	if !strings.Contains(string(out), "refusing to write an archive to a terminal") {
		t.Errorf("create - on a terminal: %q", out)
	}
}

// As root, extract restores setuid/setgid bits (with the owner), as tar
// does, unless --no-same-owner (issue #22 item 8).
func TestCLISetIDAsRoot(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root")
	}
	work := t.TempDir()
	src := filepath.Join(work, "s")
	os.MkdirAll(src, 0o755)
	p := filepath.Join(src, "tool")
	os.WriteFile(p, []byte("#!/bin/sh\n"), 0o755)
	os.Chmod(p, 0o755|os.ModeSetuid|os.ModeSetgid)
	arc := filepath.Join(work, "s.dcar")
	if _, se, code := dcar(t, nil, "create", "-q", arc, src); code != 0 {
		t.Fatalf("create: %d %s", code, se)
	}
	for _, tc := range []struct {
		flag string
		want os.FileMode
	}{{"--quiet", 0o755 | os.ModeSetuid | os.ModeSetgid}, {"--no-same-owner", 0o755}} {
		out := filepath.Join(work, "out"+tc.flag)
		if _, se, code := dcar(t, nil, "extract", tc.flag, arc, "-C", out); code != 0 {
			t.Fatalf("extract %s: %d %s", tc.flag, code, se)
		}
		fi, err := os.Stat(filepath.Join(out, strings.TrimPrefix(p, "/")))
		if err != nil || fi.Mode() != tc.want {
			t.Errorf("extract %s: mode %v (%v), want %v", tc.flag, fi.Mode(), err, tc.want)
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
	if got["noise.bin"] != "store map[store:50000]" || got["story.txt"] != "model-text map[]" {
		t.Errorf("codecs and blocks: %v", got)
	}
	if so, _, _ := dcar(t, nil, "list", "-l", arc); !strings.Contains(so, " store ") {
		t.Errorf("list -l does not show the stored block:\n%s", so)
	}
}

// TestCLIDedup: a copy of a file is stored once (list --json names its
// original), extracts from a pipe, and --no-dedup codes it again.
func TestCLIDedup(t *testing.T) {
	work := t.TempDir()
	src := filepath.Join(work, "src")
	os.MkdirAll(filepath.Join(src, "copy"), 0o755)
	text := []byte(strings.Repeat("words that appear in two files\n", 300))
	os.WriteFile(filepath.Join(src, "a.txt"), text, 0o644)
	os.WriteFile(filepath.Join(src, "copy", "a.txt"), text, 0o644)
	arc, plain := filepath.Join(work, "d.dcar"), filepath.Join(work, "n.dcar")
	for _, args := range [][]string{{"create", "-q", arc, src}, {"create", "-q", "--no-dedup", plain, src}} {
		if _, se, code := dcar(t, nil, args...); code != 0 {
			t.Fatalf("%v: %d %s", args, code, se)
		}
	}
	so, _, _ := dcar(t, nil, "list", "--json", arc)
	var rows []struct {
		Path, Codec string
		SameAs      string `json:"same_as"`
	}
	json.Unmarshal([]byte(so), &rows)
	var same []string
	for _, r := range rows {
		if r.Codec == "same" {
			same = append(same, r.Path+" = "+r.SameAs)
		}
	}
	root := strings.TrimPrefix(src, "/")
	if want := root + "/copy/a.txt = " + root + "/a.txt"; len(same) != 1 || same[0] != want {
		t.Errorf("same entries %q, want [%q]", same, want)
	}
	if so, _, _ := dcar(t, nil, "list", "-l", arc); !strings.Contains(so, root+"/copy/a.txt same as "+root+"/a.txt\n") {
		t.Errorf("list -l does not name the original:\n%s", so)
	}
	a, _ := os.Stat(arc)
	b, _ := os.Stat(plain)
	if a.Size() >= b.Size() {
		t.Errorf("dedup archive %d bytes, without %d", a.Size(), b.Size())
	}
	data, _ := os.ReadFile(arc)
	out := filepath.Join(work, "out")
	if _, se, code := dcar(t, data, "extract", "-q", "-", "-C", out); code != 0 {
		t.Fatalf("extract from a pipe: %d %s", code, se)
	}
	sameTree(t, src, filepath.Join(out, root))
	if so, se, code := dcar(t, data, "verify", "-"); code != 0 {
		t.Errorf("verify from a pipe: %d %s %s", code, so, se)
	}
}

// TestCLIListKindAndFallback: list -l names each file's kind, and an
// image the pixel models did not take (here a PNG truncated in its
// pixel data: not rebuildable) as a fallback, in the text and the JSON.
func TestCLIListKindAndFallback(t *testing.T) {
	work := t.TempDir()
	src := filepath.Join(work, "src")
	if err := os.MkdirAll(src, 0o755); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	img := image.NewGray(image.Rect(0, 0, 96, 96))
	r := uint32(1)
	for i := range img.Pix {
		r = r*1664525 + 1013904223
		img.Pix[i] = byte(i%96+i/96) + byte(r>>29) // a ramp with noise: the pixel model beats zstd
	}
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	bad := append(append([]byte{}, good[:len(good)-40]...), []byte("damaged tail")...)
	for name, b := range map[string][]byte{"good.png": good, "bad.png": bad} {
		if err := os.WriteFile(filepath.Join(src, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	arc := filepath.Join(work, "a.dcar")
	if _, se, code := dcar(t, nil, "create", "--fast", arc, src); code != 0 {
		t.Fatalf("create: %d %s", code, se)
	}
	so, _, _ := dcar(t, nil, "list", "-l", arc)
	var goodLine, badLine string
	for _, l := range strings.Split(so, "\n") {
		switch {
		case strings.HasSuffix(strings.TrimSpace(l), "good.png"):
			goodLine = l
		case strings.HasSuffix(strings.TrimSpace(l), "bad.png"):
			badLine = l
		}
	}
	if !strings.Contains(goodLine, " png ") || !strings.Contains(goodLine, "model-png") || strings.Contains(goodLine, "fallback") {
		t.Errorf("good.png: %q", goodLine)
	}
	if !strings.Contains(badLine, " png ") || !strings.Contains(badLine, "(fallback)") {
		t.Errorf("bad.png: %q", badLine)
	}
	so, _, _ = dcar(t, nil, "list", "--json", arc)
	var rows []struct {
		Path     string
		Fallback bool
	}
	if err := json.Unmarshal([]byte(so), &rows); err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if want := filepath.Base(r.Path) == "bad.png"; r.Fallback != want {
			t.Errorf("%s: fallback %v", r.Path, r.Fallback)
		}
	}
}

// A volume set through the command line: create, list, verify, extract
// (whole, and one path from its volumes only); a missing volume is named
// by verify and extract (exit 3), which restores everything else.
func TestCLIVolumeSet(t *testing.T) {
	work := t.TempDir()
	src := filepath.Join(work, "src")
	writeTree(t, src)
	big := make([]byte, 50000)
	rng := rand.New(rand.NewPCG(3, 3))
	for i := range big {
		big[i] = byte(rng.Uint32())
	}
	os.WriteFile(filepath.Join(src, "big.bin"), big, 0o644)
	set := filepath.Join(work, "s.dcar")
	if _, se, code := dcar(t, nil, "create", "-q", "--volume-size", "16K", "--block-size", "4096", set, src); code != 0 {
		t.Fatalf("create: %d %s", code, se)
	}
	vols, _ := filepath.Glob(set + ".*")
	if len(vols) < 3 {
		t.Fatalf("%d volumes", len(vols))
	}
	so, se, code := dcar(t, nil, "list", vols[1])
	if code != 0 || strings.Count(so, "big.bin\n") != 1 {
		t.Fatalf("list: %d %s %s", code, so, se)
	}
	if _, se, code := dcar(t, nil, "verify", set); code != 0 || !strings.Contains(se, "OK") {
		t.Fatalf("verify: %d %s", code, se)
	}
	out := filepath.Join(work, "out")
	if _, se, code := dcar(t, nil, "extract", "-q", set, "-C", out); code != 0 {
		t.Fatalf("extract: %d %s", code, se)
	}
	if b, _ := os.ReadFile(filepath.Join(out, src[1:], "big.bin")); !bytes.Equal(b, big) {
		t.Fatal("big.bin restored wrong")
	}
	last := vols[len(vols)-1]
	os.Rename(last, last+".away")
	_, se, code = dcar(t, nil, "verify", set)
	if code != 3 || !strings.Contains(se, filepath.Base(last)+": volume missing") {
		t.Fatalf("verify without %s: %d %s", last, code, se)
	}
	out2 := filepath.Join(work, "out2")
	_, se, code = dcar(t, nil, "extract", "-q", set, "-C", out2)
	if code != 3 || !strings.Contains(se, filepath.Base(last)) {
		t.Fatalf("extract without %s: %d %s", last, code, se)
	}
	if b, _ := os.ReadFile(filepath.Join(out2, src[1:], "big.bin")); !bytes.Equal(b, big) {
		t.Fatal("big.bin, in other volumes, not restored")
	}
}

// create --model carries the domain model: the archive extracts and
// verifies alone, and list -l names the model; with --model-ref it
// needs --model, and without it (or with another) fails naming the
// fingerprint.
func TestDomainModelCLI(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	writeTree(t, src)
	model := "../../model/domain/testdata/tiny.dcm"
	carried, ref := filepath.Join(dir, "c.dcar"), filepath.Join(dir, "r.dcar")
	if _, se, code := dcar(t, nil, "create", "-q", "--model", model, carried, src); code != 0 {
		t.Fatalf("create --model: %d %s", code, se)
	}
	if _, se, code := dcar(t, nil, "create", "-q", "--model", model, "--model-ref", ref, src); code != 0 {
		t.Fatalf("create --model-ref: %d %s", code, se)
	}
	out, _, code := dcar(t, nil, "list", "-l", carried)
	if code != 0 || !strings.Contains(out, "cm-text (domain ") {
		t.Errorf("list -l: %d\n%s", code, out)
	}
	x := filepath.Join(dir, "x")
	if _, se, code := dcar(t, nil, "extract", "-q", "-C", x, carried); code != 0 {
		t.Fatalf("extract: %d %s", code, se)
	}
	sameTree(t, src, filepath.Join(x, src))
	for _, args := range [][]string{{"verify", ref}, {"extract", "-C", filepath.Join(dir, "y"), ref}} {
		_, se, code := dcar(t, nil, args...)
		if code == 0 || !strings.Contains(se, "domain model") || !strings.Contains(se, "--model") {
			t.Errorf("%s without the model: exit %d, %s", args[0], code, se)
		}
	}
	if _, se, code := dcar(t, nil, "verify", "-q", "--model", model, ref); code != 0 {
		t.Errorf("verify --model: %d %s", code, se)
	}
	if out, se, code := dcar(t, nil, "bench", "--no-peers", "-j", "1", "--model", model, src); code != 0 ||
		!strings.Contains(out, "dcar --model --model-ref") || !strings.Contains(out, "model record: ") {
		t.Errorf("bench --model: exit %d\n%s%s", code, out, se)
	}
	bad := filepath.Join(dir, "bad.dcm")
	b, _ := os.ReadFile(model)
	os.WriteFile(bad, b[:len(b)/2], 0o644)
	if _, se, code := dcar(t, nil, "verify", "--model", bad, ref); code != 3 || !strings.Contains(se, "offset") {
		t.Errorf("a truncated model: exit %d, %s", code, se)
	}
}

// A volume set takes a domain model as an archive does: every volume
// carries it (and decodes alone), or with --model-ref refers to it, and
// then verify and extract need --model (exit 1 without, naming the
// fingerprint); list -l names it in every volume.
func TestDomainModelVolumeSet(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	writeTree(t, src)
	for i := range 4 {
		os.WriteFile(filepath.Join(src, fmt.Sprintf("f%d.go", i)), []byte(strings.Repeat(fmt.Sprintf("func f%d(m *Model) []byte { return m.raw }\n", i), 300)), 0o644)
	}
	model := "../../model/domain/testdata/tiny7.dcm"
	for _, ref := range []bool{false, true} {
		set := filepath.Join(dir, fmt.Sprintf("s%t.dcar", ref))
		args := []string{"create", "-q", "--volume-size", "8K", "--block-size", "4096", "--model", model}
		if ref {
			args = append(args, "--model-ref")
		}
		if _, se, code := dcar(t, nil, append(args, set, src)...); code != 0 {
			t.Fatalf("create (referenced %t): %d %s", ref, code, se)
		}
		vols, _ := filepath.Glob(set + ".*")
		if len(vols) < 2 {
			t.Fatalf("%d volumes", len(vols))
		}
		out, _, code := dcar(t, nil, "list", "-l", vols[len(vols)-1])
		if code != 0 || !strings.Contains(out, "(domain ") {
			t.Errorf("list -l of a volume (referenced %t): %d\n%s", ref, code, out)
		}
		var with []string
		if ref {
			for _, args := range [][]string{{"verify", set}, {"extract", "-C", filepath.Join(dir, "no"), set}} {
				_, se, code := dcar(t, nil, args...)
				if code != 1 || !strings.Contains(se, "domain model") || !strings.Contains(se, "--model") {
					t.Errorf("%s of a referring set without the model: exit %d, %s", args[0], code, se)
				}
			}
			with = []string{"--model", model}
		}
		if _, se, code := dcar(t, nil, append(append([]string{"verify"}, with...), set)...); code != 0 || !strings.Contains(se, "OK") {
			t.Fatalf("verify (referenced %t): %d %s", ref, code, se)
		}
		x := filepath.Join(dir, fmt.Sprintf("x%t", ref))
		if _, se, code := dcar(t, nil, append(append([]string{"extract", "-q", "-C", x}, with...), set)...); code != 0 {
			t.Fatalf("extract (referenced %t): %d %s", ref, code, se)
		}
		sameTree(t, src, filepath.Join(x, src))
	}
}

// dcar train with a step budget writes the same model twice; create
// --model codes with it and the archive round-trips.
func TestTrainCLI(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	for i := range 6 {
		var b strings.Builder
		fmt.Fprintf(&b, "package p%d\n\n", i)
		for j := range 20 {
			fmt.Fprintf(&b, "func f%d(x int) int { return x*%d + %d }\n", j, i+j, j)
		}
		os.MkdirAll(src, 0o755)
		os.WriteFile(filepath.Join(src, fmt.Sprintf("p%d.go", i)), []byte(b.String()), 0o644)
	}
	os.WriteFile(filepath.Join(src, "x.bin"), bytes.Repeat([]byte{0, 200, 3}, 999), 0o644)
	var models [2][]byte
	for i := range models {
		out := filepath.Join(dir, fmt.Sprintf("m%d.dcm", i))
		_, se, code := dcar(t, nil, "train", "-q", "-o", out, "--warm", "--steps", "3", "--seed", "5", "--primer", "2", src)
		if code != 0 || !strings.Contains(se, "validation") || !strings.Contains(se, "1 other files skipped") {
			t.Fatalf("train: exit %d\n%s", code, se)
		}
		models[i], _ = os.ReadFile(out)
		if _, err := os.Stat(out + ".ckpt"); err == nil {
			t.Error("the checkpoint was left behind")
		}
	}
	if len(models[0]) == 0 || !bytes.Equal(models[0], models[1]) {
		t.Fatal("two trainings with the same seed and steps differ")
	}
	a := filepath.Join(dir, "a.dcar")
	if _, se, code := dcar(t, nil, "create", "-q", "--model", filepath.Join(dir, "m0.dcm"), a, src); code != 0 {
		t.Fatalf("create: %s", se)
	}
	x := filepath.Join(dir, "x")
	if _, se, code := dcar(t, nil, "extract", "-q", "-C", x, a); code != 0 {
		t.Fatalf("extract: %s", se)
	}
	sameTree(t, src, filepath.Join(x, src))
	if _, se, code := dcar(t, nil, "train", "-o", filepath.Join(dir, "n.dcm"), filepath.Join(src, "x.bin")); code == 0 {
		t.Errorf("train on no text: exit 0\n%s", se)
	}
	// The default primer size (auto) reports the sizes it chose among.
	_, se, code := dcar(t, nil, "train", "-q", "-o", filepath.Join(dir, "auto.dcm"), src)
	if code != 0 || !strings.Contains(se, "a primer of 128 KiB") && !strings.Contains(se, "no primer size pays") {
		t.Errorf("train --primer auto: exit %d\n%s", code, se)
	}
	if _, se, code := dcar(t, nil, "train", "-o", filepath.Join(dir, "n.dcm"), "--primer", "lots", src); code != 2 || !strings.Contains(se, "--primer") {
		t.Errorf("train --primer lots: exit %d\n%s", code, se)
	}
}

// dcar train on images fits the image network: with a step budget the
// same model twice; create --model codes the images with it (list -l
// names it), the archive carries it and round-trips; with --model-ref,
// extract needs --model.
func TestTrainImagesCLI(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	os.MkdirAll(src, 0o755)
	for i := range 5 {
		img := image.NewRGBA(image.Rect(0, 0, 64, 32))
		rng := rand.New(rand.NewPCG(uint64(i), 1))
		for p := range 64 * 32 {
			x, y := p%64, p/64
			n := rng.IntN(24)
			img.Pix[4*p], img.Pix[4*p+1], img.Pix[4*p+2], img.Pix[4*p+3] = byte(3*x+i+n), byte(5*y+x*i+n), byte(x*y/8+7*i+n), 255
		}
		var b bytes.Buffer
		png.Encode(&b, img)
		os.WriteFile(filepath.Join(src, fmt.Sprintf("i%d.png", i)), b.Bytes(), 0o644)
	}
	var models [2][]byte
	for i := range models {
		out := filepath.Join(dir, fmt.Sprintf("m%d.dcm", i))
		_, se, code := dcar(t, nil, "train", "-q", "-o", out, "--image-steps", "2", "--seed", "5", src)
		if code != 0 || !strings.Contains(se, "images: validation") {
			t.Fatalf("train: exit %d\n%s", code, se)
		}
		models[i], _ = os.ReadFile(out)
	}
	if len(models[0]) == 0 || !bytes.Equal(models[0], models[1]) {
		t.Fatal("two trainings with the same seed and steps differ")
	}
	m := filepath.Join(dir, "m0.dcm")
	for _, ref := range []bool{false, true} {
		a := filepath.Join(dir, fmt.Sprintf("a%v.dcar", ref))
		args := []string{"create", "-q", "--model", m}
		if ref {
			args = append(args, "--model-ref")
		}
		if _, se, code := dcar(t, nil, append(args, a, src)...); code != 0 {
			t.Fatalf("create: %s", se)
		}
		so, _, _ := dcar(t, nil, "list", "-l", a)
		if !strings.Contains(so, "model-png (domain ") {
			t.Errorf("list -l does not name the domain model:\n%s", so)
		}
		x := filepath.Join(dir, fmt.Sprintf("x%v", ref))
		if _, se, code := dcar(t, nil, "extract", "-q", "-C", x, a); (code != 0) != ref {
			t.Fatalf("extract without --model (model carried %v): exit %d, %s", !ref, code, se)
		}
		if _, se, code := dcar(t, nil, "extract", "-q", "--model", m, "-C", x+"m", a); code != 0 {
			t.Fatalf("extract --model: %s", se)
		}
		sameTree(t, src, filepath.Join(x+"m", src))
	}
}
