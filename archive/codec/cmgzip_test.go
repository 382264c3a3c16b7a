package codec

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dcar-archiver/dcar/format"
)

// gzipFixtures are the gzip files committed with package deflatere.
func gzipFixtures(t testing.TB) map[string][]byte {
	return fixtureFiles(t, filepath.Join("..", "..", "format", "deflatere", "testdata", "*.gz"))
}

// cmGzipBlock plans src as cm-gzip and returns its block.
func cmGzipBlock(t testing.TB, src []byte) Block {
	ch, ok := planGzip(Sniff(src), bytes.NewReader(src), int64(len(src)))
	if !ok || ch.Codec != format.CodecCMGzip {
		t.Fatal("not planned as cm-gzip")
	}
	return Block{Params: ch.Params, EntrySize: int64(len(src))}
}

// cmGzipRoundTrip codes src with cm-gzip, checks it decodes back
// exactly and returns the payload.
func cmGzipRoundTrip(t *testing.T, name string, src []byte) []byte {
	t.Helper()
	b := cmGzipBlock(t, src)
	enc, err := cmGzip{}.Compress(nil, src, b)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	got, err := cmGzip{}.Decompress(nil, enc, len(src), b)
	if err != nil || !bytes.Equal(got, src) {
		t.Fatalf("%s: round trip: %v", name, err)
	}
	t.Logf("%s: %d -> %d bytes", name, len(src), len(enc))
	return enc
}

func TestCMGzipRoundTrip(t *testing.T) {
	for name, src := range gzipFixtures(t) {
		if enc := cmGzipRoundTrip(t, name, src); len(enc) >= len(src) {
			t.Errorf("%s: cm-gzip %d bytes for a %d-byte file", name, len(enc), len(src))
		}
	}
}

func TestCMGzipErrors(t *testing.T) {
	src := gzipFixtures(t)["changelog-9n.gz"]
	b := cmGzipBlock(t, src)
	enc, err := cmGzip{}.Compress(nil, src, b)
	if err != nil {
		t.Fatal(err)
	}
	other := b
	other.Params = append([]byte(nil), b.Params...)
	other.Params[5] ^= 1
	if _, err := (cmGzip{}).Decompress(nil, enc, len(src), other); !errors.Is(err, ErrModelMismatch) || !strings.Contains(err.Error(), "cm-gzip") {
		t.Errorf("other fingerprint: %v", err)
	}
	for _, c := range []struct {
		name string
		data []byte
	}{
		{"truncated", enc[:len(enc)-1]},
		{"trailing", append(append([]byte(nil), enc...), 0)},
		{"no meta", enc[:1]},
		{"empty", nil},
	} {
		if _, err := (cmGzip{}).Decompress(nil, c.data, len(src), b); !errors.Is(err, format.ErrCorrupt) {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	if _, err := (cmGzip{}).Decompress(nil, enc, len(src)+1, b); !errors.Is(err, format.ErrCorrupt) {
		t.Errorf("wrong length: %v", err)
	}
	// What does not split, or rebuild, is declined: the writer codes it
	// with zstd.
	bad := bytes.Clone(src)
	bad[len(bad)-6] ^= 1 // CRC-32
	for name, s := range map[string][]byte{"not gzip": []byte("plain text, not gzip"), "CRC-32": bad, "truncated": src[:len(src)/2]} {
		if _, err := (cmGzip{}).Compress(nil, s, b); !errors.Is(err, ErrDeclined) {
			t.Errorf("%s: %v, want ErrDeclined", name, err)
		}
	}
}

func FuzzCMGzipDecompress(f *testing.F) {
	src := gzipFixtures(f)["go-5.gz"]
	b := cmGzipBlock(f, src)
	enc, err := cmGzip{}.Compress(nil, src, b)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(enc, len(src))
	f.Fuzz(func(t *testing.T, data []byte, n int) {
		if n < 0 || n > 1<<16 {
			return
		}
		cmGzip{}.Decompress(nil, data, n, b)
	})
}

// TestCMGzipTools: files of the gzip and pigz commands at several levels
// and of Go's compress/gzip come back byte for byte through cm-gzip (CI
// installs pigz; a missing tool is skipped).
func TestCMGzipTools(t *testing.T) {
	var text []byte
	for i := 0; len(text) < 60<<10; i++ {
		text = fmt.Appendf(text, "%d: the archive keeps every byte of every file it is given (%d)\n", i, i*i%97)
	}
	files := map[string][]byte{}
	for _, tool := range []string{"gzip", "pigz"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Logf("no %s: skipped", tool)
			continue
		}
		for _, lv := range []string{"-1", "-6", "-9"} {
			cmd := exec.Command(tool, "-c", lv)
			cmd.Stdin = bytes.NewReader(text)
			out, err := cmd.Output()
			if err != nil {
				t.Fatal(err)
			}
			files[tool+" "+lv] = out
		}
	}
	for _, lv := range []int{gzip.BestSpeed, gzip.DefaultCompression, gzip.BestCompression} {
		var b bytes.Buffer
		w, _ := gzip.NewWriterLevel(&b, lv)
		w.Write(text)
		w.Close()
		files[fmt.Sprintf("compress/gzip %d", lv)] = b.Bytes()
	}
	for name, src := range files {
		cmGzipRoundTrip(t, name, src)
	}
}
