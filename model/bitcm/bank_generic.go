package bitcm

// bankDotGo is the reference for bankDot: the four dot products of x
// with w0..w3 (all of len(x)), exact in int64.
func bankDotGo(x, w0, w1, w2, w3 []int32) [4]int64 {
	w0, w1, w2, w3 = w0[:len(x)], w1[:len(x)], w2[:len(x)], w3[:len(x)]
	var s0, s1, s2, s3 int64
	for i, xi := range x {
		v := int64(xi)
		s0 += v * int64(w0[i])
		s1 += v * int64(w1[i])
		s2 += v * int64(w2[i])
		s3 += v * int64(w3[i])
	}
	return [4]int64{s0, s1, s2, s3}
}

// bankTrainGo is the reference for bankTrain: one step of every weight
// of w0..w3 (all of len(x)) for input x[i] and mixer j's error e[j].
func bankTrainGo(x, w0, w1, w2, w3 []int32, e [4]int32) {
	w0, w1, w2, w3 = w0[:len(x)], w1[:len(x)], w2[:len(x)], w3[:len(x)]
	for i, xi := range x {
		w0[i] = step(w0[i], xi, e[0])
		w1[i] = step(w1[i], xi, e[1])
		w2[i] = step(w2[i], xi, e[2])
		w3[i] = step(w3[i], xi, e[3])
	}
}

// mixDotGo is the reference for mixDot: one mixer's dot product of x
// with w (of len(x)), exact in int64 (what mixer.mix computes).
func mixDotGo(x, w []int32) int64 {
	w = w[:len(x)]
	var s int64
	for i, xi := range x {
		s += int64(xi) * int64(w[i])
	}
	return s
}

// mixTrainGo is the reference for mixTrain: one step of every weight of
// w (of len(x)) for input x[i] and error e (what mixer.update does).
func mixTrainGo(x, w []int32, e int32) {
	w = w[:len(x)]
	for i, xi := range x {
		w[i] = step(w[i], xi, e)
	}
}
