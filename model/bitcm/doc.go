// Package bitcm is dcar's bitwise context-mixing model for bytes, used
// for text (codec cm-text): every byte is coded as 8 binary decisions,
// most significant bit first, each predicted by mixing the opinions of
// several contexts and coded with coder.Encoder.EncodeBit. It adapts to
// the segment it codes and nothing else; segments are independent.
//
// # Contexts (model.go, match.go)
//
// At each byte boundary the model hashes its contexts: orders 2, 3, 4
// and 6 (the last n bytes), the current word (letters case-folded, bytes
// >= 0x80 count as letters) with the last byte, the current word with
// the previous word, and the column context (the byte at the same
// column of the previous line, the last byte and the column). Order 1
// and order 0 are direct tables.
//
// A hashed context owns a table of 64-byte lines; a line serves one
// context for one nibble: a 16-bit check, a visit count and the 15 nodes
// of the nibble's binary tree. At bits 0 and 4 the context hash and the
// partial byte pick a pair of lines; the one whose check matches is used,
// else the less visited one is cleared and claimed. Table size grows
// with the segment length up to 2^TableBits lines per context, so memory
// is bounded (about 120 MB per model at the default 18; dcar's codecs
// use 20: about 0.9 GB for the version 3 text model, 0.8 GB for version 2, 0.45 GB for the
// first one, up to 0.6 GB for the binary one, for segments of 2 MiB and
// more) and encoder and decoder build identical tables.
//
// A node (counter.go) packs a direct probability with a 1/(n+1.5)
// learning rate and a bit history (counts of zeros and ones, the other
// count capped at 2 when a bit comes, so recent bits dominate). Each
// node gives the mixer two inputs: its probability and what its history
// has meant so far in that context kind (a per-kind historyMap, learned
// online). The match model follows the most recent earlier occurrence
// of the last MatchMin bytes and votes for the bit of the byte that
// followed it, with a confidence learned per match length.
//
// # Mixing (mixer.go)
//
// Inputs are logits ("stretch" of 12-bit probabilities, squash.go). Four
// mixers weigh them, their weight sets selected by the partial byte; the
// match length and bit position; the last byte and bit position; the
// longest order seen and its history's kind. A final mixer, selected by
// the partial byte, weighs the four. Two adaptive probability maps refine
// the result (contexts: the partial byte; the partial byte and the last
// byte), and the final probability is 2/16 mixer + 4/16 + 10/16 maps.
// Every weight learns online by gradient descent on the coding cost; the
// four mixers' rate decays from MixLR towards MixLREnd as the segment
// goes on (half way after MixDecay bytes).
//
// # Version 2 text model (TextConfig, warm.go, textconfig.go)
//
// TextConfig, cm-text's model from issue #15 until version 3, adds to DefaultConfig (with
// 2^20-line tables): indirect contexts (the last two bytes that followed
// each earlier occurrence of the last byte, and of the last byte pair),
// the current word with the word before the previous one, the innermost
// open bracket, quote or tag with the nesting depth and the last byte, and
// the classes (lower/upper case, digit, space, newline, bracket, other
// punctuation, other) of the last 8 bytes; a match model from 5 bytes; and
// a second bank of four mixers over the same inputs (Mix2), selected by
// the classes of the last two bytes, the word length with the nesting
// depth, the order-2 context's bit history, and the partial byte with the
// segment position.
//
// A Warm is the model's learned starting state: mixer weights, the
// probability and history maps, order 0 and 1 and the match model's
// confidences as they were after coding training text (TrainWarm; the
// hashed tables start empty). TextConfig carries the shipped one
// (warm-text.dcwarm.zst; dcartrain -warm-text builds it from the set that
// docs/warm-text.sh collects), so a 4 KB file starts with a model that
// knows what text looks like. The Fingerprint covers the warm start's
// bytes.
//
// # Version 3 text model (Text3Config)
//
// Text3Config, cm-text's model on 2026-12-05 (issue #15) until version 4,
// is TextConfig's model with six more contexts, for source code and
// markup, where the gap to paq8px was widest: the current line's indentation (up to 31
// blanks), its first other byte and the last byte (LineStart); the
// line's first token with the current word (LineWord: a line's kind,
// "if", "return", "%A", "From:"); the word before the innermost open
// ( [ { with that bracket and the last byte (Calls: a call's or an
// index's arguments); the word that followed the previous word the last
// time it occurred, with the current word (WordNext: a word-level
// indirect context); the last two punctuation bytes with the current
// word (Punct); and the bytes at the same column of the two previous
// lines with the last byte (Above2). The second bank's fourth mixer is
// selected by the partial byte and the line state (at the line's start,
// in its indentation, in its first token, after it) instead of the
// position in the segment. The tables of the four contexts
// with few values (order 2, nesting, line start, the two lines above)
// are capped at 2^16 lines (SmallBits: the same bits within 0.01 % on
// the tuning sets, 912 instead of 1,152 MiB per model). Its own warm start
// (warm-text3.dcwarm.zst) is trained on the same files as version 2's.
// Tuning (cold, one segment per file; "src" is 1.6 MB of Go-tree Go, C,
// assembly, JavaScript/CSS and HTML/Markdown, none in the warm start's
// training set):
//
//	model                                   mid bpb   src bpb   small bpb
//	version 2, cold                         1.6585    0.9643
//	  + indentation, first byte, last byte
//	    and the same with the word          1.6538    0.9544
//	  + word that followed the previous     1.6500    0.9522
//	  + word before the open bracket        1.6415    0.9506
//	  + last punctuation and word           1.6477    0.9507
//	  + the two lines above                 1.6539    0.9485
//	  all six                               1.6329    0.9394
//	  - the word variant
//	  + the line's first token (version 3)  1.6305    0.9380
//	  + the second bank's fourth mixer
//	    selected by the line state          1.6294    0.9363
//	version 2 with its warm start           1.6418    0.9473    1.6205
//	version 3 with its warm start           1.6108    0.9172    1.5887
//
// (each "+" row adds one context to the second row; without the nesting
// context version 3 measured 1.6135 / 0.9204 / 1.5963 warm, and 0.8 %
// larger on a small HTML and a small Lisp file). It costs six more
// hashed lines per nibble: about 25 % more CPU time per byte.
//
// # Version 4 text model (Text4Config)
//
// Text4Config, cm-text's model since 2026-12-05 (issues #15, #16), has
// version 3's contexts and codes each byte as its code in a code tree
// (Tree, tree.go) instead of its 8 bits: a Huffman code of text's byte
// frequencies within byte classes (letters, capitals, digits, blanks,
// punctuation, other), the classes' subtrees joined by their own
// Huffman code. A byte of text is about 5 binary decisions instead of
// 8 (a space 3, an 'e' 4; 4.97 on a training novel, 5.5 on Go source
// and on enwik8's start), so the per-decision work (mixers, maps,
// counter updates) is about 40 % less, and a third of the bytes need one
// line per context instead of two (1.7 lines per byte). The classes come first because the contexts
// know a byte's kind before its value, as the top bits of ASCII say it:
// one Huffman code over all bytes coded a training novel 2.6 % larger
// than the 8 bits (cold), byteClass's eight classes 0.4 % larger, these
// six (blanks with newlines, brackets with punctuation) 0.2 % smaller,
// and 0.4 % smaller on Go source; splitting vowels from consonants, or
// capitals into the letters, cost 0.6-0.7 %. The inner nodes are numbered
// 1..255, so the node stands for the partial byte in every table and
// selector. Version 4 also caps eight more tables at 2^16 lines
// (SmallMore: 432 instead of 912 MiB per model at 2^20 lines; each cap
// cost under 0.03 % alone, the skipped word 0.06 % and orders 4, 6 and
// the column 0.17-0.36 % on prose, so those stay large) and adds a second
// match model from 12 bytes (Match2Min), which wins that back. With
// their warm starts (real coded bytes, the sets above; "novels 4M" is
// 4 MiB of two training novels in one segment):
//
//	model        mid bpb   src bpb   small bpb   novels 4M   CPU, 1 MB novel
//	version 3    1.6108    0.9172    1.5887      1.6388      6.8-7.5 s
//	version 4    1.6064    0.9093    1.5798      1.6301      4.5-5.4 s
//
// (−0.3 %, −0.9 %, −0.6 %, −0.5 %; encode, user+sys, three alternated
// pairs). With a Prior, the prior's probability of a decision is its
// mass of the node's second subtree over the node's (treeMass, once per
// byte): model-text (--best) codes the "mid" set 1.5561 → 1.5519 bpb.
//
// A Primer (Config.Primer, the domain models of package model/domain)
// is text the model reads before each segment without coding it, so
// that the segment starts with its hashed contexts and match history
// too, as zstd's with a dictionary; the Fingerprint covers its SHA-256.
// It costs the time of modelling it (about 6 s per MiB) per segment, on
// both sides, unless Config.Primed keeps the model's state after it
// (primed.go: later segments of the same table sizes start from a copy,
// the same bits; the memory of one more model per table size kept).
//
// A Prior (EncodePrior, DecodePriorTo) is a learned model's distribution
// of each byte (package model's text network): its probability of each
// binary decision is two more mixer inputs, its confidence a mixer
// selector, and it has its own probability map.
//
// The hashed tables are one allocation advised to use transparent huge
// pages (alloc.go): the same bits, 13 % less CPU on the tuning set.
//
// # Binary data (BinaryConfig, stride.go)
//
// For data that is not text (used by cm-bz2 on segments where a trial
// shows it pays), BinaryConfig drops the word and line contexts and adds
// sparse contexts (bytes 2-3 back; byte 2 back with the position's
// parity) and, given a record length, record contexts: the byte one
// record back with the last byte, with the byte two records back, and
// the gradient predictions left + above - above-left for 1- and 2-byte
// samples. DetectStride finds the record length (an image's row in
// bytes) as the sharpest peak of the autocorrelation of the first MiB;
// the encoder stores it, so its floating point never reaches a decoder.
//
// # Exactness
//
// Everything that reaches the coder is integer arithmetic with fixed
// widths and explicit rounding: the logistic tables are built with
// integer arithmetic (no math.Exp, whose last bit may differ between
// platforms), there are no maps, no floating point and no dependence on
// GOARCH, int size or build tags. The mixer bank's two loops have AVX2
// twins on amd64 (bank_amd64.s) that compute the same wrapping int32 and
// int64 arithmetic as the Go reference in bank_generic.go (TestBankKernels,
// FuzzBankKernels compare them on any input). TestGolden pins the
// SHA-256 of a coded stream; it passes on amd64, 386, with -tags purego
// and on arm64 under qemu. A change to the model's arithmetic needs a
// new codec version.
//
// # Measurements
//
// Tuning used only training-allowed text: 4 novels from train-text (Carmilla,
// Doyle_TheSignoftheFour, Fitzgerald_TheGreatGatsby, Gilbert_SojournerTruth),
// GOROOT/src/net/http/server.go and runtime/proc.go, and the first 1,000,000
// bytes of GOROOT/src/internal/trace/traceviewer/static/trace_viewer_full.html
// (2,250,505 bytes, one segment per file); for large segments, 12 MB of
// other training novels; for the binary model, training photos as 8- and
// 16-bit gray rasters and binaries from GOROOT/src testdata:
//
//	go test ./bitcm -run TestMeasure -measure DIR [-set 'orders=2,3,4;col=0'] [-verify]
//
//	model                                        bpb     encode MB/s (1 core)
//	txtctx (ctx-text), pretrained                1.9200  0.44
//	zpaq -m5 (reference, same files)             1.7409
//	bitcm, direct probabilities only, first cut  1.8968
//	  + mixer learning rates tuned                1.8018
//	  + bit histories through history maps       1.7279
//	  + 4th mixer (longest order seen), rates     1.7140
//	  + final mixer by partial byte               1.7130
//	  + other-bit count capped at 2 (was halved)  1.7041
//	  + column context                            1.6973  0.26-0.33
//	  + mixer rate decaying 7 -> 2 (half way at 256 KiB)  1.6978 (12 MB of
//	    training novels in one segment: 1.6930 -> 1.6830)
//	  table bits 18 -> 19 / 20 / 21 (12 MB of training novels in one
//	    segment)                                 1.6830 -> 1.6664 / 1.6565 / 1.6511
//	    (the codecs use 20: 0.28 -> 0.27 MB/s; 16-bit raster 5.4807 -> 5.4581)
//	  nibble's line loads first, then decisions   same bits, +3 % (5 alternating
//	    runs on a busier machine: 0.244 -> 0.251 MB/s; within its noise)
//	  AVX2 mixer bank (bank_amd64.s)              same bits, 0.295 -> 0.355 MB/s
//	not kept: orders 5 or 8 added (-0.1 % for 10 % time), history maps
//	per bit position (+0.15 %), APM on an order-2 hash (+0.1 %), a
//	decaying mixer learning rate (+0.7 %).
//
// The version 2 text model (issue #15) was tuned on the same files
// ("mid", 2,250,505 bytes, one segment per file) and on 94 short texts
// ("small", 962,368 bytes: Go-tree files and three novel endings, the
// tuning half of docs/warm-text.sh, which the warm start never saw):
//
//	go test ./model/bitcm -run TestMeasure -measure DIR -set 'text=1'
//
//	model                                   mid bpb   small bpb
//	table bits 20 (cm-text model 2)         1.6976    1.8245
//	  + indirect                            1.6867
//	  + word skip                           1.6913
//	  + nesting                             1.6930
//	  + shape                               1.6871
//	  (sparse contexts, not kept            1.6935)
//	  all four                              1.6687
//	  + match from 5 bytes                  1.6672
//	  + second mixer bank                   1.6585
//	  + warm start (TextConfig)             1.6418    1.6205
//	with the network as prior (model-text 2)  1.5835    (1.4784, not a hold-out)
//
// (single contexts and the steps before the warm start were measured on
// an earlier small set; rows without a small figure: see
// docs/ABLATIONS.md.)
package bitcm
