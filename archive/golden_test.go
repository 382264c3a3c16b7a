package archive

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dcar-archiver/dcar/archive/codec"
	"github.com/dcar-archiver/dcar/format"
)

var update = flag.Bool("update", false, "rewrite the golden archives in ../testdata (never for an existing version)")

// goldenEntry is one row of a golden archive's manifest.
type goldenEntry struct {
	Path   string `json:"path"`
	Type   string `json:"type"`
	Mode   uint32 `json:"mode"`
	MTime  string `json:"mtime"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256,omitempty"`
	Link   string `json:"link,omitempty"`
	Codec  string `json:"codec"`
}

// goldenV1 builds the version 1 golden archive: every entry type, empty,
// multi-block, stored and zstd-coded content.
func goldenV1(t testing.TB) []byte {
	var buf bytes.Buffer
	w := NewWriter(&buf, WriterOptions{KeepCodec: true, Jobs: 1, BlockSize: 4096, Level: 3})
	mt := time.Unix(1_234_567_890, 123456789)
	text := strings.Repeat("It was the best of times, it was the worst of times.\n", 200)
	noise := make([]byte, 5000)
	x := uint32(1)
	for i := range noise {
		x = x*1664525 + 1013904223
		noise[i] = byte(x >> 24)
	}
	entries := []struct {
		h    format.Header
		data string
	}{
		{format.Header{Path: "golden", Type: format.TypeDir, Mode: 0o755}, ""},
		{format.Header{Path: "golden/empty", Type: format.TypeRegular, Mode: 0o600, Codec: format.CodecZstd}, ""},
		{format.Header{Path: "golden/tale.txt", Type: format.TypeRegular, Mode: 0o644, Codec: format.CodecZstd, Modality: format.ModalityText, MIME: "text/plain"}, text},
		{format.Header{Path: "golden/noise.bin", Type: format.TypeRegular, Mode: 0o640, Codec: format.CodecZstd}, string(noise)},
		{format.Header{Path: "golden/stored", Type: format.TypeRegular, Mode: 0o4755, Codec: format.CodecStore}, "stored as is\n"},
		{format.Header{Path: "golden/sub", Type: format.TypeDir, Mode: 0o700}, ""},
		{format.Header{Path: "golden/sub/ünï 文.txt", Type: format.TypeRegular, Mode: 0o644, Codec: format.CodecZstd, Modality: format.ModalityText}, "unicode name\n"},
		{format.Header{Path: "golden/link", Type: format.TypeSymlink, Mode: 0o777, Link: "tale.txt"}, ""},
		{format.Header{Path: "golden/hard", Type: format.TypeHardlink, Mode: 0o644, Link: "golden/tale.txt"}, ""},
	}
	for _, e := range entries {
		h := e.h
		h.ModTime, h.UID, h.GID, h.Uname, h.Gname = mt, 1000, 1000, "user", "group"
		if h.Type == format.TypeRegular {
			h.Size = int64(len(e.data))
		}
		if err := w.WriteEntry(&h, strings.NewReader(e.data)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func manifest(t testing.TB, arc []byte) []goldenEntry {
	t.Helper()
	ar, err := NewReader(bytes.NewReader(arc), ReaderOptions{Jobs: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer ar.Close()
	var out []goldenEntry
	for {
		h, err := ar.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		g := goldenEntry{Path: h.Path, Type: h.Type.String(), Mode: h.Mode, MTime: h.ModTime.UTC().Format(time.RFC3339Nano), Size: h.Size, Link: h.Link, Codec: codec.Name(h.Codec)}
		if h.Type == format.TypeRegular {
			s := sha256.New()
			if _, err := io.Copy(s, ar); err != nil {
				t.Fatal(err)
			}
			g.SHA256 = fmt.Sprintf("%x", s.Sum(nil))
		}
		out = append(out, g)
	}
}

// TestGolden decodes every committed golden archive and compares it with
// its manifest. These files must keep decoding forever.
func TestGolden(t *testing.T) {
	dir := filepath.Join("..", "testdata")
	if *update {
		arc := goldenV1(t)
		m, _ := json.MarshalIndent(manifest(t, arc), "", "  ")
		os.WriteFile(filepath.Join(dir, "golden-v1.dcar"), arc, 0o644)
		os.WriteFile(filepath.Join(dir, "golden-v1.json"), append(m, '\n'), 0o644)
	}
	// Archives with a JSON manifest beside them; others (golden-v1-ctx)
	// need codecs registered by other packages and are tested there.
	manifests, _ := filepath.Glob(filepath.Join(dir, "golden-v*.json"))
	var files []string
	for _, m := range manifests {
		files = append(files, strings.TrimSuffix(m, ".json")+".dcar")
	}
	if len(files) == 0 {
		t.Fatal("no golden archives in testdata")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			arc, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			wantJSON, err := os.ReadFile(strings.TrimSuffix(f, ".dcar") + ".json")
			if err != nil {
				t.Fatal(err)
			}
			var want []goldenEntry
			if err := json.Unmarshal(wantJSON, &want); err != nil {
				t.Fatal(err)
			}
			got := manifest(t, arc)
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("decoded\n%v\nwant\n%v", got, want)
			}
			out := t.TempDir()
			if err := Extract(bytes.NewReader(arc), out, ExtractOptions{}); err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(filepath.Join(out, "golden/hard"))
			if err != nil || len(b) == 0 {
				t.Fatalf("hard link: %v", err)
			}
		})
	}
}
