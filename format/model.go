package format

import "fmt"

// The model record (TagModel, version 4): its body is a form byte, then
// for ModelCarried the domain model file, for ModelReferenced the model's
// 8-byte fingerprint (spec section 16.2). These two functions are its
// only encoder and decoder.

// AppendModelBody appends the body of a model record: the model file
// itself (carried), or with ref only its fingerprint fp.
func AppendModelBody(dst, file []byte, fp [8]byte, ref bool) []byte {
	if ref {
		return append(append(dst, ModelReferenced), fp[:]...)
	}
	return append(append(dst, ModelCarried), file...)
}

// ParseModelBody splits a model record's body into its form and its
// payload (the model file, or the 8-byte fingerprint), checking the form
// and, for a reference, the length; it returns an error wrapping
// ErrCorrupt.
func ParseModelBody(b []byte) (form byte, payload []byte, err error) {
	switch {
	case len(b) == 0:
		return 0, nil, fmt.Errorf("%w: empty model record", ErrCorrupt)
	case b[0] == ModelReferenced && len(b) != 9:
		return 0, nil, fmt.Errorf("%w: model reference of %d bytes", ErrCorrupt, len(b)-1)
	case b[0] != ModelCarried && b[0] != ModelReferenced:
		return 0, nil, fmt.Errorf("%w: model record form %d", ErrCorrupt, b[0])
	}
	return b[0], b[1:], nil
}
