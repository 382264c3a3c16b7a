package bitcm

import (
	"crypto/sha256"
	"fmt"

	"github.com/dcar-archiver/dcar/coder"
	"github.com/dcar-archiver/dcar/internal/cacheline"
)

// The lite model is the text model of dcar's fast preset: the same
// nodes, history maps, match model, mixer and probability map as the
// full model, but fewer contexts, one line per context and nibble (no
// pair to search), one mixer instead of banks, and one small map. It
// takes about a fifth of TextConfig's CPU time for about 15 % more bits
// (docs/ABLATIONS.md).
//
// Contexts at each byte boundary: order 3 and the current word with the
// last byte, hashed; order 1 direct (orders 2, 3, 4 and 6 code 3 % smaller
// at 60 % more time: docs/ABLATIONS.md). Each gives the mixer
// its node's probability and its history's meaning; the match model
// (from 6 bytes) two more inputs. The mixer's weight set is chosen by
// the partial byte; the map refines its output in the context of the
// partial byte and the class of the last byte (byteClass), and the
// coder gets a quarter of the mixer's probability plus three quarters
// of the map's.
//
// Version 2 (EncodeLite2) codes each byte as its code in the version 4
// text model's tree of byte classes (codeTree): about 5 binary decisions
// per byte of text instead of 8, and a new line per context every four
// decisions, so a third of the bytes need one line instead of two. The
// partial byte c0 is then the tree's node (1..255), which indexes the
// order-1 table, the mixer's weight sets and the map as the partial byte
// does in version 1.
const (
	liteHashed = 2 // hashed contexts
	liteNodes  = liteHashed + 1
	liteInputs = 2*liteNodes + 2 + 1 // nodes (two each), match (two), bias
	liteTBits  = 18                  // log2 lines per hashed context, at most
	liteMatch  = 6                   // match model minimum length
	liteLimit  = 255                 // node visit limit
	liteMixLR  = 6
)

var liteOrders = [...]int{3}

// LiteFingerprint identifies the lite model (stored by codecs beside
// its streams, like Fingerprint).
var LiteFingerprint = func() [8]byte {
	s := sha256.Sum256(fmt.Appendf(nil, "bitcm-lite/1 orders=%v word=true hashed=%d tb=%d match=%d limit=%d mixlr=%d mixsel=c0 apm=c0+class",
		liteOrders, liteHashed, liteTBits, liteMatch, liteLimit, liteMixLR))
	return [8]byte(s[:8])
}()

// Lite2Fingerprint identifies the lite model's version 2 (EncodeLite2):
// version 1's contexts, each byte as its code in the code tree.
var Lite2Fingerprint = func() [8]byte {
	s := sha256.Sum256(fmt.Appendf(nil, "bitcm-lite/2 %x tree=true", LiteFingerprint))
	return [8]byte(s[:8])
}()

// Lite3Fingerprint identifies the lite model's version 3 (EncodeLite3):
// version 1's model, each byte as its 8 bits, reading the text's word
// code (version 6's, as the version 6 text model: its dictionary's
// SHA-256 is hashed in: the list's, not the parsed dictionary's, so
// that nothing parses it when the package starts).
var Lite3Fingerprint = func() [8]byte {
	s := sha256.Sum256(fmt.Appendf(nil, "bitcm-lite/3 %x wordcode=%x", LiteFingerprint, sha256.Sum256([]byte(wordList6))))
	return [8]byte(s[:8])
}()

type lite struct {
	buf  []byte
	c0   uint32 // the current byte's bits so far with a leading 1 (version 2: its node in tree)
	bit  uint   // bits of the current byte seen (0..7; version 2: decisions, at most 7)
	c8   uint64 // the last 8 bytes, most recent in the low byte
	word uint32 // hash of the current word

	// Version 2: the code tree, the decisions of the current byte so far
	// (depth) and their path with a leading 1; wpath is the path since
	// the current line (every four decisions), the node in it.
	tree  *codeTree
	depth uint
	path  uint32
	wpath uint32

	hash   [liteHashed]uint32 // byte-boundary hashes
	tabs   [][]node
	tabBuf *[]node         // behind tabs (freeTables)
	line   [liteHashed]int // current line of each hashed context
	tbits  uint
	o1     []node // order 1: 256 contexts × 256 nodes

	// The nodes feeding the current bit: node i is srcs[i][idx[i]] (the
	// hashed contexts' tables, then o1; indices, not pointers: no write
	// barrier on the hot path).
	srcs [liteNodes][]node
	idx  [liteNodes]int
	hms  [liteNodes]historyMap
	mm   matchModel
	mx   *mixer
	a    *apm
	pr   int32
}

func newLite(segLen int, hist []byte, tree *codeTree) *lite {
	m := cacheline.New[lite]() // written at every bit (cacheline)
	m.c0, m.buf, m.tree, m.path, m.wpath = 1, hist[:0], tree, 1, 1
	m.tbits = uint(min(max(bitsFor(segLen)-1, 10), liteTBits))
	m.tabs, m.tabBuf = allocTables(liteHashed, lineLen<<m.tbits)
	m.o1 = make([]node, 256*256)
	for i := range m.o1 {
		m.o1[i] = nodeInit
	}
	copy(m.srcs[:], m.tabs)
	m.srcs[liteHashed] = m.o1
	m.mm.init(segLen, Config{MatchMin: liteMatch, TableBits: liteTBits})
	for i := range m.hms {
		m.hms[i].init()
	}
	m.mx = newPaddedMixer(liteInputs, 256, liteMixLR, 1<<14)
	m.a = newAPM(256*8, 7)
	m.byteContexts()
	m.nibble()
	m.predict()
	return m
}

func (m *lite) byteContexts() { liteHashes(&m.hash, m.c8, m.word) }

// liteHashes computes the hashed contexts' byte-boundary hashes after
// the bytes c8 (most recent in the low byte) with word the current word.
func liteHashes(h *[liteHashed]uint32, c8 uint64, word uint32) {
	for i, o := range liteOrders {
		x := c8 & (1<<(8*o) - 1)
		h[i] = hash32(uint32(x)^uint32(x>>32)*0x2545F491, uint32(o)+1)
	}
	h[len(liteOrders)] = hash32(word, 100+uint32(c8&0xff))
}

// prefetchNext asks, at bit 3, for the lines the second nibble may use
// (both possible high nibbles), so that their cache misses overlap the
// coding of bit 3: 3-5 % less CPU on the tuning set. (Prefetching at bit 7
// the lines of both possible next bytes did not pay: twice the lines
// the model needs fill the memory queue.) The lines are only read
// early: the model is the same. Version 2 asks three decisions into a
// line for the lines of the node's children that are not leaves.
func (m *lite) prefetchNext() {
	mask := uint32(1)<<m.tbits - 1
	for y := range uint32(2) {
		next := m.c0<<1 | y
		if t := m.tree; t != nil {
			next = uint32(t.child[m.c0][y])
			if next >= 256 {
				continue
			}
		}
		for i, h := range m.hash {
			prefetch(&m.tabs[i][int(hash32(h, next)&mask)*lineLen])
		}
	}
}

// nibble finds each hashed context's line for the nibble that starts
// now; a line whose check differs is cleared and claimed.
func (m *lite) nibble() {
	mask := uint32(1)<<m.tbits - 1
	for i, h := range m.hash {
		k := hash32(h, m.c0)
		a := int(k&mask) * lineLen
		t := m.tabs[i][a : a+lineLen]
		if chk := k>>16 | 1; t[0]>>16 != chk {
			t[0] = chk << 16
			for j := 1; j < lineLen; j++ {
				t[j] = nodeInit
			}
		}
		m.line[i] = a
	}
}

func (m *lite) predict() {
	j := m.bit & 3
	nd := 1<<j | int(m.c0)&(1<<j-1)
	if m.tree != nil {
		nd = int(m.wpath)
	}
	c1 := uint32(m.c8 & 0xff)
	for i := range liteHashed {
		m.idx[i] = m.line[i] + nd
	}
	m.idx[liteHashed] = int(c1<<8 | m.c0)
	x := m.mx
	for i, t := range m.srcs[:] {
		c := t[m.idx[i]]
		x.add(stretch(p12(c)))
		x.add(m.hms[i].predict(hist(c)))
	}
	ms, mv := m.mm.inputs(m.bit, m.c0, m.tree, m.depth, m.path)
	x.add(ms)
	x.add(mv)
	x.add(256)
	x.mix(int(m.c0))
	p := x.pr
	p2 := m.a.refine(p, int(m.c0)|int(byteClass[c1])<<8)
	m.pr = min(max((p+3*p2+2)>>2, 1), 4095)
}

// byteDone records byte b, whose last decision has just been coded, and
// finds the contexts of the next byte.
func (m *lite) byteDone(b byte) {
	m.buf = append(m.buf, b)
	m.c8 = m.c8<<8 | uint64(b)
	m.c0, m.bit, m.depth, m.path, m.wpath = 1, 0, 0, 1, 1
	m.word = nextWord(m.word, b)
	m.mm.byteUpdate(m.buf)
	m.byteContexts()
	m.nibble()
}

func (m *lite) p0() uint16 { return uint16(65536 - m.pr<<4) }

func (m *lite) update(y int) {
	for i, t := range m.srcs[:] {
		update(&t[m.idx[i]], y, liteLimit)
		m.hms[i].learn(y)
	}
	m.mm.update(y)
	m.mx.update(y)
	m.a.update(y)

	if t := m.tree; t != nil {
		m.depth++
		m.path = m.path<<1 | uint32(y)
		if nx := t.child[m.c0][y]; nx < 256 {
			m.c0, m.bit = uint32(nx), min(m.depth, 7)
			m.wpath = m.wpath<<1 | uint32(y)
			switch m.depth & 3 {
			case 0:
				m.wpath = 1
				m.nibble()
			case 3:
				m.prefetchNext()
			}
			// A byte one decision away: its match lookup.
			for _, c := range t.child[nx] {
				if c >= 256 {
					m.mm.prefetchByte(m.buf, byte(c-256))
				}
			}
		} else {
			m.byteDone(byte(nx - 256))
		}
		m.predict()
		return
	}
	m.c0 = m.c0<<1 | uint32(y)
	m.bit++
	if m.bit == 8 {
		m.byteDone(byte(m.c0))
	} else if m.bit == 4 {
		m.nibble()
	} else if m.bit == 3 {
		m.prefetchNext()
	} else if m.bit == 7 {
		m.mm.prefetchSlots(m.buf, m.c0)
	}
	m.predict()
}

// EncodeLite codes src as one segment of the lite model. The output does
// not hold the length: DecodeLite needs it.
func EncodeLite(src []byte) ([]byte, error) { return encodeLite(src, nil) }

// DecodeLite decodes n bytes coded by EncodeLite.
func DecodeLite(data []byte, n int) ([]byte, error) { return decodeLite(data, n, nil) }

// EncodeLite2 codes src as one segment of the lite model's version 2
// (each byte as its code in the code tree); DecodeLite2 decodes it.
// Like the version 4 text model it suits text that is mostly ASCII
// (TreeSuits).
func EncodeLite2(src []byte) ([]byte, error) { return encodeLite(src, textTree()) }

// DecodeLite2 decodes n bytes coded by EncodeLite2.
func DecodeLite2(data []byte, n int) ([]byte, error) { return decodeLite(data, n, textTree()) }

// EncodeLite3 codes src as one segment of the lite model's version 3:
// the lite model reading src's word code (version 6's, WordCode 2),
// each of its bytes as 8 bits; DecodeLite3 decodes it.
func EncodeLite3(src []byte) ([]byte, error) {
	if len(src) > MaxSegment {
		return nil, ErrTooLarge
	}
	return encodeLiteOf(textWords6().encodeWords(nil, src), len(src), nil)
}

// DecodeLite3 decodes n bytes coded by EncodeLite3: it decodes the word
// code a byte at a time until it gives back n bytes of text, which must
// be the text whose word code it decoded.
func DecodeLite3(data []byte, n int) ([]byte, error) {
	if n < 0 || n > MaxSegment {
		return nil, ErrTooLarge
	}
	var d coder.Decoder
	if err := d.Init(data); err != nil {
		return nil, err
	}
	// The transform is about two thirds of the text; the history grows
	// if it is longer.
	m := newLite(n, make([]byte, 0, n), nil)
	defer freeTables(m.tabBuf)
	return decodeWords(&d, m, textWords6(), make([]byte, n), 0)
}

func (m *lite) history() []byte                   { return m.buf }
func (m *lite) decodeByte(d *coder.Decoder) error { return decodeByteOf(m, d) }

func encodeLite(src []byte, tree *codeTree) ([]byte, error) {
	if len(src) > MaxSegment {
		return nil, ErrTooLarge
	}
	return encodeLiteOf(src, len(src), tree)
}

// encodeLiteOf codes the bytes x (a segment's text, or its word code)
// with a fresh lite model whose tables are sized for a segment of
// segLen bytes of text: each byte as its 8 bits, or as its code in tree.
func encodeLiteOf(x []byte, segLen int, tree *codeTree) ([]byte, error) {
	m := newLite(segLen, make([]byte, 0, len(x)), tree)
	defer freeTables(m.tabBuf)
	var e coder.Encoder
	e.Reset(make([]byte, 0, segLen/3+16))
	for _, c := range x {
		code, n := uint32(c), 8
		if tree != nil {
			code, n = tree.code[c], int(tree.depth[c])
		}
		for i := n - 1; i >= 0; i-- {
			y := int(code>>i) & 1
			e.EncodeBit(m.p0(), y)
			m.update(y)
		}
	}
	return e.Finish()
}

func decodeLite(data []byte, n int, tree *codeTree) ([]byte, error) {
	if n < 0 || n > MaxSegment {
		return nil, ErrTooLarge
	}
	var d coder.Decoder
	if err := d.Init(data); err != nil {
		return nil, err
	}
	dst := make([]byte, n)
	m := newLite(n, dst[:0:n], tree)
	defer freeTables(m.tabBuf)
	for len(m.buf) < n {
		y := d.DecodeBit(m.p0())
		if err := d.Err(); err != nil {
			return nil, err
		}
		m.update(y)
	}
	if err := d.Finish(); err != nil {
		return nil, err
	}
	return dst, nil
}
