package codec

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dcar-archiver/dcar/format"
	"github.com/dcar-archiver/dcar/format/exe"
)

func cmBinBlock() Block {
	return Block{Params: append([]byte{paramsVersion}, cmBinFingerprints[len(cmBinFingerprints)-1][:]...)}
}

// records is n fixed-length records of 16 bytes (counters, a square, a
// falling 16-bit value, flags) as the golden's records.bin.
func records(n int) []byte {
	files := GoldenBinFiles()
	for len(files[0].Data) < 16*n {
		files[0].Data = append(files[0].Data, files[0].Data...)
	}
	return files[0].Data[:16*n]
}

// The trial picks the binary model for records and the text model for
// NUL-separated fields; blocks of every length round-trip, including
// longer than the trial, which are coded again in full.
func TestCMBinRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	noise := make([]byte, 3000)
	for i := range noise {
		noise[i] = byte(rng.Uint32())
	}
	long := records(segTrial/16 + 4097)
	for i := 0; i < len(long); i += 97 {
		long[i] ^= byte(i >> 7) // not periodic all the way
	}
	fields := GoldenBinFiles()[1].Data
	for _, c := range []struct {
		name string
		src  []byte
		kind byte
	}{
		{"one byte", []byte{0}, 0},
		{"records", records(256), segBinaryT},
		{"fields", fields, segText4T},
		{"mostly non-ASCII text", GoldenCyrillicFiles()[0].Data, segText3T},
		{"noise", noise, 0},
		{"longer than the trial", long, segBinaryT},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := cmBinBlock()
			enc, err := cmBin{}.Compress([]byte("prefix"), c.src, b)
			if err != nil {
				t.Fatal(err)
			}
			if c.kind != 0 && enc[6] != c.kind {
				t.Errorf("model byte %d, want %d", enc[6], c.kind)
			}
			got, err := cmBin{}.Decompress([]byte("out:"), enc[6:], len(c.src), b)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, append([]byte("out:"), c.src...)) {
				t.Fatal("round trip differs")
			}
			t.Logf("%d -> %d bytes", len(c.src), len(enc)-6)
		})
	}
}

// The planner takes uncompressed data that no other planner took, but
// not data known to be compressed or that looks random.
func TestPlanCMBin(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	noise := make([]byte, 100_000)
	for i := range noise {
		noise[i] = byte(rng.Uint32())
	}
	for _, c := range []struct {
		name string
		kind Kind
		data []byte
		want bool
	}{
		{"records", Kind{Modality: format.ModalityOther}, records(4096), true},
		{"random", Kind{Modality: format.ModalityOther}, noise, false},
		{"compressed", Kind{Modality: format.ModalityOther, MIME: "application/zip", Compressed: true}, records(4096), false},
		{"empty", Kind{Modality: format.ModalityOther}, nil, false},
	} {
		ch, ok := planCMBin(c.kind, bytes.NewReader(c.data), int64(len(c.data)))
		if ok != c.want || ok && ch.Codec != format.CodecCMBin {
			t.Errorf("%s: planned %v (%d), want %v", c.name, ok, ch.Codec, c.want)
		}
	}
}

// cm-bin checks its parameters and segment headers: another model fails
// naming cm-bin, set-1 headers (which carry no table bits), table bits
// above the limit and truncated streams are corrupt.
func TestCMBinErrors(t *testing.T) {
	b := cmBinBlock()
	src := records(300)
	enc, err := cmBin{}.Compress(nil, src, b)
	if err != nil {
		t.Fatal(err)
	}
	other := cmBinBlock()
	other.Params[5] ^= 1
	if _, err := (cmBin{}).Decompress(nil, enc, len(src), other); !errors.Is(err, ErrModelMismatch) || !strings.Contains(err.Error(), "cm-bin") {
		t.Errorf("other fingerprint: %v", err)
	}
	if _, err := (cmBin{}).Decompress(nil, enc, len(src), Block{Params: []byte{1}}); !errors.Is(err, ErrParams) {
		t.Errorf("short params: %v", err)
	}
	bad := func(name string, payload []byte) {
		t.Helper()
		if _, err := (cmBin{}).Decompress(nil, payload, len(src), b); !errors.Is(err, format.ErrCorrupt) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if enc[0] != segBinaryT || enc[2] != segTableBits {
		t.Fatalf("header % x, want binary model, stride 16, table bits %d", enc[:3], segTableBits)
	}
	bad("truncated", enc[:len(enc)-3])
	bad("empty", nil)
	bad("set-1 header", append([]byte{segBinary, 16}, enc[3:]...))
	bad("table bits 21", append([]byte{segBinaryT, 16, maxSegTableBits + 1}, enc[3:]...))
	bad("table bits 9", append([]byte{segBinaryT, 16, 9}, enc[3:]...))
	bad("unknown model", append([]byte{4}, enc[1:]...))
}

func FuzzCMBinDecompress(f *testing.F) {
	b := cmBinBlock()
	for _, src := range [][]byte{records(40), GoldenBinFiles()[1].Data[:500]} {
		enc, _ := cmBin{}.Compress(nil, src, b)
		f.Add(enc, len(src))
	}
	f.Fuzz(func(t *testing.T, src []byte, n int) {
		if n < 0 || n > 1<<14 {
			return
		}
		cmBin{}.Decompress(nil, src, n, b)
	})
}

func BenchmarkCMBinCompress(b *testing.B)   { benchCompress(b, cmBin{}, cmBinBlock()) }
func BenchmarkCMBinDecompress(b *testing.B) { benchDecompress(b, cmBin{}, cmBinBlock()) }

// No more context-mixing models are alive at once than there are model
// slots, however many segments and blocks are coded concurrently.
func TestModelSlots(t *testing.T) {
	var live, peak atomic.Int32
	f := func(int) error {
		defer holdModel()()
		n := live.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(2 * time.Millisecond)
		live.Add(-1)
		return nil
	}
	var wg sync.WaitGroup
	for range 3 { // three blocks of 8 segments each
		wg.Go(func() { eachSegment(8, f) })
	}
	wg.Wait()
	if p, slots := peak.Load(), cap(modelSlots()); p > int32(slots) || p < 1 {
		t.Errorf("peak %d models alive, %d slots", p, slots)
	}
}

// TestCMBinFilters checks the executable filters: the x86 one planned for
// an x86-64 ELF file, the ARM64 one for an AArch64 one, neither for other
// data (a tenth parameter byte), both directions exact, the filtered
// block smaller, an unknown filter refused.
func TestCMBinFilters(t *testing.T) {
	files := GoldenX86Files()
	elf, rec := files[0].Data, files[1].Data
	ch, ok := planCMBin(Kind{}, bytes.NewReader(elf), int64(len(elf)))
	if !ok || len(ch.Params) != 10 || ch.Params[9] != byte(exe.X86) {
		t.Fatalf("ELF x86-64 planned %v with parameters %x, want cm-bin with the x86 filter", ok, ch.Params)
	}
	if ch, ok := planCMBin(Kind{}, bytes.NewReader(rec), int64(len(rec))); !ok || len(ch.Params) != 9 {
		t.Fatalf("records planned %v with parameters %x, want cm-bin without a filter", ok, ch.Params)
	}
	filtered := Block{Params: ch.Params}
	enc, err := cmBin{}.Compress(nil, elf, filtered)
	if err != nil {
		t.Fatal(err)
	}
	dec, err := cmBin{}.Decompress([]byte("x"), enc, len(elf), filtered)
	if err != nil || !bytes.Equal(dec[1:], elf) {
		t.Fatalf("round trip: %v", err)
	}
	plain, err := cmBin{}.Compress(nil, elf, cmBinBlock())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("x86 filter: %d bytes, without %d", len(enc), len(plain))
	if len(enc) >= len(plain) {
		t.Errorf("filtered %d bytes, unfiltered %d", len(enc), len(plain))
	}
	arm := GoldenARM64Files()[0].Data
	if ch, ok := planCMBin(Kind{}, bytes.NewReader(arm), int64(len(arm))); !ok || len(ch.Params) != 10 || ch.Params[9] != byte(exe.ARM64) {
		t.Fatalf("ELF AArch64 planned %v with parameters %x, want cm-bin with the ARM64 filter", ok, ch.Params)
	} else {
		enc, err := cmBin{}.Compress(nil, arm, Block{Params: ch.Params})
		if err != nil {
			t.Fatal(err)
		}
		dec, err := cmBin{}.Decompress(nil, enc, len(arm), Block{Params: ch.Params})
		if err != nil || !bytes.Equal(dec, arm) {
			t.Fatalf("ARM64 round trip: %v", err)
		}
		plain, _ := cmBin{}.Compress(nil, arm, cmBinBlock())
		t.Logf("ARM64 filter: %d bytes, without %d", len(enc), len(plain))
		if len(enc) >= len(plain) {
			t.Errorf("ARM64 filtered %d bytes, unfiltered %d", len(enc), len(plain))
		}
	}
	bad := Block{Params: append(bytes.Clone(ch.Params[:9]), 3)}
	if _, err := (cmBin{}).Decompress(nil, enc, len(elf), bad); !errors.Is(err, ErrParams) {
		t.Errorf("filter 3: %v, want ErrParams", err)
	}
}
