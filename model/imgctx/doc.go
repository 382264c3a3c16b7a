// Package imgctx computes causal, bit-exact image context for dcar's
// sub-pixel model: the 2-D neighbourhood, a bank of point predictors
// including an online least-squares predictor, their running error
// magnitudes, and a "bias-logit" model that turns the bank into a
// 256-way distribution without any network. The shipped image network
// (package model) adds a correction, computed from the Features, to
// these logits.
// EncodeStripeConfig/DecodeStripeConfig are a complete codec built on it
// alone: codec ctx-image in package archive/codec (the network-off
// baseline), and with EncodeStripe the reference the trainer
// (cmd/dcartrain) measures the network against.
//
// # Files
//
//	doc.go          this overview: coding order, fixed-point formats, exactness, measurements
//	context.go      Config, DefaultConfig, Features, the predictor ids and Context: the neighbourhood rows
//	model.go        the bias-logit model: Prepare (bank, blend, bias, scale), Logits (shape tables), Update
//	ls.go           the online least-squares predictor and its fixed-point LDL^T solve
//	fixed.go        Log2Q8 (integer-only table) and small integer helpers
//	codec.go        EncodeStripe, EncodeStripeConfig and DecodeStripeConfig: a stripe coded with imgctx alone
//	fingerprint.go  DefaultFingerprint, the frozen id of DefaultConfig in archives
//
// # Coding order and causality
//
// A stripe is W pixels by Rows rows of C interleaved 8-bit channels
// (1..4), coded in raster order: pixel by pixel, channels in order.
// Stripes are independent: rows above a stripe are never used. For the
// next sub-pixel (x, y, c) the Context uses only samples already coded
// in the stripe: the same channel at W, N, NW, NE, WW, NN, NNE, NEE and
// the channels 0..c-1 of the current pixel (and their neighbourhoods).
// Edges: in row 0 every upper neighbour is W; at x = 0, W and WW are N
// (128 at the first pixel of the stripe); beyond the right edge NE, NEE
// replicate the last pixel of the row above; row 1 sees NN = N.
//
// Use: for each sub-pixel call Prepare (features) and/or Logits, code
// the value, then Update(value). The encoder and decoder run the same
// sequence, so they see the same state.
//
// # Fixed-point formats
//
//   - Predictions, errors, Blend, Scale, Act: Q4 (value*16), int32;
//     predictions are clamped to [0, 255*16].
//   - Per-predictor error magnitude Err[i] = 2|e_W| + 2|e_N| + |e_NW| +
//     |e_NE| (+ 2|e_cur(c-1)| for c > 0), each |e| = |16*v - p_i| of
//     predictor i at that position (Q4). Act is the same sum for the
//     blended prediction's errors, averaged with the blend-weighted
//     predictor error (Act = (sum + sum_i w_i Err_i / sum_i w_i) / 2).
//   - Least squares (ls.go): per channel, inputs = the 8 same-channel
//     neighbours minus base = (W+N+1)>>1, plus for c >= 1 the previous
//     channel's current value, W, N, NW, NE minus its own (W+N+1)>>1, plus
//     for c >= 2 the channel c-2's current value, W, N minus its base
//     (8, 13, 16, 16 inputs). A and b are int64 with forgetting
//     A -= A>>LSDecay (arithmetic shift) and x_j*x_k<<4 added; the
//     system (A + LSReg*I) w = b is solved every LSEvery pixels by an
//     LDL^T factorisation with L in Q16, D in A units, truncating int64
//     division, weights in Q16 clamped to +-16; a non-positive pivot
//     keeps the previous weights. Prediction = base*16 + round(sum w_j
//     x_j / 2^12).
//   - Blend: w_i = floor(2^32 / (Err_i^2 + 64)), the LS weight shifted
//     left by 3; Blend0 = round-half-up(sum w_i p_i / sum w_i) (int64).
//   - Bias correction (CALIC-style): per (channel, Act bucket/2, 4
//     texture bits N,W,NW,NE > Blend0) an EMA of the error of Blend0 in
//     Q12 (Q4<<8), rate 1/32; Blend = clamp(Blend0 + round(bias/256)).
//   - Scale: per (channel, Act bucket) an EMA (rate 1/32, Q12) of
//     |16v - Blend|; Scale = max(4, EMA>>8). Buckets: 3 per octave of
//     Act, bucket = floor((Log2Q8(Act+8) - 768)*3/256), 32 buckets.
//   - Shape (the SSE-like stage): per (channel, bucket/4) an adaptive
//     histogram of u = (16v - Blend)/Scale in 256 bins of Scale/8
//     (bin = floor(d * floor(2^19/Scale) / 2^16) + 128). Counts start
//     as a Laplace of mean |u| = 1 (peak 2^16), each event adds 2^10,
//     all counts are halved (rounding up) when the total passes
//     ShapeLim. Logit(v) = Log2Q8(count[bin(v)]); beyond the table the
//     logit falls by 23/256 bit per bin.
//   - Logits: int32, log2 units with 8 fractional bits, the format of
//     coder.FreqTable.SetLogits; the codec uses 16-bit tables.
//   - Log2Q8 uses a 512-entry mantissa table computed at init by
//     integer squaring, so even the table is built without floats.
//
// # Exactness rules
//
// Only integer arithmetic is used (no float anywhere, including table
// construction); right shifts of signed values are arithmetic (floor);
// divisions truncate and never divide by zero (Scale >= 4, pivots
// checked, blend weight sums > 0); int64 wherever a product can exceed
// 2^31; no maps, no goroutines, no unsafe, no assembly, so amd64, arm64
// and purego builds produce identical bytes (TestGolden pins SHA-256
// prefixes of three synthetic stripes; it passes on amd64, -tags purego
// and GOARCH=arm64 under qemu-aarch64-static).
//
// # Measurements
//
// Bits per sub-pixel = 8 * coded bytes / samples, real range-coded
// streams (first stripe of one image round-trip verified per run).
// Train hold-out: 8 images (every 4th file of
// train-images/wikipedia-photos starting with the third), centre crops
// 512x384 RGB, 4,718,592 samples:
//
//	go test ./model/imgctx -run TestMeasure -measure -mcfg main,ablate,stripes,single -mj 2 -v
//
//	configuration                      bpsp
//	mixture (default), whole image     3.0095
//	mixture, 4 stripes                 3.0263
//	mixture, 16-row stripes            3.1044
//	mixture, no LS                     3.0880
//	mixture, fixed Laplace shape       3.0209
//	mixture, no bias correction        3.0284
//	mixture, LS solved every pixel     3.0095 (same as every 4 px, measured before the LS-weight tuning)
//	single LS                          3.0981
//	single xavg / xW / xgrad / xN      3.2597 / 3.3513 / 3.3813 / 3.4963
//	single GAP / MED / avgWN / grad    3.8843 / 3.9292 / 3.9812 / 4.0208
//	single W / N / W+NE-N / NE         4.1278 / 4.1374 / 4.3384 / 4.4319
//
// (single = the blend replaced by one predictor, with the same adaptive
// scale, bias and shape stages; for channel 0 the x* predictors are
// same-channel fallbacks.) Tuning used only these training images (LS
// decay 9, regulariser 2^8, LS weight x8, Act averaging, shape limit).
//
// Kodak (24 images, whole, RGB, 28,311,552 samples), measured once with
// the final configuration:
//
//	go test ./model/imgctx -run TestMeasure -measure -mset kodak -mcfg main -mn 24 -mcw 0 -mch 0 -mj 2 -v
//
//	configuration                      bpsp     (JPEG-XL -e9 2.8701, paq8px-8 1.850 on 21)
//	mixture (default), whole image     3.0236
//	mixture (default), 4 stripes       3.0338
//
// Speed (go test ./model/imgctx -run X -bench Encode): about 1.05-1.1 µs per
// sub-pixel for the whole codec on one core (0.90-0.95 MB/s) on the
// shared box at load ~2; 0.6 MB/s at load 3+. The MB/s in the tables
// above are under that contention and not meaningful. Profile: LDL
// solve ~20%, LS update ~15%, Logits ~25%, Prepare ~15%,
// coder.SetLogits ~15%.
package imgctx
