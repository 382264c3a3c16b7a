// Package imgnet is dcar's network stage: one small recurrent network,
// with one parameter set for images and text (the DualComp design,
// unified.go), on top of the adaptive context models. For images it
// reads imgctx's per-sub-pixel Features and outputs 256 delta logits
// added to imgctx's bias logits (final = bias + delta, so a zero head is
// imgctx exactly); for text it reads a summary of txtctx's sources and
// mixture plus the previous byte's token row and corrects the mixture's
// logits (textfeat.go). It is trained in float32 (Net, Unified) and runs
// in integers (QNet, qnet.go), which is what the model-image, model-png
// and model-text codecs use.
//
// # The unified network (unified.go, dualfile.go)
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
//     W + B·A (A: r·In×In, r = 4), merged at export.
//
// Training (cmd/imgtrain -unified) minimises image bits + text bits per
// step on one image batch and one text batch; the exported weight file
// (arch dualnet-q1) stores the shared tensors once and serves both
// codecs.
//
// # Text inputs and head (textfeat.go, textcodec.go)
//
// NFT = 48 integer features per byte (Q10): per txtctx source (found,
// log2 total, log2 max count, log2 listed, max/total), the mixture's
// -log2 p(top), log2 position, a constant; plus E[previous byte]. The
// head gives delta(c) = o[c] + o[256]·mix(c) (mix = mixture logits in
// nats), so the network can shift single bytes and sharpen or flatten
// the whole mixture. The state restarts every Seq bytes (128).
//
// # Inputs (features.go, NF = 48, converted from imgctx's integers)
//
// channel one-hot; (Pred_i - Blend)/Scale for the 13 predictors;
// log2(Err_i+16) - log2(Act+16); log2 Scale, log2 Act, Bucket; the 8
// same-channel neighbours and the already-coded channels of the pixel as
// (16*v - Blend)/Scale; Blend (absolute level); the previous sub-pixel's
// scaled residual; edge flags; a constant. Relative values are clamped
// to +-8 Scale.
//
// # Network (net.go, tm.go)
//
//	h1 = ReLU(W1 x + b1)                       H
//	h1 = h1 + TimeMix(h1)    (optional, Config.Rec; RWKV-7-style, image-specific)
//	h2 = ReLU(W2 h1 + b2)                      H
//	o  = W3 h2 + b3                            NOut = 41 + 13, zero-initialised
//
// The head is rendered in coordinates relative to imgctx's distribution
// (render): 41 values on a grid u = (16v - Blend)/Scale in steps of 0.5
// (+-10 Scale, piecewise linear, constant beyond), plus one hat kernel
// of half-width Scale centred on each predictor's value, weighted by o.
// The time-mix is the delta-rule WKV of model/timemix.go (token shift,
// r/k/v projections, per-head normalised kk, static per-channel decay
// and α, y = S·r, gate σ(xr), output projection) without HiRA,
// GroupNorm, bonus and value residual; its parameters are the
// image-specific set that a unified model would switch by modality,
// with hidden size H shared.
//
// Training (cmd/imgtrain): AdamW, cosine schedule, cross-entropy in bits
// of softmax(bias*ln2/256 + delta); sequences of Seq sub-pixels from
// recorded rows of the training images; inference resets the state at
// the same chunk boundaries (row starts, then every Seq sub-pixels).
//
// Float evaluation (Evaluate, for training and experiments): final int32
// logits = bias + RoundToEven(delta*256/ln2) through
// coder.FreqTable.SetLogits. It is not bit-exact across machines and is
// never used to write archives.
//
// # Integer network (qnet.go, quantize.go, qfile.go)
//
// Quantize turns a Net into a QNet: integer features (Featurize, Q10),
// int16 weights (per-row scales, |w| <= 511), int16 activations with
// calibrated power-of-two formats, the WKV state in int32 (kernel.WKV16),
// the render in fixed point. Optionally the head adapts while a stripe is
// coded (QState.Adapt: integer SGD on the head bias, per colour channel,
// and on the head matrix, driven by the coder's frequency table). Every
// step is integer arithmetic with fixed rounding, so encoder and decoder
// agree on every machine. QNets are stored as DCARWTS weight files;
// embed.go ships them (all versions ever used) and finds them by
// fingerprint.
//
// Results and commands: RESULTS.md.
package model
