// Package train is the float32 form of dcar's network stage: the
// network, the pieces of its trainer and its export (Quantize) to the
// integer network of package model, which is what the archiver ships and
// runs. The network, its inputs, its heads and the unified (DualComp)
// design are described in package model; cmd/dcartrain drives training,
// evaluation and export.
//
// # Files
//
//	net.go       Net, Config: the parameter vector with named views; Batch,
//	             Work, Forward (loss in bits and its gradient); the image
//	             render and its transpose
//	tm.go        the time-mix: batched forward and backward passes
//	step.go      Stepper: the network one sample at a time (the decoder's order)
//	set.go       Set, Extract, Concat: training samples from imgctx
//	text.go      ExtractText: training samples from txtctx; the text head
//	eval.go      Chunks, Evaluate, Stats; checkpoints (Save, Load)
//	online.go    EvaluateOnline: online head adaptation, measured in float
//	adamw.go     AdamW
//	unified.go   Unified, UConfig: one parameter set for both modalities
//	quantize.go  Quantize: a Net as a model.QNet
//
// # Samples
//
// A Set holds, per sample, the float inputs (model.Featurize's or
// model.TextFeaturize's integers / 2^model.FeatFrac, so training and the
// integer network see exactly the same inputs), the render inputs of
// images (Blend, Scale and the predictions: NAux), the context model's
// logits as the bias (imgctx's, or txtctx's mixture) and the target, in
// runs (image rows, text segments) at whose starts the recurrent state
// resets.
//
// # Training
//
// AdamW (weight decay on the matrices), warm-up and cosine schedule (in
// cmd/dcartrain), cross-entropy in bits of softmax(bias·ln2/256 + delta)
// on batches of sequences of Seq samples. Net's head starts at zero, so
// training starts from the context model exactly.
//
// Unified holds every parameter once (U): the effective per-modality
// networks Img and Txt are gathered from it (Sync, HiRA branches merged)
// and their gradients scattered back (Grad), so shared tensors receive
// both modalities' gradients. A unified step minimises image bits + text
// bits on one image batch and one text batch.
//
// Float evaluation (Evaluate) also range-codes with final int32 logits
// bias + RoundToEven(delta·256/ln2) through coder.FreqTable.SetLogits. It
// is not bit-exact across machines and never writes archives.
//
// # Export
//
// Quantize turns a Net into a model.QNet: int16 weights with per-row
// scales, activation formats calibrated by a float forward pass over
// training data (never evaluation data), decay and α in Q16, and
// optionally the online head adaptation. cmd/dcartrain writes the
// result with QNet.Encode (one modality) or model.Dual.Encode (the
// unified network, shared tensors once).
package train
