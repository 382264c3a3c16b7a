package deflatere

import (
	"bytes"
	"compress/zlib"
	"os"
	"path/filepath"
	"testing"
)

// fuzzSeeds are small gzip files of Go's and klauspost's encoders at
// several levels, two members with trailing bytes, and the committed
// fixtures.
func fuzzSeeds(f *testing.F) [][]byte {
	var out [][]byte
	for i, n := range []int{0, 40, 700} {
		d := testData(n, int64(i))
		for _, lv := range []int{-2, 0, 1, 6, 9} {
			out = append(out, goGzip(f, d, lv))
		}
		out = append(out, kpGzip(f, d, 4))
	}
	out = append(out, append(append(goGzip(f, testData(50, 9), 9), goGzip(f, testData(60, 8), 1)...), 0, 0))
	files, _ := filepath.Glob("testdata/*.gz")
	for _, fn := range files {
		if b, err := os.ReadFile(fn); err == nil {
			out = append(out, b)
		}
	}
	return out
}

// FuzzInflate: the token-level inflater never panics, and whatever it
// accepts re-emits exactly, as zlib and as raw deflate.
func FuzzInflate(f *testing.F) {
	for i, lv := range []int{-2, 0, 1, 9} {
		var b bytes.Buffer
		w, _ := zlib.NewWriterLevel(&b, lv)
		w.Write(testData(300*i, int64(i)))
		w.Close()
		f.Add(b.Bytes(), 300*i)
	}
	f.Fuzz(func(t *testing.T, z []byte, want int) {
		if want < 0 || want > 1<<20 {
			return
		}
		if data, s, err := InflateZlib(z, want, 0); err == nil {
			re, err := s.Emit(nil, data)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(re, z) {
				t.Fatal("re-emitted zlib stream differs") // Split would refuse it; make it visible
			}
		}
		if len(z) < 2 {
			return
		}
		if data, s, n, err := InflateRaw(z[2:], want, 0); err == nil {
			re, err := s.Emit(nil, data)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(re, z[2:2+n]) {
				t.Fatal("re-emitted raw stream differs")
			}
		}
	})
}

// FuzzSplitGzip: the gzip splitter never panics, and whatever it accepts
// JoinGzip rebuilds exactly.
func FuzzSplitGzip(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, gz []byte) {
		data, meta, tokens, err := SplitGzip(gz, 1<<20, 0)
		if err != nil {
			return
		}
		got, err := JoinGzip(meta, tokens, data)
		if err != nil {
			t.Fatalf("JoinGzip: %v", err)
		}
		if !bytes.Equal(got, gz) {
			t.Fatal("JoinGzip differs")
		}
	})
}

// FuzzJoinGzip: the rebuild never panics on damaged side data and keeps
// its memory bounded.
func FuzzJoinGzip(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		data, meta, tokens, err := SplitGzip(s, 1<<20, 0)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(meta, tokens, data)
	}
	f.Fuzz(func(t *testing.T, meta, tokens, data []byte) {
		JoinGzip(meta, tokens, data)
	})
}
