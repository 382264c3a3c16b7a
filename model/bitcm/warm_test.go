package bitcm

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"testing"

	"github.com/dcar-archiver/dcar/coder"
)

// The version 2 text model with its shipped warm start: a pinned
// stream (it passes on every GOARCH and with -tags purego), and its
// fingerprint.
func TestGoldenText(t *testing.T) {
	src := append(sampleText(60000, 11), randomBytes(3000, 12)...)
	src = append(src, []byte("(a [b {c <d \"e\" f> g} h] i)\n\tx := f(y[3], \"z\")\n")...)
	// Version 3's contexts see lines, tokens and brackets: a few lines of
	// code as well.
	code := []byte("func f(x int) int {\n\tif x > 0 {\n\t\treturn g(x, h(x-1))\n\t}\n\treturn 0\n}\n")
	src3 := append(append([]byte{}, src...), bytes.Repeat(code, 40)...)
	for _, g := range []struct {
		name       string
		config     func() (Config, error)
		cold       Config
		src        []byte
		stream, fp string
	}{
		{"version 2", TextConfig, TextConfigCold(), src, "865f10784efd7ba5f861ca6167ab6402b2517fcc63fdebcc190c1b8dd351e0e6", "cd94e43648f44e8b"},
		{"version 3", Text3Config, Text3ConfigCold(), src3, "ef3e626a6c9044dea249efbccfaa927ae22004a03314fcd5b516ed5882983ba7", "b5035dd8ad6925a8"},
		{"version 4", Text4Config, Text4ConfigCold(), src3, "62d47130a0460870a3eb6d7bbee3e7d23db9d41c1c519e91a7b68367e5bc577a", "d5c54caf9db458dc"},
		{"version 5", Text5Config, Text5ConfigCold(), src3, "f26ea40bbf4a79b820080c76aefa0b591aa349a254efa8c0a53fd72b46932d9c", "990951c530dc065c"},
		{"version 6", Text6Config, Text6ConfigCold(), src3, "098e0113b6e0c82e479db411f65efcccf5908c9def6f32ddcfdff5e3704883a3", "a08ec3fd3b5d8f68"},
		{"version 7", Text7Config, Text7ConfigCold(), src3, "424c080cd36c5267d828b0ed474237f9a4ea11119f4dd588d5674542a428d204", "6334aa707b611ca4"},
		{"version 8", Text8Config, Text8ConfigCold(), src3, "cdb8aa625000e3103e63a95065f8d5f37409557d2589bc74e29856aa9a6833c3", "87528ab070f92558"},
	} {
		cfg, err := g.config()
		if err != nil {
			t.Fatal(err)
		}
		out := roundTrip(t, "golden text "+g.name, g.src, cfg)
		s := sha256.Sum256(out)
		if got := hex.EncodeToString(s[:]); got != g.stream {
			t.Errorf("%s: golden stream: %d bytes, sha256 %s, want %s", g.name, len(out), got, g.stream)
		}
		fp := Fingerprint(cfg)
		if got := hex.EncodeToString(fp[:]); got != g.fp {
			t.Errorf("%s: fingerprint %s", g.name, got)
		}
		// The warm start pays on a small text.
		cold, err := Encode(g.src[:4000], g.cold)
		if err != nil {
			t.Fatal(err)
		}
		warm, err := Encode(g.src[:4000], cfg)
		if err != nil {
			t.Fatal(err)
		}
		if len(warm) >= len(cold) {
			t.Errorf("%s: 4000 bytes: %d coded with the warm start, %d without", g.name, len(warm), len(cold))
		}
	}
}

// A trained warm start survives MarshalBinary and ParseWarm, codes the
// same bits, and changes the fingerprint; one for another shape fails.
func TestWarmRoundTrip(t *testing.T) {
	cfg := DefaultConfig()
	cfg.TableBits = 12
	t.Run("version 1", func(t *testing.T) { testWarmRoundTrip(t, cfg, warmMagic) })
	cfg.Match2Min, cfg.HistDepth, cfg.SSE3 = 12, true, true
	t.Run("version 3", func(t *testing.T) { testWarmRoundTrip(t, cfg, warmMagic3) })
}

func testWarmRoundTrip(t *testing.T, cfg Config, magic string) {
	w, err := TrainWarm(cfg, [][]byte{sampleText(3000, 1), sampleText(2000, 2)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := w.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if string(b[:len(magic)]) != magic {
		t.Errorf("stored as %q, want %q", b[:len(magic)], magic)
	}
	w2, err := ParseWarm(b)
	if err != nil {
		t.Fatal(err)
	}
	src := sampleText(5000, 3)
	a, b2 := cfg, cfg
	a.Warm, b2.Warm = w, w2
	x := roundTrip(t, "warm", src, a)
	y := roundTrip(t, "parsed warm", src, b2)
	if !bytes.Equal(x, y) {
		t.Error("a parsed warm start codes differently")
	}
	if Fingerprint(a) == Fingerprint(cfg) || Fingerprint(a) != Fingerprint(b2) {
		t.Error("the fingerprint does not follow the warm start")
	}
	other := BinaryConfig(0)
	other.Warm = w
	if _, err := Encode(src, other); !errors.Is(err, ErrWarm) {
		t.Errorf("warm start of another shape: %v", err)
	}
	for _, bad := range [][]byte{nil, b[:5], b[:len(b)-1], append(append([]byte(nil), b...), 0)} {
		if _, err := ParseWarm(bad); !errors.Is(err, ErrWarm) {
			t.Errorf("damaged warm start of %d bytes: %v", len(bad), err)
		}
	}
}

// countPrior is a deterministic Prior for tests: an order-0 count of the
// bytes so far.
type countPrior struct {
	n  [256]uint32
	ft coder.FreqTable
}

func (p *countPrior) Next() *coder.FreqTable {
	lg := make([]int32, 256)
	for i := range lg {
		lg[i] = int32(min(p.n[i], 4000))
	}
	if err := p.ft.SetLogits(lg, 16); err != nil {
		panic(err)
	}
	return &p.ft
}

func (p *countPrior) Update(b byte) { p.n[b] += 4 }

// A model with a prior decodes with an identical prior, and a prior
// that knows less than the contexts (order 0) costs little: the mixers
// learn how far to trust it.
func TestPriorRoundTrip(t *testing.T) {
	t.Run("8 bits", func(t *testing.T) { testPriorRoundTrip(t, DefaultConfig()) })
	tree := DefaultConfig()
	tree.Tree = true
	t.Run("code tree", func(t *testing.T) { testPriorRoundTrip(t, tree) })
	wc := Text6ConfigCold()
	wc.TableBits = 16
	t.Run("word code", func(t *testing.T) { testPriorRoundTrip(t, wc) })
	v8 := Text8ConfigCold()
	v8.TableBits = 16
	t.Run("version 8", func(t *testing.T) { testPriorRoundTrip(t, v8) })
}

// recordPrior is countPrior that keeps every byte it is told.
type recordPrior struct {
	countPrior
	seen []byte
}

func (p *recordPrior) Update(b byte) {
	p.countPrior.Update(b)
	p.seen = append(p.seen, b)
}

// With the word code, the prior reads the text, not its transform: every
// byte once, in order, on both sides.
func TestWordPriorReadsText(t *testing.T) {
	cfg := Text6ConfigCold()
	cfg.TableBits = 14
	src := []byte("The THE the theFirst x1the Élan caf\xc3\xa9 ALL-CAPS, unknownword andTheRest.\nfunc (m *Model) update(y int) { return }\n")
	src = append(src, sampleText(3000, 2)...)
	enc, dec := &recordPrior{}, &recordPrior{}
	out, err := EncodePrior(src, cfg, enc)
	if err != nil {
		t.Fatal(err)
	}
	back, err := DecodePriorTo(make([]byte, len(src)), out, cfg, dec)
	if err != nil || !bytes.Equal(back, src) {
		t.Fatalf("round trip: %v", err)
	}
	// The last byte's Update may be withheld (nothing follows it).
	for name, p := range map[string]*recordPrior{"encoder": enc, "decoder": dec} {
		if !bytes.HasPrefix(src, p.seen) || len(src)-len(p.seen) > 1 {
			t.Errorf("%s's prior read %d bytes, not the %d of the text: %q", name, len(p.seen), len(src), p.seen[:min(len(p.seen), 40)])
		}
	}
}

func testPriorRoundTrip(t *testing.T, cfg Config) {
	src := append(sampleText(20000, 5), bytes.Repeat([]byte{0xfe, 0xff}, 3000)...)
	src = append(src, "The End. THE END. TheEnd, the end: x2the"...)
	enc, err := EncodePrior(src, cfg, &countPrior{})
	if err != nil {
		t.Fatal(err)
	}
	dec, err := DecodePriorTo(make([]byte, len(src)), enc, cfg, &countPrior{})
	if err != nil || !bytes.Equal(dec, src) {
		t.Fatalf("round trip: %v", err)
	}
	plain, err := Encode(src, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d bytes: %d with the prior, %d without", len(src), len(enc), len(plain))
	if len(enc) > len(plain)+len(plain)/50 {
		t.Errorf("the prior costs: %d vs %d", len(enc), len(plain))
	}
}

func FuzzParseWarm(f *testing.F) {
	cfg := DefaultConfig()
	cfg.TableBits = 10
	w, err := TrainWarm(cfg, [][]byte{sampleText(500, 1)}, nil)
	if err != nil {
		f.Fatal(err)
	}
	b, _ := w.MarshalBinary()
	f.Add(b)
	f.Add([]byte(warmMagic))
	// Format version 2: a model with a second match model.
	cfg.Match2Min = 12
	w, err = TrainWarm(cfg, [][]byte{sampleText(500, 1)}, nil)
	if err != nil {
		f.Fatal(err)
	}
	b, _ = w.MarshalBinary()
	if string(b[:len(warmMagic2)]) != warmMagic2 {
		f.Fatal("a warm start with a second match model is not format version 2")
	}
	f.Add(b)
	// Format version 3: history maps per depth, the order-3 map.
	cfg.HistDepth, cfg.SSE3 = true, true
	w, err = TrainWarm(cfg, [][]byte{sampleText(500, 1)}, nil)
	if err != nil {
		f.Fatal(err)
	}
	b, _ = w.MarshalBinary()
	if string(b[:len(warmMagic3)]) != warmMagic3 {
		f.Fatal("a warm start of the version 8 model is not format version 3")
	}
	f.Add(b)
	f.Fuzz(func(t *testing.T, data []byte) {
		w, err := ParseWarm(data)
		if err != nil {
			return
		}
		again, _ := w.MarshalBinary()
		if !bytes.Equal(again, data) {
			t.Fatal("a parsed warm start marshals differently")
		}
	})
}

// A primer is read before the segment on both sides: the round trip is
// exact, the fingerprint changes, and text like the primer codes
// smaller.
func TestPrimer(t *testing.T) {
	cfg := DefaultConfig()
	cfg.TableBits = 14
	primer := sampleText(20000, 3)
	src := append(sampleText(3000, 4), primer[5000:9000]...)
	plain := roundTrip(t, "without primer", src, cfg)
	fp := Fingerprint(cfg)
	cfg.Primer = primer
	primed := roundTrip(t, "with primer", src, cfg)
	if Fingerprint(cfg) == fp {
		t.Error("the primer does not change the fingerprint")
	}
	if len(primed) >= len(plain)*3/4 {
		t.Errorf("%d bytes with the primer, %d without", len(primed), len(plain))
	}
	cfg.Primer = append(bytes.Clone(primer[:len(primer)-1]), primer[len(primer)-1]^1)
	if out, err := Decode(primed, len(src), cfg); err == nil && bytes.Equal(out, src) {
		t.Error("decoded with another primer")
	}
}

// TestSmallTables checks the capped tables: on a segment long enough
// for 2^18-line tables, version 3's four contexts with few values get
// 2^16 lines and the others 2^18, version 4's twelve, and the streams
// (pinned) decode. The goldens above are too short to reach the cap.
func TestSmallTables(t *testing.T) {
	src := sampleText(300000, 21)
	for _, c := range []struct {
		name   string
		cfg    Config
		small  int
		stream string
	}{
		{"version 3", Text3ConfigCold(), 4, "a4fd27a1a17dc3d60f8dd6ba1f0fa298aaf091aff15ac160fbbe6622b90d8690"},
		{"version 4", Text4ConfigCold(), 12, "955b92f8743ac1c2f4ac7bc07166b3d3200758b932dbfa4964929011e8c53716"},
		{"version 5", Text5ConfigCold(), 12, "aa39470423e201ac3f0dae215336aff0a051ba906c7cdc8361537c967e06d1e7"},
		{"version 6", Text6ConfigCold(), 12, "64f6067c294add7fdd7325cdc90ae80aea641cb3d749c575bb650c04c958ec85"},
	} {
		m, err := newModel(len(src), make([]byte, 0, len(src)), c.cfg, nil)
		if err != nil {
			t.Fatal(err)
		}
		small := 0
		for i, tab := range m.tabs {
			switch len(tab) {
			case lineLen << 16:
				small++
			case lineLen << 18:
			default:
				t.Errorf("%s: context %d: table of %d nodes", c.name, i, len(tab))
			}
		}
		freeTables(m.tabBuf)
		if small != c.small {
			t.Errorf("%s: %d capped tables, want %d", c.name, small, c.small)
		}
		out := roundTrip(t, c.name+" capped tables", src, c.cfg)
		s := sha256.Sum256(out)
		if got := hex.EncodeToString(s[:]); got != c.stream {
			t.Errorf("%s: stream: %d bytes, sha256 %s, want %s", c.name, len(out), got, c.stream)
		}
	}
}
