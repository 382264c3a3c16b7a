package bitcm

// A node is what a context knows about one bit: packed in 32 bits,
//
//	bits 31..16  P(1), 16 bits: an adaptive probability with its own
//	             learning rate 1/(n+1.5), so a new context learns from
//	             its first bits almost fully and an old one averages
//	             over about `limit` of them;
//	bits 15..8   a bit history: counts of zeros and ones seen (4 bits
//	             each), the count of the other bit discounted when a
//	             bit comes (recent bits weigh more). The meaning of a
//	             history is learned per context kind by a historyMap
//	             (indirect modelling: "in contexts that saw 3 ones and
//	             no zero, how often did a one come next?");
//	bits 7..0    n, the number of updates so far, saturating at limit.
type node = uint32

const nodeInit node = 1 << 31 // P = 1/2, empty history, n = 0

// recip[n] = 65536/(n+1.5), the update step of a probability updated n
// times so far (nodes count to 255, history maps to 1023).
var recip [1024]int64

// nextHist[h<<1|y] is history h after bit y.
var nextHist [512]uint8

func init() {
	for n := range recip {
		recip[n] = int64(131072 / (2*n + 3))
	}
	for h := 0; h < 256; h++ {
		n0, n1 := h>>4, h&15
		for y := 0; y < 2; y++ {
			a, b := n0, n1 // a: count of the bit that came, b: the other
			if y == 1 {
				a, b = n1, n0
			}
			a = min(a+1, 15)
			if b > 2 {
				b = 2
			}
			if y == 1 {
				nextHist[h<<1|y] = uint8(b<<4 | a)
			} else {
				nextHist[h<<1|y] = uint8(a<<4 | b)
			}
		}
	}
}

// p12 is the node's direct probability of a 1 in 12 bits (0..4095).
func p12(c node) int32 { return int32(c >> 20) }

// hist is the node's bit history (0..255).
func hist(c node) int { return int(c>>8) & 255 }

// update moves c towards bit y (0 or 1), advances its history and counts
// the visit up to limit (< 256).
func update(c *node, y int, limit uint32) {
	v := *c
	n := v & 255
	p := int64(v >> 16)
	p += ((int64(y)<<16 - int64(y) - p) * recip[n]) >> 16
	if n < limit {
		n++
	}
	*c = uint32(p)<<16 | uint32(nextHist[int(v>>7)&0x1fe|y])<<8 | n
}

// A historyMap turns bit histories into probabilities, learned online:
// one adaptive probability per history.
type historyMap struct {
	p   [256]uint32 // hmInit's form: 22-bit probability << 10 | count
	cur uint8       // the history predict saw, for learn (an index, not a pointer: no write barrier)
}

func (h *historyMap) init() {
	for i := range h.p {
		h.p[i] = hmInit(i)
	}
}

// predict returns the stretched probability of history hi and remembers
// it for learn.
func (h *historyMap) predict(hi int) int32 {
	h.cur = uint8(hi)
	return hmStretch(h.p[uint8(hi)])
}

func (h *historyMap) learn(y int) { h.p[h.cur] = hmLearn(h.p[h.cur], y) }

// hmInit is the starting entry of a history map for history i&255: the
// probability its counts give, (n1+1/2)/(n0+n1+1), and count 0.
func hmInit(i int) uint32 {
	n0, n1 := i>>4&15, i&15
	return uint32((n1*2+1)<<22/(n0*2+n1*2+2)) << 10
}

// hmStretch is the stretched 12-bit probability of history-map entry v.
func hmStretch(v uint32) int32 { return stretch(int32(v >> 20)) }

// hmLearn returns entry v moved towards bit y, with the learning rate of
// its count (up to 1023).
func hmLearn(v uint32, y int) uint32 {
	n := v & 1023
	p := int64(v >> 10)
	p += ((int64(y)<<22 - int64(y) - p) * recip[n]) >> 16
	if n < 1023 {
		n++
	}
	return uint32(p)<<10 | n
}
