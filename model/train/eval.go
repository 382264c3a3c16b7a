package train

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"

	"github.com/dcar-archiver/dcar/coder"
	"github.com/dcar-archiver/dcar/model"
)

// Chunks returns the sequences used for inference over s: each run of
// s.Starts split into pieces of at most t samples (t <= 0: whole runs).
func Chunks(s *Set, t int) [][2]int {
	var out [][2]int
	for i, st := range s.Starts {
		end := s.N
		if i+1 < len(s.Starts) {
			end = s.Starts[i+1]
		}
		for a := st; a < end; {
			n := end - a
			if t > 0 && n > t {
				n = t
			}
			out = append(out, [2]int{a, n})
			a += n
		}
	}
	return out
}

// Stats are cross-entropy and coded-size results over a set.
type Stats struct {
	N            int
	BaseBits     float64 // imgctx alone, cross-entropy
	NetBits      float64 // imgctx + network, cross-entropy
	BaseBytes    int     // imgctx alone, range-coded
	NetBytes     int     // imgctx + network, range-coded
	CodedStreams int
}

// Evaluate runs the network over s in sequences of at most t samples
// (batched rows of about batchRows) and returns cross-entropy totals. If
// code, it also range-codes s as ONE stream (samples in order) with the
// imgctx logits and with the final logits bias + round(delta*256/ln2)
// (float inference on this machine; not yet bit-exact across machines).
func (n *Net) Evaluate(s *Set, t, batchRows int, code bool) (Stats, error) {
	st := Stats{N: s.N}
	var b Batch
	var w Work
	var encB, encN coder.Encoder
	var ft coder.FreqTable
	if code {
		encB.Reset(nil)
		encN.Reset(nil)
	}
	var li [256]int32
	var zero [256]float32
	chunks := Chunks(s, t)
	flush := func() error {
		if b.R == 0 {
			return nil
		}
		st.NetBits += n.Forward(&b, &w, nil, code)
		for r := 0; r < b.R; r++ {
			st.BaseBits += lossRow(nil, zero[:], b.Bias[r*256:(r+1)*256], int(b.Tgt[r]), false) / ln2
			if !code {
				continue
			}
			bias := b.Bias[r*256 : (r+1)*256]
			for v := 0; v < 256; v++ {
				li[v] = int32(bias[v])
			}
			if err := ft.SetLogits(li[:], 16); err != nil {
				return err
			}
			encB.Encode(&ft, int(b.Tgt[r]))
			d := w.Delta[r*256 : (r+1)*256]
			for v := 0; v < 256; v++ {
				li[v] = int32(bias[v]) + int32(math.RoundToEven(float64(d[v])*(256/ln2)))
			}
			if err := ft.SetLogits(li[:], 16); err != nil {
				return err
			}
			encN.Encode(&ft, int(b.Tgt[r]))
		}
		b.Reset()
		return nil
	}
	for _, c := range chunks {
		b.Gather(s, c[0], c[1])
		if b.R >= batchRows {
			if err := flush(); err != nil {
				return st, err
			}
		}
	}
	if err := flush(); err != nil {
		return st, err
	}
	if code {
		ob, err := encB.Finish()
		if err != nil {
			return st, err
		}
		on, err := encN.Finish()
		if err != nil {
			return st, err
		}
		st.BaseBytes, st.NetBytes, st.CodedStreams = len(ob), len(on), 1
	}
	return st, nil
}

// Add accumulates o into st.
func (st *Stats) Add(o Stats) {
	st.N += o.N
	st.BaseBits += o.BaseBits
	st.NetBits += o.NetBits
	st.BaseBytes += o.BaseBytes
	st.NetBytes += o.NetBytes
	st.CodedStreams += o.CodedStreams
}

func (st Stats) String() string {
	s := fmt.Sprintf("n=%d CE imgctx %.4f net %.4f bpsp", st.N, st.BaseBits/float64(st.N), st.NetBits/float64(st.N))
	if st.CodedStreams > 0 {
		s += fmt.Sprintf("; coded imgctx %.4f net %.4f bpsp", 8*float64(st.BaseBytes)/float64(st.N), 8*float64(st.NetBytes)/float64(st.N))
	}
	return s
}

const ckptMagic = "IMGNET01"

// Save writes the network atomically (temp file + rename).
func (n *Net) Save(path string) error {
	buf := []byte(ckptMagic)
	rec := uint32(0) // flags: 1 Rec, 2 Text, 4 Start
	if n.Cfg.Rec {
		rec |= 1
	}
	if n.Cfg.Text {
		rec |= 2
	}
	if n.Cfg.Start {
		rec |= 4
	}
	buf = binary.LittleEndian.AppendUint32(buf, uint32(n.Cfg.H))
	buf = binary.LittleEndian.AppendUint32(buf, rec)
	buf = binary.LittleEndian.AppendUint32(buf, uint32(len(n.P)))
	return model.WriteFileAtomic(path, appendFloats(buf, n.P))
}

// appendFloats appends p to buf as little-endian float32 bits.
func appendFloats(buf []byte, p []float32) []byte {
	for _, v := range p {
		buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(v))
	}
	return buf
}

// readFloats fills p from the little-endian float32 bits in b.
func readFloats(p []float32, b []byte) {
	for i := range p {
		p[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
}

// Load reads a network written by Save.
func Load(path string) (*Net, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(b) < 20 || string(b[:8]) != ckptMagic {
		return nil, errors.New("train: bad checkpoint")
	}
	fl := binary.LittleEndian.Uint32(b[12:])
	cfg := Config{H: int(binary.LittleEndian.Uint32(b[8:])), Rec: fl&1 != 0, Text: fl&2 != 0, Start: fl&4 != 0}
	np := int(binary.LittleEndian.Uint32(b[16:]))
	n := NewNet(cfg, 1)
	if np != len(n.P) || len(b) != 20+4*np {
		return nil, errors.New("train: checkpoint size mismatch")
	}
	readFloats(n.P, b[20:])
	return n, nil
}
