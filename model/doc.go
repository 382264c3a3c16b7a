// Package model is dcar's unified image+text next-symbol model (the DualComp
// design: a simplified RWKV-7 with modality-unified tokenization,
// modality-switching time-mix, modality-routing MoE and HiRA), float32
// training side, in the style of llm.c: parameters are plain structs of
// []float32 views into one flat buffer, every layer is a forward/backward
// pair over a whole sequence, and each fast path has a plain reference
// beside it that the tests compare against (GoMatMul vs NaiveMatMul, merged
// HiRA vs HiRANaiveForward/Backward, wkvForward16 vs wkvForward, Forward vs
// the token-by-token Stepper), plus finite-difference gradient checks for
// every layer and the whole model.
//
// Files:
//
//	token.go     Modality, VocabMode, Vocab (id layout, logit-mask ranges), TextTokenizer (bytes; BPE seam)
//	config.go    Config: sizes and the four DualComp switches
//	params.go    Params / BlockParams / TMSet / FFNParams, initialisation
//	layout.go    named tensors in a flat buffer
//	matmul.go    MatMul seam: NaiveMatMul (reference), GoMatMul (pure Go); kernelmm.go: package kernel's SGEMM
//	norm.go      LayerNorm / per-head GroupNorm, RMSNorm
//	hira.go      linear maps, HiRA reparameterisation (Merge, ExpandGrad, naive reference)
//	timemix.go   simplified RWKV-7 time-mix with BPTT through the delta-rule state
//	chanmix.go   ReLU² channel-mix with modality-routing MoE
//	model.go     Model, Grads, Workspace; Forward (loss in nats) / Backward over one sequence
//	stepper.go   recurrent one-token-at-a-time float32 inference (reference for the coder)
//	weights.go   versioned weight/checkpoint file, export with merged HiRA
//	data/        training sources and sampling; train/: AdamW trainer, checkpoints
//
// Typical training use (see model/train and cmd/dctrain):
//
//	m, _ := model.New(model.DefaultConfig(96, 2)); m.Init(seed)
//	ws, g := m.NewWorkspace(model.KernelMatMul{}), m.NewGrads()
//	loss := m.Forward(ws, seq); m.Backward(ws, g, 1/tokens)   // per sequence
//	m.FoldGrads(mm, g)   // merged-weight grads → HiRA W, A, B
//	... optimizer update of m.Data ...; m.Prepare(mm)          // re-merge W + B·A
package model
