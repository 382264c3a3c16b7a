// Package jpegcm is dcar's context-mixing model of JPEG coefficients: it
// codes the quantised DCT coefficients that package format/jpegre splits
// out of a JPEG file, about a fifth smaller than the file's own Huffman
// coding, with the binary range coder of package coder.
//
// # Order
//
// Components one after another, blocks row by row. In each block: the
// number of non-zero coefficients among the 49 interior ones (both
// frequencies >= 1), those in zig-zag order until the last non-zero one
// (after which all are zero, so nothing more is coded; where every
// remaining position must be non-zero, nothing is coded either), then
// the 7 coefficients of the left edge F(0,v) and the 7 of the top edge
// F(u,0), then the DC coefficient.
//
// # Decisions and contexts (model.go)
//
// A coefficient is a zero flag, its magnitude's bit length in unary, the
// bits below the top one, and a sign. Each binary decision mixes (mix.go)
// the adaptive probabilities of 2 to 6 contexts with a weight set
// selected by the coefficient's position, sometimes refined by an
// adaptive probability map. The contexts are made of the position, the
// non-zero coefficients still to come, the same coefficient in the left
// and upper blocks, the block's already coded neighbours in frequency,
// and, for chroma, what the components coded before say about the same
// place: the co-located luma blocks' non-zero count and the mean
// magnitude and summed sign of the same coefficient there, and for the
// third component the second one's block at the same place (its
// non-zero count, the same coefficient's magnitude and sign, its DC
// difference). Colour edges show in all three components, so chroma
// costs much less given luma and Cr given Cb.
//
// Edge coefficients are predicted across the block boundary (predict.go):
// the 1-D inverse DCT of a line of frequency w along the edge, at the two
// samples nearest the edge on each side and extrapolated a quarter step
// towards it, should agree, which gives the one unknown coefficient of
// the line from the neighbour's eight and the block's seven interior
// ones. The DC is predicted the same way from both neighbours (mean rows
// and columns) and its difference coded with the two estimates'
// disagreement as context. Interior zero flags, exponents and edge
// decisions mix their inputs twice, with weight sets chosen by two
// different contexts, and average the two logits.
//
// EncodeParts codes an image of SplitBlocks blocks or more as two parts
// at once, the upper and lower halves of its MCU rows, each as if it were
// the whole image (its first row has no upper neighbour), so that both
// cores code one large JPEG: +0.08 % on a 5120×2880 photo.
//
// Everything is integer arithmetic with fixed tables: encoder and decoder
// compute the same bits on every machine. The model is pinned by
// Fingerprint; a change to any of its bits is a new model version beside
// this one.
package jpegcm
