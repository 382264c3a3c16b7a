package txtctx

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"math/rand/v2"
	"strings"
	"testing"
)

func roundTrip(t *testing.T, name string, src []byte) []byte {
	t.Helper()
	enc := EncodeSegment(src)
	dec, err := DecodeSegmentConfig(enc, len(src), DefaultConfig())
	if err != nil {
		t.Fatalf("%s: decode: %v", name, err)
	}
	if !bytes.Equal(dec, src) {
		t.Fatalf("%s: round trip mismatch", name)
	}
	return enc
}

func sampleText(n int, seed uint64) []byte {
	words := strings.Fields("the of and to a in is it you that he was for on are with as I his they be at one have this from or had by hot word but what some we can out other were all there when up use your how said an each she which do their time if will way about many then them write would like so these her long make thing see him two has look more day could go come did number sound no most people my over know water than call first who may down side been now find")
	r := rand.New(rand.NewPCG(seed, 7))
	var b bytes.Buffer
	for b.Len() < n {
		b.WriteString(words[r.IntN(len(words))])
		switch r.IntN(12) {
		case 0:
			b.WriteString(".\n")
		case 1:
			b.WriteString(", ")
		default:
			b.WriteByte(' ')
		}
	}
	return b.Bytes()[:n]
}

func TestRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	garbage := make([]byte, 20000)
	for i := range garbage {
		garbage[i] = byte(r.Uint32())
	}
	rep := bytes.Repeat([]byte("abcabcabd"), 5000)
	cases := map[string][]byte{
		"empty":   {},
		"one":     {'x'},
		"zero":    {0},
		"ff":      bytes.Repeat([]byte{0xff}, 3),
		"garbage": garbage,
		"repeat":  rep,
		"zeros":   make([]byte, 70000),
		"text":    sampleText(50000, 3),
	}
	for name, src := range cases {
		enc := roundTrip(t, name, src)
		t.Logf("%-8s %6d -> %6d", name, len(src), len(enc))
	}
	if enc := EncodeSegment(make([]byte, 70000)); len(enc) > 200 {
		t.Errorf("zeros coded to %d bytes", len(enc))
	}
}

func TestConfigs(t *testing.T) {
	src := sampleText(20000, 9)
	for _, c := range []Config{
		{Orders: []int{2}, TableBits: 12, Limit: 255, LR: 3000},
		{MatchMin: 4, TableBits: 12, Limit: 30, LR: 3000},
		{Word: true, TableBits: 12, Limit: 2, LR: 3000},
		{TableBits: 10},
	} {
		enc, err := EncodeSegmentConfig(src, c)
		if err != nil {
			t.Fatal(err)
		}
		dec, err := DecodeSegmentConfig(enc, len(src), c)
		if err != nil || !bytes.Equal(dec, src) {
			t.Fatalf("config %+v: %v", c, err)
		}
	}
}

func TestDeterminism(t *testing.T) {
	src := sampleText(30000, 5)
	a := EncodeSegment(src)
	b := EncodeSegment(src)
	if !bytes.Equal(a, b) {
		t.Fatal("two encodings differ")
	}
}

// TestGolden pins the coded bytes of a fixed text: a change means the
// format changed (every machine and build tag must give this hash).
func TestGolden(t *testing.T) {
	src := sampleText(40000, 11)
	src = append(src, []byte("func main() {\n\tfmt.Println(\"hello, world\")\n}\n")...)
	enc := roundTrip(t, "golden", src)
	sum := sha256.Sum256(enc)
	got := hex.EncodeToString(sum[:])
	t.Logf("golden: %d -> %d bytes, sha256 %s", len(src), len(enc), got)
	if got != goldenHash {
		t.Fatalf("golden hash %s, want %s", got, goldenHash)
	}
}

const goldenHash = "7fea0f75e40a36ebb31d945b91e8556a01793d32b8fdaf4c87a796d3fcd2ab1a"

func TestDecodeErrors(t *testing.T) {
	src := sampleText(5000, 1)
	enc := EncodeSegment(src)
	if _, err := DecodeSegmentConfig(enc[:len(enc)-1], len(src), DefaultConfig()); err == nil {
		t.Error("truncated stream accepted")
	}
	if _, err := DecodeSegmentConfig(append(enc, 0), len(src), DefaultConfig()); err == nil {
		t.Error("trailing data accepted")
	}
	if _, err := DecodeSegmentConfig(enc, -1, DefaultConfig()); err == nil {
		t.Error("negative length accepted")
	}
	if _, err := DecodeSegmentConfig(nil, 0, DefaultConfig()); err == nil {
		t.Error("empty input accepted")
	}
}

func FuzzDecodeSegment(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0}, uint16(0))
	f.Add(EncodeSegment([]byte("hello hello hello")), uint16(17))
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, uint16(300))
	f.Fuzz(func(t *testing.T, data []byte, n uint16) {
		m := int(n % 4096)
		out, err := DecodeSegmentConfig(data, m, DefaultConfig())
		if err == nil {
			if len(out) != m {
				t.Fatalf("decoded %d bytes, want %d", len(out), m)
			}
			if !bytes.Equal(EncodeSegment(out), data) {
				t.Fatal("accepted input is not the encoding of its output")
			}
		}
	})
}
