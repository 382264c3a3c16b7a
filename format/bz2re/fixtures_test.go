package bz2re

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.bz2 with the system bzip2")

type fixture struct {
	name  string
	level int
	// finish: made by one BZ2_bzBuffToBuffCompress call (as pbzip2 does)
	// instead of the bzip2 tool.
	finish bool
	input  func() []byte
	// parts: a concatenation of other fixtures' files, in this order.
	parts []string
	check func(t *testing.T, p Params, streams []streamInfo)
}

func run(c byte, n int) func() []byte {
	return func() []byte { return bytes.Repeat([]byte{c}, n) }
}

// Level-1 blocks close once 99981 RLE'd bytes are in; textLike has no
// runs, so its length is its RLE'd length.
const level1Max = 100000 - 19

var fixtures = []fixture{
	{name: "empty", level: 9, input: func() []byte { return nil }},
	{name: "byte", level: 9, input: func() []byte { return []byte("x") }},
	{name: "run3", level: 9, input: run('a', 3)},
	{name: "run4", level: 9, input: run('a', 4)},
	{name: "run5", level: 9, input: run('a', 5)},
	{name: "run255", level: 9, input: run('a', 255)},
	{name: "run256", level: 9, input: run('a', 256)},
	{name: "run1000", level: 9, input: run('a', 1000)},
	{name: "runs-mixed", level: 9, input: func() []byte {
		var b []byte
		for n := 1; n < 300; n += 7 {
			b = append(b, bytes.Repeat([]byte{byte(n)}, n)...)
			b = append(b, 'q')
		}
		return b
	}},
	// The first 'z' fills the block: the whole run goes to block 2.
	{name: "straddle-pending", level: 1, input: func() []byte {
		return append(append(textLike(level1Max, 1), bytes.Repeat([]byte("z"), 1000)...), "end\n"...)
	}, check: wantBlocks(2)},
	// The 255-run flushed by the 256th 'z' fills the block; the rest of
	// the run opens block 2.
	{name: "straddle-split", level: 1, input: func() []byte {
		return append(append(textLike(level1Max-3, 2), bytes.Repeat([]byte("z"), 600)...), "end"...)
	}, check: wantBlocks(2)},
	// The input ends exactly as the block fills: the bzip2 tool gives the
	// last byte a block of its own, BZ2_bzBuffToBuffCompress does not.
	{name: "edge-tool", level: 1, input: func() []byte { return textLike(level1Max+1, 3) },
		check: func(t *testing.T, p Params, streams []streamInfo) {
			if p.Streams[0].Finish || len(streams[0].blocks) != 2 {
				t.Errorf("Finish %v, %d blocks; want false, 2", p.Streams[0].Finish, len(streams[0].blocks))
			}
		}},
	{name: "edge-finish", level: 1, finish: true, input: func() []byte { return textLike(level1Max+1, 3) },
		check: func(t *testing.T, p Params, streams []streamInfo) {
			if !p.Streams[0].Finish || len(streams[0].blocks) != 1 {
				t.Errorf("Finish %v, %d blocks; want true, 1", p.Streams[0].Finish, len(streams[0].blocks))
			}
		}},
	{name: "text-1", level: 1, input: func() []byte { return textLike(60000, 4) }},
	{name: "text-5", level: 5, input: func() []byte { return textLike(60000, 5) }},
	{name: "text-9", level: 9, input: func() []byte { return textLike(60000, 6) }},
	{name: "random", level: 9, input: func() []byte { return randomBytes(20000, 7) }},
	{name: "allbytes", level: 9, input: func() []byte {
		var b []byte
		for i := 0; i < 256; i++ {
			b = append(b, byte(i))
		}
		for i := 255; i >= 0; i-- {
			b = append(b, byte(i), byte(i), byte(255-i))
		}
		for i := 0; i < 256; i++ {
			b = append(b, bytes.Repeat([]byte{byte(i)}, 4+i%7)...)
		}
		return b
	}},
	// Two copies of 5000 random bytes: libbzip2's main sort orders the
	// equal rotations its own way, which Params records.
	{name: "periodic-2x", level: 9, input: func() []byte {
		u := randomBytes(5000, 8)
		return append(u, u...)
	}, check: func(t *testing.T, p Params, streams []streamInfo) {
		t.Logf("rotations %v", p.Rotations)
	}},
	// 5 MB of zeros: "\0\0\0\0\xfb" repeated fills a level-1 block.
	{name: "zeros", level: 1, input: func() []byte { return make([]byte, 5<<20) },
		check: func(t *testing.T, p Params, streams []streamInfo) {
			if len(p.Rotations) != 0 {
				t.Errorf("rotations %v: prediction missed", p.Rotations)
			}
		}},
	{name: "concat", parts: []string{"text-1", "empty", "byte", "run1000"}, check: func(t *testing.T, p Params, streams []streamInfo) {
		if len(p.Streams) != 4 {
			t.Errorf("%d streams, want 4", len(p.Streams))
		}
	}},
}

func wantBlocks(n int) func(t *testing.T, p Params, streams []streamInfo) {
	return func(t *testing.T, p Params, streams []streamInfo) {
		if got := len(streams[0].blocks); got != n {
			t.Errorf("%d blocks, want %d", got, n)
		}
	}
}

func fixtureInput(t *testing.T, f fixture) []byte {
	if f.parts == nil {
		return f.input()
	}
	var b []byte
	for _, name := range f.parts {
		for _, g := range fixtures {
			if g.name == name {
				b = append(b, fixtureInput(t, g)...)
			}
		}
	}
	return b
}

func TestFixtures(t *testing.T) {
	if *update {
		writeFixtures(t)
	}
	for _, f := range fixtures {
		t.Run(f.name, func(t *testing.T) {
			src, err := os.ReadFile(filepath.Join("testdata", f.name+".bz2"))
			if err != nil {
				t.Fatal(err)
			}
			in := fixtureInput(t, f)
			p := roundTrip(t, f.name, src, in)
			if f.check != nil && !t.Failed() {
				_, streams, err := decode(src, 1<<30)
				if err != nil {
					t.Fatal(err)
				}
				f.check(t, p, streams)
			}
		})
	}
}

func writeFixtures(t *testing.T) {
	haveBzip2(t)
	files := map[string][]byte{}
	for _, f := range fixtures {
		var out []byte
		switch {
		case f.parts != nil:
			for _, name := range f.parts {
				out = append(out, files[name]...)
			}
		case f.finish:
			out = buffToBuff(t, f.input(), f.level)
		default:
			out = sysBzip2(t, f.input(), f.level)
		}
		files[f.name] = out
		if err := os.WriteFile(filepath.Join("testdata", f.name+".bz2"), out, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// buffToBuff calls libbzip2's one-shot BZ2_bzBuffToBuffCompress through
// python3's ctypes (only when regenerating fixtures).
func buffToBuff(t *testing.T, data []byte, level int) []byte {
	const script = `import ctypes, sys
lib = ctypes.CDLL("libbz2.so.1.0")
data = sys.stdin.buffer.read()
n = ctypes.c_uint(len(data) + len(data) // 50 + 1000)
dest = ctypes.create_string_buffer(n.value)
if lib.BZ2_bzBuffToBuffCompress(dest, ctypes.byref(n), data, len(data), int(sys.argv[1]), 0, 30) != 0:
    sys.exit(1)
sys.stdout.buffer.write(dest.raw[:n.value])
`
	cmd := exec.Command("python3", "-c", script, strconv.Itoa(level))
	cmd.Stdin = bytes.NewReader(data)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("BZ2_bzBuffToBuffCompress via python3: %v", err)
	}
	return out
}
