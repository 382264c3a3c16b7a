// Package bench measures dcar against the peer compressors found on PATH
// on the same files in the same run, per modality, with every round trip
// verified. Sizes are real bytes written by each tool. It is the engine
// of the dcar bench command.
//
// # Files
//
//	doc.go    this overview
//	bench.go  Collect (the files and their modality), Peers and RunPeer, RunDcar, Row and Sorted
package bench
