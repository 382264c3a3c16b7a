package bitcm

import "sync"

// A codeTree is the binary decomposition of a byte in the version 4 text
// model: a Huffman code of text's byte frequencies (textByteCounts)
// within byte classes (codeClass), so a frequent byte is a few binary
// decisions (a space 3, 'e' 4) instead of always 8 (about 5 on text),
// and a third of the bytes need one table line per context instead of
// two. Its 255 internal nodes are numbered 1..255 breadth first (the
// root is 1), so a node's number serves every table the partial byte
// (c0) indexes in the 8-bit decomposition; a leaf is 256 + its byte.
type codeTree struct {
	child [256][2]uint16 // internal node -> its children (index 0 unused)
	code  [256]uint32    // byte -> its code with a leading 1 (the path from the root)
	depth [256]uint8     // byte -> its code length
}

// maxCodeLen bounds a code's length: the weights of codeTree's code get
// a floor (the total over 2^16 each), so no byte is rarer than about
// 2^-16 and no code longer than this.
const maxCodeLen = 20

var textTree = sync.OnceValue(func() *codeTree { return newCodeTree(&textByteCounts) })

// newCodeTree builds the tree of counts: a Huffman tree of each class's
// bytes (codeClass), then one of the class subtrees. Each merges the two
// lightest nodes until one is left, ties broken by the lower node
// number (a byte's number is the byte, merged nodes are numbered in the
// order they are made), so the tree is the same on every machine.
func newCodeTree(counts *[256]uint32) *codeTree { return buildCodeTree(counts, false) }

// transformTree is the version 7 text model's tree (Config.TransformTree):
// the word code transform's bytes 0x00-0x7f coded as in codeTree, by
// their counts in the transform of the warm start's training set, and
// the bytes 0x80-0xff, which the word code uses for its escapes, codes,
// leads and second bytes, one class of their own in which each keeps its
// 7 low bits as 7 decisions: a Huffman tree of them would mix the word
// codes, leads and second bytes, which the 8 bits keep apart (on
// training text 0.16 % larger; docs/ABLATIONS.md).
var transformTree = sync.OnceValue(func() *codeTree { return buildCodeTree(&transformByteCounts, true) })

// buildCodeTree builds the tree of counts (newCodeTree); with plainHigh,
// the bytes 0x80-0xff are a class of their own whose subtree is the
// trie of their 7 low bits.
func buildCodeTree(counts *[256]uint32, plainHigh bool) *codeTree {
	var total uint64
	for _, c := range counts {
		total += uint64(c)
	}
	floor := total>>16 + 1
	type hnode struct {
		w    uint64
		kids [2]int // -1 for a leaf
	}
	nodes := make([]hnode, 0, 511)
	for _, c := range counts {
		nodes = append(nodes, hnode{uint64(c) + floor, [2]int{-1, -1}})
	}
	// huffman merges the nodes of live, the two lightest first, until
	// one is left, and returns it.
	huffman := func(live []int) int {
		lightest := func() int {
			best := 0
			for i := 1; i < len(live); i++ {
				if nodes[live[i]].w < nodes[live[best]].w {
					best = i
				}
			}
			n := live[best]
			live = append(live[:best], live[best+1:]...)
			return n
		}
		for len(live) > 1 {
			a := lightest()
			b := lightest()
			nodes = append(nodes, hnode{nodes[a].w + nodes[b].w, [2]int{a, b}})
			live = append(live, len(nodes)-1)
		}
		return live[0]
	}
	// Each class of bytes its own subtree, then the classes: the first
	// decisions say what kind of byte comes (as the top bits of ASCII
	// do), and the contexts that know it predict them. The classes are
	// byteClass's with blanks and newlines together and brackets and
	// quotes with the other punctuation (on training text a Huffman tree
	// of all bytes coded prose 2.6 % larger than the 8 bits, byteClass's
	// classes 0.4 % larger, these 0.2 % smaller; docs/ABLATIONS.md).
	var roots []int
	for cl := range uint8(9) {
		var in []int
		for b := range 256 {
			c := codeClass(byte(b))
			if plainHigh && b >= 0x80 {
				c = 8
			}
			if c == cl {
				in = append(in, b)
			}
		}
		if len(in) == 0 {
			continue
		}
		if plainHigh && cl == 8 {
			// Equal weights make the Huffman tree of the 128 bytes the
			// trie of their order (ties go to the lower node number);
			// the subtree then weighs what its bytes do.
			var w uint64
			for _, b := range in {
				w += nodes[b].w
				nodes[b].w = 1
			}
			r := huffman(append([]int(nil), in...))
			for _, b := range in {
				nodes[b].w = uint64(counts[b]) + floor
			}
			nodes[r].w = w
			roots = append(roots, r)
			continue
		}
		roots = append(roots, huffman(in))
	}
	root := huffman(roots)
	t := &codeTree{}
	// Number the internal nodes breadth first, then link them.
	ids := make([]int, len(nodes))
	queue := []int{root}
	next := 1
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		if nodes[n].kids[0] < 0 {
			continue
		}
		ids[n] = next
		next++
		queue = append(queue, nodes[n].kids[0], nodes[n].kids[1])
	}
	var walk func(n int, code uint32, d uint8)
	walk = func(n int, code uint32, d uint8) {
		if nodes[n].kids[0] < 0 {
			t.code[n], t.depth[n] = code, d
			return
		}
		for y, k := range nodes[n].kids {
			if nodes[k].kids[0] < 0 {
				t.child[ids[n]][y] = uint16(256 + k)
			} else {
				t.child[ids[n]][y] = uint16(ids[k])
			}
			walk(k, code<<1|uint32(y), d+1)
		}
	}
	walk(root, 1, 0)
	return t
}

// codeClass is a byte's class in codeTree: byteClass's, with newlines
// counted as blanks (3) and brackets and quotes as punctuation (6).
func codeClass(b byte) uint8 {
	switch c := byteClass[b]; c {
	case 4:
		return 3
	case 5:
		return 6
	default:
		return c
	}
}

// TreeSuits reports whether the version 4 text model's code tree suits
// text like sample: at most 7 binary decisions per byte on average.
// English prose takes about 5 and Go source 5.5, where version 4 codes
// 0.3-0.9 % smaller than version 3 and 30 % faster; text that is mostly
// non-ASCII (UTF-8 Cyrillic, Greek or CJK, 8-bit code pages) takes
// 10-12, and there version 3 codes about 2 % smaller and a third faster
// (docs/ABLATIONS.md), so a writer should choose version 3 for it.
func TreeSuits(sample []byte) bool {
	t := textTree()
	n := 0
	for _, c := range sample {
		n += int(t.depth[c])
	}
	return n <= 7*len(sample)
}
