package deflatere

import (
	"bytes"
	gogzip "compress/gzip"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	kpgzip "github.com/klauspost/compress/gzip"
)

// testData returns n bytes of word salad (text-like, with repeats for
// the match finder) from seed.
func testData(n int, seed int64) []byte {
	r := rand.New(rand.NewSource(seed))
	words := []string{"the ", "archive ", "deflate ", "stream ", "of ", "a ", "block ", "token ", "\n", "match ", "literal ", "0123 ", "Huffman "}
	var b bytes.Buffer
	for b.Len() < n {
		if r.Intn(50) == 0 {
			b.WriteByte(byte(r.Intn(256)))
			continue
		}
		b.WriteString(words[r.Intn(len(words))])
	}
	return b.Bytes()[:n]
}

// goGzip compresses with Go's compress/gzip at level, with the optional
// header fields set.
func goGzip(t testing.TB, data []byte, level int) []byte {
	var b bytes.Buffer
	w, err := gogzip.NewWriterLevel(&b, level)
	if err != nil {
		t.Fatal(err)
	}
	w.Name, w.Comment, w.Extra = "file.txt", "a comment", []byte{'d', 'c', 2, 0, 1, 2}
	w.Write(data)
	w.Close()
	return b.Bytes()
}

func kpGzip(t testing.TB, data []byte, level int) []byte {
	var b bytes.Buffer
	w, err := kpgzip.NewWriterLevel(&b, level)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(data)
	w.Close()
	return b.Bytes()
}

// gzipRoundTrip splits and joins gz, checks the rebuilt file is identical
// and the data is gz's content; it returns the side data size.
func gzipRoundTrip(t testing.TB, name string, gz []byte) int {
	t.Helper()
	data, meta, tokens, err := SplitGzip(gz, 1<<30, 0)
	if err != nil {
		t.Fatalf("%s: SplitGzip: %v", name, err)
	}
	got, err := JoinGzip(meta, tokens, data)
	if err != nil {
		t.Fatalf("%s: JoinGzip: %v", name, err)
	}
	if !bytes.Equal(got, gz) {
		t.Fatalf("%s: rebuilt file differs", name)
	}
	return len(meta) + len(tokens)
}

func TestGzipGo(t *testing.T) {
	for _, n := range []int{0, 1, 1000, 300 << 10} {
		data := testData(n, int64(n))
		for level := gogzip.HuffmanOnly; level <= gogzip.BestCompression; level++ {
			name := fmt.Sprintf("compress/gzip -%d, %d bytes", level, n)
			gz := goGzip(t, data, level)
			side := gzipRoundTrip(t, name, gz)
			if n > 1000 {
				t.Logf("%s: %d bytes, side data %d", name, len(gz), side)
			}
		}
		for _, level := range []int{1, 5, 9} {
			gzipRoundTrip(t, fmt.Sprintf("klauspost gzip -%d, %d bytes", level, n), kpGzip(t, data, level))
		}
	}
}

// TestGzipTools round-trips the files of the gzip and pigz commands at
// every level (pigz -11 is zopfli); CI installs both.
func TestGzipTools(t *testing.T) {
	data := testData(400<<10, 7)
	for _, tool := range []string{"gzip", "pigz"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Logf("no %s: skipped", tool)
			continue
		}
		levels := []string{"-1", "-2", "-3", "-4", "-5", "-6", "-7", "-8", "-9"}
		if tool == "pigz" {
			levels = append(levels, "-11", "-b32")
		}
		for _, lv := range levels {
			cmd := exec.Command(tool, "-c", lv)
			cmd.Stdin = bytes.NewReader(data)
			gz, err := cmd.Output()
			if err != nil {
				t.Fatalf("%s %s: %v", tool, lv, err)
			}
			side := gzipRoundTrip(t, tool+" "+lv, gz)
			t.Logf("%s %s: %d bytes, side data %d (%.2f %%)", tool, lv, len(gz), side, 100*float64(side)/float64(len(gz)))
		}
	}
}

// TestGzipMembers: several members, header fields, bytes after the last
// member (zeros, and something that looks like a member but is not).
func TestGzipMembers(t *testing.T) {
	a, b := testData(5000, 1), testData(7000, 2)
	multi := append(goGzip(t, a, 9), kpGzip(t, b, 3)...)
	for name, gz := range map[string][]byte{
		"two members":           multi,
		"zero padding":          append(bytes.Clone(multi), make([]byte, 100)...),
		"broken third member":   append(bytes.Clone(multi), 0x1f, 0x8b, 8, 0, 1, 2),
		"header CRC":            withHCRC(goGzip(t, a, 6)),
		"stored (level 0)":      goGzip(t, a, 0),
		"empty content, member": goGzip(t, nil, 9),
	} {
		data, _, _, err := SplitGzip(gz, 1<<30, 0)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if name != "header CRC" && name != "stored (level 0)" && name != "empty content, member" && !bytes.Equal(data, append(bytes.Clone(a), b...)) {
			t.Fatalf("%s: data differs", name)
		}
		gzipRoundTrip(t, name, gz)
	}
}

// withHCRC sets FHCRC on a member written by Go (10-byte header, FEXTRA,
// FNAME and FCOMMENT) and inserts a header CRC.
func withHCRC(gz []byte) []byte {
	h, err := gzipHeaderLen(gz, 0)
	if err != nil {
		panic(err)
	}
	out := append([]byte{}, gz[:h]...)
	out[3] |= gzFHCRC
	out = append(out, 0xab, 0xcd) // not checked by readers that ignore it; kept verbatim
	return append(out, gz[h:]...)
}

func TestGzipErrors(t *testing.T) {
	good := goGzip(t, testData(20000, 3), 6)
	crc := bytes.Clone(good)
	crc[len(crc)-5] ^= 1
	size := bytes.Clone(good)
	size[len(size)-1] ^= 1
	for name, c := range map[string]struct {
		b    []byte
		want error
	}{
		"empty":        {nil, ErrFormat},
		"not gzip":     {[]byte("hello, world"), ErrFormat},
		"truncated":    {good[:len(good)/2], ErrFormat},
		"no trailer":   {good[:len(good)-3], ErrFormat},
		"CRC-32":       {crc, ErrUnsupported},
		"ISIZE":        {size, ErrUnsupported},
		"method 7":     {append([]byte{0x1f, 0x8b, 7}, good[3:]...), ErrFormat},
		"reserved flg": {append([]byte{0x1f, 0x8b, 8, 0x20}, good[4:]...), ErrFormat},
	} {
		_, _, _, err := SplitGzip(c.b, 1<<30, 0)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", name, err, c.want)
		}
	}
	if _, _, _, err := SplitGzip(good, 1000, 0); !errors.Is(err, ErrFormat) {
		t.Errorf("data over the limit: %v", err)
	}
	data, meta, tokens, err := SplitGzip(good, 1<<30, 0)
	if err != nil {
		t.Fatal(err)
	}
	for i := range meta {
		m := bytes.Clone(meta)
		m[i] ^= 0x55
		if out, err := JoinGzip(m, tokens, data); err == nil && bytes.Equal(out, good) {
			t.Errorf("meta byte %d flipped: same file rebuilt", i)
		}
	}
	if _, err := JoinGzip(meta, tokens, data[:len(data)-1]); err == nil {
		t.Error("short data accepted")
	}
}

// TestGzipFixtures round-trips the committed files: gzip -9n (as Debian
// compresses documentation), pigz -11 (zopfli), Go's compress/gzip -5
// with a name and comment, and gzip -1 and -6 members concatenated with
// zero padding after them.
func TestGzipFixtures(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.gz")
	if len(files) < 4 {
		t.Fatalf("fixtures: %v", files)
	}
	for _, f := range files {
		gz, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		side := gzipRoundTrip(t, f, gz)
		t.Logf("%s: %d bytes, side data %d", f, len(gz), side)
	}
}

// TestSplitBudget checks the match-search budget: data of long repeats
// of three bytes that end at the same place in every row (a screenshot's
// unfiltered rows of one colour: up to 2048 chain steps a byte) is
// refused under a budget of 64 units of work a byte, and rebuilt without
// one (side data version 1); text, and rows of runs of one byte (which
// find steps over), are rebuilt under it.
func TestSplitBudget(t *testing.T) {
	var rows, runs []byte
	for r := 0; len(rows) < 512<<10; r++ {
		rows = append(rows, byte(r%5))
		runs = append(runs, byte(r%5))
		for k := 0; k < 600; k++ {
			rows = append(rows, "abc"[k%3])
			runs = append(runs, 0)
		}
	}
	if _, _, _, err := SplitGzip(goGzip(t, runs, 9), 1<<30, 64); err != nil {
		t.Fatalf("runs under a budget of 64: %v", err)
	}
	gz := goGzip(t, rows, 9)
	if _, _, _, err := SplitGzipVersion(gz, 1<<30, 64, GzipReference); !errors.Is(err, ErrBudget) || !errors.Is(err, ErrUnsupported) {
		t.Fatalf("rows under a budget of 64: %v, want ErrBudget", err)
	}
	// zlib's parse (which stops at the first match of 258 bytes) predicts
	// Go's tokens here: no reference parse needed
	if _, _, _, err := SplitGzip(gz, 1<<30, 64); err != nil {
		t.Fatalf("rows under a budget of 64, version 2: %v", err)
	}
	if _, _, _, err := SplitGzip(gz, 1<<30, 0); err != nil {
		t.Fatalf("rows without a budget: %v", err)
	}
	if _, _, _, err := SplitGzip(goGzip(t, testData(1<<20, 3), 9), 1<<30, 64); err != nil {
		t.Fatalf("text under a budget of 64: %v", err)
	}
}
