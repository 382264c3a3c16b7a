package model

import "fmt"

// Modality of a sequence. Every sequence has exactly one modality; it selects
// the output rows (logit masking), the time-mix parameter set (switching) and
// the channel-mix expert (MoE).
type Modality uint8

const (
	Image         Modality = 0 // 8-bit sub-pixels, R,G,B per pixel in raster order
	Text          Modality = 1 // bytes, or later byte-level BPE tokens
	NumModalities          = 2
)

func (m Modality) String() string {
	switch m {
	case Image:
		return "image"
	case Text:
		return "text"
	}
	return fmt.Sprintf("modality(%d)", uint8(m))
}

// VocabMode selects how the two modalities share the vocabulary
// (DualComp part 1, "modality-unified tokenization").
type VocabMode uint8

const (
	// VocabUnified: one vocabulary, pixel ids and text ids are disjoint, one
	// embedding table and one output head; only the current modality's rows
	// are computed and normalised (logit masking). The DualComp design.
	VocabUnified VocabMode = 0
	// VocabUnmasked: same ids as VocabUnified but the softmax runs over all
	// output rows of both modalities (ablation: no modality masking).
	VocabUnmasked VocabMode = 1
	// VocabShared: ablation "no unified tokenization": pixel value v and byte v
	// are the same token (one 256-symbol alphabet, shared embedding and head
	// rows). Requires a 256-symbol byte text tokenizer. Keeping two disjoint
	// tables per modality instead ("separate vocabularies") is mathematically
	// the same model as VocabUnified while text is byte-level, so it is not a
	// separate mode.
	VocabShared VocabMode = 2
)

func (v VocabMode) String() string {
	switch v {
	case VocabUnified:
		return "unified"
	case VocabUnmasked:
		return "unmasked"
	case VocabShared:
		return "shared"
	}
	return fmt.Sprintf("vocab(%d)", uint8(v))
}

// ParseVocabMode parses the String form of a VocabMode.
func ParseVocabMode(s string) (VocabMode, error) {
	for _, v := range []VocabMode{VocabUnified, VocabUnmasked, VocabShared} {
		if v.String() == s {
			return v, nil
		}
	}
	return 0, fmt.Errorf("model: unknown vocab mode %q (want unified, unmasked or shared)", s)
}

// TextTokenizer maps bytes to text-token indices 0..Size()-1 and back. The
// byte tokenizer is the identity; a byte-level BPE plugs in here later (its
// first 256 tokens must stay the raw bytes so every byte string is codable).
type TextTokenizer interface {
	Name() string
	Size() int
	Encode(dst []int32, src []byte) []int32
	Decode(dst []byte, toks []int32) []byte
}

// ByteTokenizer is the 256-symbol identity tokenizer.
type ByteTokenizer struct{}

func (ByteTokenizer) Name() string { return "bytes" }
func (ByteTokenizer) Size() int    { return 256 }
func (ByteTokenizer) Encode(dst []int32, src []byte) []int32 {
	for _, b := range src {
		dst = append(dst, int32(b))
	}
	return dst
}
func (ByteTokenizer) Decode(dst []byte, toks []int32) []byte {
	for _, t := range toks {
		dst = append(dst, byte(t))
	}
	return dst
}

// Vocab is the id layout of the model's input and output vocabularies.
//
// Input ids (embedding rows), VocabUnified/VocabUnmasked:
//
//	0..255                pixel values
//	256..256+TextSize-1   text tokens
//	then <image>, <text>
//
// VocabShared: 0..255 are both pixel values and bytes, then <image>, <text>.
//
// Output rows (head rows): modality m uses rows OutBase[m]..OutBase[m]+OutCount[m]-1
// and a target symbol s of modality m is row OutBase[m]+s (for VocabUnmasked
// the softmax covers all rows and the symbol's row is its input id).
type Vocab struct {
	Mode       VocabMode
	TextSize   int
	PixelBase  int32
	TextBase   int32
	ImageStart int32
	TextStart  int32
	NIn        int // embedding rows
	NOut       int // head rows
	// Softmax range of each modality.
	OutBase  [NumModalities]int
	OutCount [NumModalities]int
	// Row of symbol 0 of each modality (symbol s has row SymRow[m]+s).
	SymRow [NumModalities]int
}

// NewVocab builds the id layout for a mode and a text vocabulary size.
func NewVocab(mode VocabMode, textSize int) (Vocab, error) {
	v := Vocab{Mode: mode, TextSize: textSize}
	if textSize < 256 {
		return v, fmt.Errorf("model: text vocabulary %d < 256 (must include all bytes)", textSize)
	}
	switch mode {
	case VocabUnified, VocabUnmasked:
		v.PixelBase, v.TextBase = 0, 256
		v.ImageStart = int32(256 + textSize)
		v.TextStart = v.ImageStart + 1
		v.NIn = 256 + textSize + 2
		v.NOut = 256 + textSize
		v.SymRow = [2]int{0, 256}
		if mode == VocabUnified {
			v.OutBase = [2]int{0, 256}
			v.OutCount = [2]int{256, textSize}
		} else {
			v.OutBase = [2]int{0, 0}
			v.OutCount = [2]int{v.NOut, v.NOut}
		}
	case VocabShared:
		if textSize != 256 {
			return v, fmt.Errorf("model: vocab mode shared needs a 256-symbol text tokenizer, got %d", textSize)
		}
		v.PixelBase, v.TextBase = 0, 0
		v.ImageStart, v.TextStart = 256, 257
		v.NIn, v.NOut = 258, 256
		v.OutBase = [2]int{0, 0}
		v.OutCount = [2]int{256, 256}
		v.SymRow = [2]int{0, 0}
	default:
		return v, fmt.Errorf("model: unknown vocab mode %d", mode)
	}
	return v, nil
}

// StartToken returns the id of the modality start token.
func (v *Vocab) StartToken(m Modality) int32 {
	if m == Image {
		return v.ImageStart
	}
	return v.TextStart
}

// SymbolCount is the number of symbols of a modality (256 pixel values or
// the text vocabulary size).
func (v *Vocab) SymbolCount(m Modality) int {
	if m == Image {
		return 256
	}
	return v.TextSize
}

// InputID maps a modality symbol (pixel value or text token) to its input id.
func (v *Vocab) InputID(m Modality, sym int32) int32 {
	if m == Image {
		return v.PixelBase + sym
	}
	return v.TextBase + sym
}

// TargetIndex maps a modality symbol to its index inside the modality's
// softmax range.
func (v *Vocab) TargetIndex(m Modality, sym int32) int32 {
	return int32(v.SymRow[m]-v.OutBase[m]) + sym
}

// Sequence is one independent training/coding sequence: Syms are the
// modality's symbols (pixel values 0..255 or text tokens); the model input
// is the start token followed by Syms[:len-1] and the targets are Syms.
type Sequence struct {
	Mod  Modality
	Syms []int32
}

// Inputs writes the input ids of s into dst (len(s.Syms) ids).
func (v *Vocab) Inputs(dst []int32, s Sequence) []int32 {
	dst = dst[:0]
	if len(s.Syms) == 0 {
		return dst
	}
	dst = append(dst, v.StartToken(s.Mod))
	for _, x := range s.Syms[:len(s.Syms)-1] {
		dst = append(dst, v.InputID(s.Mod, x))
	}
	return dst
}

// Targets writes the target indices (within the modality's softmax range).
func (v *Vocab) Targets(dst []int32, s Sequence) []int32 {
	dst = dst[:0]
	for _, x := range s.Syms {
		dst = append(dst, v.TargetIndex(s.Mod, x))
	}
	return dst
}
