package bitcm

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

var (
	measure = flag.String("measure", "", "directory of files to measure (tuning)")
	mSeg    = flag.Int("mseg", 4<<20, "segment size")
	mSet    = flag.String("set", "", "config overrides, e.g. orders=2,3,4;limit=127")
	mVerify = flag.Bool("verify", false, "decode and compare")
	mBinary = flag.Bool("binary", false, "BinaryConfig with the detected stride per segment")
	mWarmT  = flag.String("warm-train", "", "train a warm start on the files of this directory (shuffled, in order of a hash of their names) first")
	mWarm   = flag.String("warm", "", "warm-start file to use (written here with -warm-train)")
	mLite   = flag.Int("lite", 0, "the lite model's version 1, 2 or 3 (EncodeLite, EncodeLite2, EncodeLite3) instead of a Config")
)

// measureWarm returns the warm start of -warm or -warm-train for cfg.
func measureWarm(t testing.TB, cfg Config) *Warm {
	if *mWarmT != "" {
		files, _ := filepath.Glob(filepath.Join(*mWarmT, "*"))
		sort.Slice(files, func(i, j int) bool { return hash32(strHash(files[i]), 1) < hash32(strHash(files[j]), 1) })
		var segs [][]byte
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			segs = append(segs, b)
		}
		w, err := TrainWarm(cfg, segs, nil)
		if err != nil {
			t.Fatal(err)
		}
		if *mWarm != "" {
			b, _ := w.MarshalBinary()
			if err := os.WriteFile(*mWarm, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return w
	}
	if *mWarm == "" {
		return nil
	}
	b, err := os.ReadFile(*mWarm)
	if err != nil {
		t.Fatal(err)
	}
	w, err := ParseWarm(b)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func strHash(s string) uint32 {
	var h uint32
	for i := 0; i < len(s); i++ {
		h = (h + uint32(s[i]) + 1) * 0x2F0F1F47
	}
	return h
}

func tunedConfig(t testing.TB) Config {
	c := DefaultConfig()
	if *mSet == "" {
		return c
	}
	for _, kv := range strings.Split(*mSet, ";") {
		k, v, _ := strings.Cut(kv, "=")
		n, _ := strconv.Atoi(v)
		switch k {
		case "text", "text3", "text4", "text5", "text6", "text7", "text8": // TextConfig / Text3Config / ... / Text8Config (warm) or, with 0, their cold models
			cold, warm := TextConfigCold, TextConfig
			switch k {
			case "text3":
				cold, warm = Text3ConfigCold, Text3Config
			case "text4":
				cold, warm = Text4ConfigCold, Text4Config
			case "text5":
				cold, warm = Text5ConfigCold, Text5Config
			case "text6":
				cold, warm = Text6ConfigCold, Text6Config
			case "text7":
				cold, warm = Text7ConfigCold, Text7Config
			case "text8":
				cold, warm = Text8ConfigCold, Text8Config
			}
			c = cold()
			if n != 0 {
				w, err := warm()
				if err != nil {
					t.Fatal(err)
				}
				c = w
			}
		case "orders":
			c.Orders = nil
			for _, s := range strings.Split(v, ",") {
				o, _ := strconv.Atoi(s)
				c.Orders = append(c.Orders, o)
			}
		case "word":
			c.Word = n != 0
		case "col":
			c.Column = n != 0
		case "sparse":
			c.Sparse = n != 0
		case "stride":
			c.Stride = n
		case "word2":
			c.Word2 = n != 0
		case "match":
			c.MatchMin = n
		case "tb":
			c.TableBits = uint(n)
		case "limit":
			c.Limit = uint32(n)
		case "mixlr":
			c.MixLR = int32(n)
		case "w0":
			c.W0 = n
		case "w1":
			c.W1 = n
		case "lrend":
			c.MixLREnd = int32(n)
		case "decay":
			c.MixDecay = int32(n)
		case "ind":
			c.Indirect = n != 0
		case "wskip":
			c.WordSkip = n != 0
		case "nest":
			c.Nest = n != 0
		case "mix2":
			c.Mix2 = n != 0
		case "linestart":
			c.LineStart = n != 0
		case "lineword":
			c.LineWord = n != 0
		case "wordnext":
			c.WordNext = n != 0
		case "calls":
			c.Calls = n != 0
		case "punct":
			c.Punct = n != 0
		case "small":
			c.SmallBits = uint(n)
		case "smallmore":
			c.SmallMore = n != 0
		case "match2":
			c.Match2Min = n
		case "tree":
			c.Tree = n != 0
		case "wordcode":
			c.WordCode = n
		case "textcol":
			c.TextColumns = n != 0
		case "above2":
			c.Above2 = n != 0
		case "shape":
			c.Shape = n != 0
		case "histdepth":
			c.HistDepth = n != 0
		case "sse3":
			c.SSE3 = n != 0
		case "finallr":
			c.FinalLR = int32(n)
		default:
			t.Fatalf("unknown key %q", k)
		}
	}
	return c
}

// TestMeasure codes every file of -measure in segments of -mseg bytes and
// reports bits per byte from the real coded sizes.
func TestMeasure(t *testing.T) {
	if *measure == "" {
		t.Skip("-measure DIR not given")
	}
	cfg := tunedConfig(t)
	if w := measureWarm(t, cfg); w != nil {
		cfg.Warm = w
	}
	files, _ := filepath.Glob(filepath.Join(*measure, "*"))
	var raw, coded int64
	var el time.Duration
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var fc int64
		for off := 0; off < len(data); off += *mSeg {
			seg := data[off:min(off+*mSeg, len(data))]
			t0 := time.Now()
			if *mBinary {
				st := DetectStride(seg)
				cfg = BinaryConfig(st)
				if *mSet != "" {
					cfg = tunedConfig(t)
					cfg.Stride = st
				}
			}
			var out []byte
			switch *mLite {
			case 1:
				out, err = EncodeLite(seg)
			case 2:
				out, err = EncodeLite2(seg)
			case 3:
				out, err = EncodeLite3(seg)
			default:
				out, err = Encode(seg, cfg)
			}
			el += time.Since(t0)
			if err != nil {
				t.Fatal(err)
			}
			if *mVerify {
				var back []byte
				switch *mLite {
				case 1:
					back, err = DecodeLite(out, len(seg))
				case 2:
					back, err = DecodeLite2(out, len(seg))
				case 3:
					back, err = DecodeLite3(out, len(seg))
				default:
					back, err = Decode(out, len(seg), cfg)
				}
				if err != nil || !bytes.Equal(back, seg) {
					t.Fatalf("%s: round trip failed: %v", f, err)
				}
			}
			fc += int64(len(out))
		}
		raw += int64(len(data))
		coded += fc
		fmt.Printf("%-40s %9d %8d %.4f\n", filepath.Base(f), len(data), fc, 8*float64(fc)/float64(len(data)))
	}
	fmt.Printf("TOTAL %d %d %.4f bpb  %.3f MB/s\n", raw, coded, 8*float64(coded)/float64(raw), float64(raw)/el.Seconds()/1e6)
}
