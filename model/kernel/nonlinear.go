package kernel

//go:generate go run gen_tables.go

// Integer sigmoid by table lookup. The table (tables.go) is a constant
// generated once, so results are identical everywhere.
//
// Q formats:
//   - Sigmoid input: int16 Q3.12 (x/4096, range [-8, 8)).
//   - Sigmoid output: uint16 UQ0.16 (v/65536, range [22, 65514] ⊂ (0, 1)).

// Sigmoid returns σ(x/4096)·65536 for x in Q3.12, as UQ0.16. Algorithm
// (exact): a = |x|, i = a>>6, f = a&63, T[i] = round(σ(i/64)·2^24),
// s = (64·T[i] + (T[i+1]-T[i])·f + 2^13) >> 14 (linear interpolation, step
// 1/64, one rounding), and 65536-s for x < 0, so Sigmoid(-x) =
// 65536 - Sigmoid(x) exactly. Error < 0.75 unit (2^-16); monotonic.
func Sigmoid(x int16) uint16 {
	m := int32(x) >> 31 // -1 if x < 0, else 0
	a := (int32(x) ^ m) - m
	i, f := a>>6, a&63
	t0, t1 := int32(sigmoidTab[i]), int32(sigmoidTab[i+1])
	s := (t0<<6 + (t1-t0)*f + 1<<13) >> 14
	return uint16(s + m&(65536-2*s)) // 65536-s for x < 0, branch-free
}
