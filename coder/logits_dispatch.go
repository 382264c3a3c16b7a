package coder

// Implementations of the SetLogits kernels (see logits_amd64.go). They
// all compute the same integers; implGo, the Go code in logits.go, is the
// reference and is the only one with the purego build tag and on
// GOARCHes other than amd64.
const (
	implGo = iota
	implAVX2
	implAVX512
)

var implNames = [...]string{implGo: "go", implAVX2: "avx2", implAVX512: "avx512"}
