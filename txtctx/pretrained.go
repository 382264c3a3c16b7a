package txtctx

// initW, when it has the size of a Mixer's weight table, replaces the
// heuristic initial weights. It is generated from training text.
var initW []int32

const usePretrained = true
