package archive

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestExtractSparse: runs of zero pages are restored as holes (issue:
// sparse files came back fully allocated), and the content is exact.
func TestExtractSparse(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "in")
	os.MkdirAll(dir, 0o755)
	content := make([]byte, 4<<20)
	copy(content[1<<20:], "data in the middle of zeros")
	content = append(content, "tail"...) // not a whole page: written
	if err := os.WriteFile(filepath.Join(dir, "sparse.img"), content, 0o644); err != nil {
		t.Fatal(err)
	}
	var arc bytes.Buffer
	if err := Create(&arc, []string{dir}, CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	if err := Extract(&arc, out, ExtractOptions{}); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(out, EntryName(dir), "sparse.img")
	got, err := os.ReadFile(p)
	if err != nil || !bytes.Equal(got, content) {
		t.Fatalf("content differs (%v)", err)
	}
	fi, _ := os.Stat(p)
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		t.Skip("no block counts here")
	}
	if alloc := st.Blocks * 512; alloc > int64(len(content))/4 {
		t.Errorf("%d bytes allocated for %d bytes of mostly zeros: not sparse", alloc, len(content))
	}
}

// TestExtractTempName: while a file's content is written, its final name
// does not exist (issue: an interrupted extract left a partial file
// under the final name, which a rerun then refused to overwrite), and
// nothing but the extracted entries is left.
func TestExtractTempName(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "in")
	os.MkdirAll(dir, 0o755)
	body := bytes.Repeat([]byte("some content to write in several reads\n"), 20000)
	if err := os.WriteFile(filepath.Join(dir, "big.txt"), body, 0o644); err != nil {
		t.Fatal(err)
	}
	var arc bytes.Buffer
	if err := Create(&arc, []string{dir}, CreateOptions{WriterOptions: WriterOptions{NoModel: true}}); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	final := filepath.Join(out, EntryName(dir), "big.txt")
	var seenEarly, checked bool
	opts := ExtractOptions{Progress: func(done int64) {
		if !checked && done > 0 && done < int64(len(body)) {
			checked = true
			_, err := os.Lstat(final)
			seenEarly = err == nil
		}
	}}
	if err := Extract(&arc, out, opts); err != nil {
		t.Fatal(err)
	}
	if !checked {
		t.Fatal("progress never reported a partial file")
	}
	if seenEarly {
		t.Error("the final name existed before the content was complete")
	}
	ents, _ := os.ReadDir(filepath.Dir(final))
	if len(ents) != 1 || ents[0].Name() != "big.txt" {
		t.Errorf("directory holds %v, want only big.txt", ents)
	}
	if fi, err := os.Stat(final); err != nil || fi.Mode().Perm() != 0o644 || !fi.ModTime().Equal(mtimeOf(t, filepath.Join(dir, "big.txt"))) {
		t.Errorf("extracted file: %v, %v", fi, err)
	}
}

func mtimeOf(t *testing.T, p string) time.Time {
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return fi.ModTime()
}

// TestExtractFailureDirModes: when extraction fails on a damaged entry,
// the directories already made still get their modes (issue: they stayed
// at the 0700 they are created with).
func TestExtractFailureDirModes(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf, WriterOptions{NoModel: true})
	mt := time.Unix(1_700_000_000, 0)
	w.WriteEntry(&Header{Path: "d", Type: TypeDir, Mode: 0o755, ModTime: mt}, nil)
	body := bytes.Repeat([]byte("content that fills a block with text\n"), 3000)
	w.WriteEntry(&Header{Path: "d/f.txt", Type: TypeRegular, Mode: 0o644, ModTime: mt, Size: int64(len(body))}, bytes.NewReader(body))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	arc := buf.Bytes()
	idx, err := ReadIndex(bytes.NewReader(arc), int64(len(arc)))
	if err != nil {
		t.Fatal(err)
	}
	arc[idx[1].Offset+idx[1].Stored/2] ^= 0xff // inside the file's block
	out := t.TempDir()
	if err := Extract(bytes.NewReader(arc), out, ExtractOptions{}); err == nil {
		t.Fatal("damaged archive extracted")
	}
	fi, err := os.Stat(filepath.Join(out, "d"))
	if err != nil || fi.Mode().Perm() != 0o755 {
		t.Errorf("directory after a failed extract: %v, %v; want mode 0755", fi.Mode(), err)
	}
	if ents, _ := os.ReadDir(filepath.Join(out, "d")); len(ents) != 0 {
		t.Errorf("left behind: %v", ents)
	}
}

// TestExtractCancel: an interrupted extract (ctx done) removes the file
// it was writing and says why.
func TestExtractCancel(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf, WriterOptions{NoModel: true})
	body := bytes.Repeat([]byte("x"), 1<<20)
	w.WriteEntry(&Header{Path: "big", Type: TypeRegular, Mode: 0o644, ModTime: time.Unix(1, 0), Size: int64(len(body))}, bytes.NewReader(body))
	w.Close()
	ctx, cancel := context.WithCancel(context.Background())
	out := t.TempDir()
	err := ExtractContext(ctx, &buf, out, ExtractOptions{Progress: func(int64) { cancel() }})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("ExtractContext: %v, want context.Canceled", err)
	}
	if ents, _ := os.ReadDir(out); len(ents) != 0 {
		t.Errorf("left behind after an interrupt: %v", ents)
	}
}
