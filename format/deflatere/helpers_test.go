package deflatere

import (
	"encoding/binary"
	"os"
	"testing"
)

// loadStream reads the first deflate stream of a PNG (its IDAT zlib
// stream; 8-bit, not interlaced) or gzip file, for the diagnostics and
// benchmarks.
func loadStream(t testing.TB, path string) ([]byte, *Stream) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Skip(err)
	}
	d, s, err := parseFile(b)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return d, s
}

// parseFile is loadStream's parse of the file's bytes b (any bit depth;
// interlaced PNGs fail).
func parseFile(b []byte) ([]byte, *Stream, error) {
	if IsGzip(b) {
		_, _, d, s, err := gzipMember(b, 1<<30, 0)
		return d, s, err
	}
	var z []byte
	want := 0
	for off := 8; off+12 <= len(b); {
		n := int(binary.BigEndian.Uint32(b[off:]))
		typ, data := string(b[off+4:off+8]), b[off+8:off+8+n]
		switch typ {
		case "IHDR":
			w, h := int(binary.BigEndian.Uint32(data)), int(binary.BigEndian.Uint32(data[4:]))
			c := map[byte]int{0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[data[9]]
			want = h * (1 + (w*c*int(data[8])+7)/8)
		case "IDAT":
			z = append(z, data...)
		}
		off += 12 + n
	}
	return InflateZlib(z, want, 0)
}
