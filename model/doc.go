// Package model is dcar's network stage as it ships: one small recurrent
// network with one parameter set for images and text (the DualComp
// design), run in integers on top of the adaptive context models. For
// images it reads imgctx's Features of each sub-pixel and adds 256 delta
// logits to imgctx's logits (final = bias + delta, so a zero head is
// imgctx exactly); for text it reads a summary of txtctx's sources and
// mixture plus the previous byte's token row and corrects the mixture's
// logits. The archive's model-image, model-png and model-text codecs
// code with it. The float32 network it is quantised from, its training
// and the export to this package's weight files are package model/train
// (driven by cmd/dcartrain).
//
// # Files
//
//	qnet.go        QNet, QState: the integer network, the image render, the
//	               text head and the online head adaptation (Adapt)
//	features.go    Featurize, Residual: the image inputs from imgctx's integers
//	textfeat.go    TextFeaturize: the text inputs from txtctx's sources and mixture
//	codec.go       EncodeStripe, DecodeStripe: an image stripe, imgctx + network
//	textcodec.go   EncodeText, DecodeText: a text segment, txtctx + network
//	weightfile.go  the DCARWTS weight-file format (WeightFile, SHA-256 trailer),
//	               WriteFileAtomic
//	qfile.go       a QNet as a weight file (arch imgnet-q1) and its checked reader
//	dualfile.go    Dual: the unified weight file (arch dualnet-q1)
//	embed.go       the shipped networks (weights/*.dcw) by name and fingerprint
//
// # The unified network
//
// The four DualComp parts, as built here:
//
//   - Unified tokenisation with per-modality masking: one token table
//     (the 256 text-byte rows E and a start row per modality) and one
//     output table whose rows belong to one modality each (image: the
//     render's relative bins and predictor hats; text: 256 byte rows and
//     a mixture-scale row); a token computes only its modality's rows.
//   - Modality switching: the start row of the modality is the token
//     shift's history at a sequence start, and the time-mix parameters
//     (token-shift mixes, r/k/v projections, decay, α) exist per
//     modality; the output projection is shared.
//   - Modality-routed MoE: FFN units [0, Hs) are a shared expert, units
//     [Hs, H) the modality's expert; routing is by the known modality, so
//     a token runs one dense H-unit FFN.
//   - HiRA: W1, the r/k/v/o projections and the FFN blocks train as
//     W + B·A (A: r·In×In, r = 4); the branches are merged at export, so
//     the shipped network has plain matrices.
//
// Each modality is one QNet (Dual.Img, Dual.Txt); the unified weight
// file stores the tensors they share once.
//
// # Inputs (features.go, textfeat.go)
//
// Images, NF = 48 integer features per sub-pixel (Q10, FeatFrac), from
// imgctx's integers: channel one-hot; (Pred_i - Blend)/Scale for the 13
// predictors; log2(Err_i+16) - log2(Act+16); log2 Scale, log2 Act,
// Bucket; the 8 same-channel neighbours and the already-coded channels of
// the pixel as (16*v - Blend)/Scale; Blend (absolute level); the previous
// sub-pixel's scaled residual; edge flags; a constant. Relative values
// are clamped to +-8 Scale.
//
// Text, NFT = 48 integer features per byte (Q10): per txtctx source
// (found, log2 total, log2 max count, log2 listed, max/total), the
// mixture's -log2 p(top), log2 position, a constant; plus E[previous
// byte].
//
// # Network (qnet.go)
//
//	h1 = ReLU(W1 x + b1)          (text: + E[previous byte])     H
//	hr = h1 + TimeMix(h1)         (optional: QNet.Rec)           H
//	h2 = ReLU(W2 hr + b2)                                         H
//	o  = W3 h2 + b3               image NOut = 41 + 13, text NOutT = 257
//
// The time-mix is a simplified RWKV-7 layer: token shift (the history
// at a sequence start is the modality's start row), r/k/v projections,
// per-head normalised kk, static per-channel decay and α, the
// delta-rule WKV state S (y = S·r), gate σ(xr), output projection.
//
// The image head is rendered in coordinates relative to imgctx's
// distribution: NRel = 41 values on a grid u = (16v - Blend)/Scale in
// steps of RelStep = 0.5 (+-10 Scale, piecewise linear, constant beyond),
// plus one hat kernel of half-width Scale centred on each predictor's
// value, weighted by o. The text head gives delta(c) = o[c] +
// o[256]·mix(c) (mix = the mixture's logits), so the network can shift
// single bytes and sharpen or flatten the whole mixture. The state
// restarts at each image row and every QNet.Seq sub-pixels, and every
// QNet.Seq bytes of text (128 in the shipped network).
//
// # Integer arithmetic
//
// Integer features (Q10), int16 weights (per-row scales, |w| <=
// WeightMax = 511), int16 activations in power-of-two formats chosen at
// export, the WKV state in int32 (kernel.WKV16), the render in fixed
// point. Optionally the head adapts while a stripe or segment is coded
// (QState.Adapt: integer SGD on the head bias, per colour channel, and
// on the head matrix, driven by the coder's frequency table). Every step
// is integer arithmetic with fixed rounding, so encoder and decoder
// agree on every machine and code path.
//
// # Weight files and fingerprints
//
// Networks are stored as DCARWTS weight files (weightfile.go) whose
// SHA-256 trailer is the file's fingerprint. A shipped network's
// Model.Fingerprint, which archives store, is the first 8 bytes of
// SHA-256 over imgctx's fingerprint and the file's; a unified file's
// text modality has TextFingerprint over txtctx's fingerprint and the
// file's. Every file that ever shipped stays embedded so that its
// archives keep decoding; DefaultWeights names the one new archives use.
//
// Results and commands: RESULTS.md.
package model
