package bitcm

// Config selects the model's contexts and rates. Every field is clamped
// by normalized, so any Config gives a working model; encoder and
// decoder must use the same one (its Fingerprint is stored).
type Config struct {
	Orders    []int  // hashed order-n contexts, each 2..8
	Word      bool   // context: current word (letters, case folded) + last byte
	Word2     bool   // context: current word + previous word
	Column    bool   // context: the byte above (same column, previous line) + last byte
	Sparse    bool   // contexts: bytes 2-3 back; byte 2 back + position parity
	Stride    int    // record length (0 = none): contexts of the byte one and two records back
	MatchMin  int    // match model minimum length (0 = off)
	TableBits uint   // log2 of the lines per hashed context, at most
	Limit     uint32 // counter visit limit (learning rate floor 1/(Limit+1.5))
	MixLR     int32  // mixer bank learning rate at the segment start
	MixLREnd  int32  // ... towards which it decays (0: no decay)
	MixDecay  int32  // ... reaching halfway after this many bytes
	FinalLR   int32
	W0, W1    int // final blend: W0/16 of the mixer, W1/16 of APM order 0, the rest APM order 1

	// Version 2 contexts (hashed into the fingerprint only when set).
	Indirect bool // what followed the last occurrences of the last byte and byte pair
	WordSkip bool // current word + the word before the previous one
	Nest     bool // innermost open bracket/quote/tag and depth + last byte
	Shape    bool // classes (letter case, digit, space, punctuation) of the last 8 bytes
	Mix2     bool // a second bank of 4 mixers selected by byte classes, word length and nesting, order-2 history, position

	// Version 3 contexts, for source code and markup (hashed into the
	// fingerprint only when set).
	LineStart bool // the current line's indentation (up to 31 blanks), its first other byte and the last byte
	LineWord  bool // the current line's first token + the current word
	WordNext  bool // the word that followed the last occurrence of the previous word + the current word
	Calls     bool // the word before the innermost open ( [ { and that bracket + the last byte
	Punct     bool // the last two punctuation bytes + the current word
	Above2    bool // the bytes at the same column of the two previous lines + the last byte
	// SmallBits, if > 0, caps the tables of contexts with few values
	// (order 2, nesting, line start, the two lines above) at 2^SmallBits
	// lines (version 3 only).
	SmallBits uint

	// Version 4 (hashed into the fingerprint only when set): half the
	// memory, a second match model.
	//
	// SmallMore caps, with SmallBits, the tables of eight more contexts
	// whose values repeat enough to share 2^SmallBits lines with little
	// loss (order 3, the two indirect contexts, shape, word-next,
	// calls, punctuation, line-word).
	SmallMore bool
	// Match2Min, if > 0, adds a second match model that looks for
	// repeats of at least this many bytes (the first's MatchMin is
	// shorter): its prediction joins the first bank's inputs.
	Match2Min int
	// Tree codes each byte as its code in a Huffman tree of text's byte
	// frequencies (codeTree) instead of its 8 bits: about 5 binary
	// decisions per byte of text instead of 8, and 1.7 lines per
	// context instead of 2.
	Tree bool

	// Version 5 (hashed into the fingerprint only when set).
	//
	// WordCode, 1 or 2, codes the text's words as their numbers in a
	// dictionary (wordcode.go): the model reads and codes the
	// transform, which is about two thirds as long, and gives the text
	// back from it. 1 is version 5's word code, 2 version 6's (its own
	// dictionary, runs of letters also cut at camel case, none next to
	// a digit coded). 0: none.
	WordCode int

	// Version 6 (hashed into the fingerprint only when set).
	//
	// TextColumns, with WordCode, takes the column contexts (Column,
	// Above2) from the text's own lines rather than the transform's: the
	// column of the next byte in the text, and the text's bytes at that
	// column in the lines above (the transform shortens each line by
	// its words, so its columns do not line up where the text's do).
	TextColumns bool

	// Version 7 (hashed into the fingerprint only when set).
	//
	// TransformTree, with Tree and WordCode, codes each byte of the word
	// code's transform as its code in transformTree (a Huffman tree of
	// the transform's bytes below 0x80 by their counts, the bytes
	// 0x80-0xff as their 7 low bits) instead of codeTree: about 6.5
	// binary decisions per transform byte instead of 8.
	TransformTree bool

	// Version 8 (hashed into the fingerprint only when set).
	//
	// HistDepth gives each context kind's history map a set of
	// probabilities for each depth of the decision in its byte (0, 1, 2,
	// and 3 or deeper): what a bit history says depends on which
	// decision of the byte it is about.
	HistDepth bool
	// SSE3 ends the model with one more probability map, over the
	// decision's node and a hash of the last three bytes (2^16
	// contexts): it gets 12/16 of the final probability.
	SSE3 bool

	// Warm, if set, is the learned starting state (TrainWarm); it must
	// have been trained for this configuration's model shape.
	Warm *Warm

	// Primer, if set, is text the model reads before each segment,
	// without coding it: the segment starts with the primer's contexts,
	// statistics and match history, as zstd's with a dictionary. It
	// costs the time of modelling its bytes per segment, on both sides,
	// unless Primed keeps the state after it.
	Primer []byte
	// Primed, if set, keeps the state of the model after it has read
	// Primer, which the next segments coded with this Config copy
	// instead of reading the primer again: the same bits in less time,
	// for the memory of one more model. Not part of the model
	// (Fingerprint ignores it).
	Primed *Primed
}

// DefaultConfig is the text model (cm-text, and cm-bz2's text segments).
func DefaultConfig() Config {
	return Config{
		Orders:    []int{2, 3, 4, 6},
		Word:      true,
		Word2:     true,
		Column:    true,
		MatchMin:  7,
		TableBits: 18,
		Limit:     255,
		MixLR:     7,
		MixLREnd:  2,
		MixDecay:  1 << 18,
		FinalLR:   1,
		W0:        2,
		W1:        4,
	}
}

// BinaryConfig is the model for data that is not text: no word or line
// contexts, sparse contexts, and the record contexts when stride > 0
// (DetectStride).
func BinaryConfig(stride int) Config {
	c := DefaultConfig()
	c.Word, c.Word2, c.Column = false, false, false
	c.Sparse = true
	c.Stride = stride
	return c
}

// version3 reports whether c has any version 3 context.
func (c Config) version3() bool {
	return c.LineStart || c.LineWord || c.WordNext || c.Calls || c.Punct || c.Above2
}

func (c Config) normalized() Config {
	o := make([]int, 0, len(c.Orders))
	for _, v := range c.Orders {
		o = append(o, min(max(v, 2), 8))
	}
	c.Orders = o
	if c.MatchMin != 0 {
		c.MatchMin = min(max(c.MatchMin, 3), 32)
	}
	if c.Match2Min != 0 {
		c.Match2Min = min(max(c.Match2Min, 3), 32)
	}
	c.TableBits = min(max(c.TableBits, 10), 22)
	if c.SmallBits != 0 {
		c.SmallBits = min(max(c.SmallBits, 10), c.TableBits)
	}
	c.Stride = min(max(c.Stride, 0), MaxStride)
	c.Limit = min(max(c.Limit, 1), 255)
	c.MixLR = min(max(c.MixLR, 1), 128)
	c.MixLREnd = min(max(c.MixLREnd, 0), c.MixLR)
	c.MixDecay = min(max(c.MixDecay, 1), 1<<30)
	c.FinalLR = min(max(c.FinalLR, 1), 128)
	c.W0 = min(max(c.W0, 0), 16)
	c.W1 = min(max(c.W1, 0), 16-c.W0)
	c.WordCode = min(max(c.WordCode, 0), 2)
	c.TextColumns = c.TextColumns && c.WordCode != 0
	c.TransformTree = c.TransformTree && c.Tree && c.WordCode != 0
	return c
}
