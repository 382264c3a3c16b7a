//go:build !purego

package kernel

import "golang.org/x/sys/cpu"

// hasAVX2 and hasAVX512 report whether the CPU and OS support the respective
// kernels (x/sys/cpu checks that the OS saves the YMM/ZMM state).
var (
	hasAVX2   = cpu.X86.HasAVX2 && cpu.X86.HasFMA
	hasAVX512 = hasAVX2 && cpu.X86.HasAVX512F && cpu.X86.HasAVX512BW &&
		cpu.X86.HasAVX512VL && cpu.X86.HasAVX512DQ && cpu.X86.HasAVX512VNNI
)

var avx2Impl = &implementation{
	name:      "avx2",
	matVecS16: matVecS16AVX2,
	sgemm:     sgemmAVX2,
	elem:      avx2Elem,
	wkv16:     wkv16Generic, // no 64-bit arithmetic shifts or min/max in AVX2
	wkvPrep:   wkvPrepGeneric,

	matVecS32S16:     matVecS32S16Generic,
	rankOneUpdateS32: rankOneUpdateS32Generic,
	lsUpdate:         lsUpdateGeneric,
}

var avx512Impl = &implementation{
	name:      "avx512",
	matVecS16: matVecS16VNNI,
	sgemm:     sgemmAVX512,
	elem:      avx512Elem,
	wkv16:     wkv16AVX512,
	wkvPrep:   wkvPrepAVX512,

	matVecS32S16:     matVecS32S16AVX512Go,
	rankOneUpdateS32: rankOneUpdateS32AVX512,
	lsUpdate:         lsUpdateAVX512Go,
}

func archImpls() []*implementation {
	var l []*implementation
	if hasAVX512 {
		l = append(l, avx512Impl)
	}
	if hasAVX2 {
		l = append(l, avx2Impl)
	}
	return l
}
