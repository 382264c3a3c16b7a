package bz2re

// predictRank guesses where libbzip2's sort puts rotation 0 among the k
// equal rotations of a periodic block.
func predictRank(block []byte, k int) int {
	return 0
}
