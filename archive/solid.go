package archive

import (
	"bytes"
	"fmt"
	"io"
	"strconv"

	"github.com/dcar-archiver/dcar/format"
)

// Solid groups (spec section 5, solid groups). A small text file coded
// on its own starts its model from nothing; coded after other small
// texts it starts from what they taught the model, as inside tar | xz.
// The Writer collects small files of one kind (text for cm-text, other
// bytes for cm-bin) into a group, then writes one
// group entry whose content is theirs concatenated, coded as one block,
// followed by one part entry per file that refers to its range. A reader
// decodes the group once and cuts the files out of it; a group is an
// independently decodable unit, so extracting one file costs decoding
// its group.

// solidMaxFile is the largest file a group takes: larger files have
// enough context of their own (on 23 MB of documentation text, 512 KiB
// instead made the archive 0.8 % smaller, 32 KiB 5.7 % larger).
const solidMaxFile = 128 << 10

// solidGroupSize bounds a group's content: the most a reader decodes to
// extract one of its files, and the most the Writer holds (a variable
// for tests). On 23 MB of documentation text, groups of 1, 2 and 4 MiB
// made the archive 33, 35 and 37 % smaller than no groups.
var solidGroupSize int64 = 4 << 20

// solidGroup is the open group: its content so far and its entries, in
// the order WriteEntry received them.
type solidGroup struct {
	kind    int // solidText or solidBin
	data    []byte
	items   []groupItem
	members int
	paths   map[string]bool // paths of its parts (hard links to them wait too)
}

// groupItem is a part entry (its range of the group's content) or a hard
// link to one.
type groupItem struct {
	h        format.Header
	off      int64
	key      contentKey // the dedup key of a member (first of its content)
	member   bool       // the first file of its content in the group
	hardlink bool
}

// Kinds of solid groups: a group holds files of one kind, and a file of
// the other kind closes the open group (files of a kind mostly come
// together, a directory of them at a time).
const (
	solidNone = iota
	solidText // small text files for cm-text (or model-text)
	solidBin  // small other files for cm-bin (certificates, icons, test data)
)

// solid returns the kind of solid group the file h, just planned, goes
// into, or solidNone.
func (aw *Writer) solid(h *format.Header) int {
	if aw.opts.NoSolid || h.IsPiece() || h.Size <= 0 || h.Size > solidMaxFile {
		return solidNone
	}
	switch {
	case h.Modality == format.ModalityText && (h.Codec == format.CodecCMText || h.Codec == format.CodecModelText):
		return solidText
	case h.Codec == format.CodecCMBin:
		return solidBin
	}
	return solidNone
}

// openGroup returns the open group of the given kind, first writing the
// current one if it is of the other kind or n more bytes would not fit
// in it.
func (aw *Writer) openGroup(kind int, n int64) (*solidGroup, error) {
	if g := aw.group; g != nil && (g.kind != kind || int64(len(g.data))+n > solidGroupSize) {
		if err := aw.flushGroup(); err != nil {
			return nil, err
		}
	}
	if aw.group == nil {
		aw.group = &solidGroup{paths: map[string]bool{}, kind: kind}
	}
	return aw.group, nil
}

// addMember reads the content of h (planned, small, of the given kind)
// into the open group of that kind. key is its dedup key (zero with NoDedup); the hasher checks the
// content against it when the group is written, as for any entry.
func (aw *Writer) addMember(h *format.Header, kind int, r io.Reader, key contentKey) error {
	if err := aw.firstErr(); err != nil {
		return err
	}
	if !format.ValidPath(h.Path) {
		return fmt.Errorf("%w %q", format.ErrInvalidPath, h.Path)
	}
	g, err := aw.openGroup(kind, h.Size)
	if err != nil {
		return err
	}
	off := int64(len(g.data))
	g.data = append(g.data, make([]byte, h.Size)...)
	if n, err := io.ReadFull(r, g.data[off:]); err != nil {
		g.data = g.data[:off]
		return fmt.Errorf("%s: %w", h.Path, readErr(err, h.Size, int64(n)))
	}
	if err := checkEnd(r, h.Path, h.Size); err != nil {
		g.data = g.data[:off]
		return err
	}
	if !aw.opts.NoDedup {
		if aw.seen == nil {
			aw.seen = map[contentKey]seen{}
		}
		aw.seen[key] = seen{member: len(g.items), h: *h}
	}
	g.items = append(g.items, groupItem{h: *h, off: off, key: key, member: true})
	g.members++
	g.paths[h.Path] = true
	return nil
}

// addPart adds h, a copy of item i of the open group, as a part of the
// same range.
func (aw *Writer) addPart(h *format.Header, r io.Reader, key contentKey, i int) error {
	g := aw.group
	it := g.items[i]
	content := g.data[it.off : it.off+it.h.Size]
	got, err := io.ReadAll(io.LimitReader(r, h.Size+1))
	if err != nil {
		return fmt.Errorf("%s: %w", h.Path, err)
	}
	if !bytes.Equal(got, content) {
		return fmt.Errorf("%s: %w (its content changed after it was hashed for deduplication)", h.Path, ErrFileChanged)
	}
	h.Modality, h.MIME = it.h.Modality, it.h.MIME
	g.items = append(g.items, groupItem{h: *h, off: it.off, key: key})
	g.paths[h.Path] = true
	return nil
}

// pendingLink reports whether a hard link to target must wait for the
// open group: its target is a part of it.
func (aw *Writer) pendingLink(target string) bool {
	return aw.group != nil && aw.group.paths[target]
}

// addLink adds h, a hard link to a part of the open group, after it.
func (aw *Writer) addLink(h *format.Header) error {
	if !format.ValidPath(h.Path) {
		return fmt.Errorf("%w %q", format.ErrInvalidPath, h.Path)
	}
	aw.group.items = append(aw.group.items, groupItem{h: *h, hardlink: true})
	return nil
}

// flushGroup writes the open group: its group entry, then its entries in
// order. A group of one file is written as that file on its own.
func (aw *Writer) flushGroup() error {
	g := aw.group
	aw.group = nil
	if g == nil || aw.failed() {
		return aw.firstErr()
	}
	if g.members == 1 {
		// One file (and its copies, links): on its own, as without groups.
		orig := 0
		for _, it := range g.items {
			h := it.h
			switch {
			case it.hardlink:
				if err := aw.writeEntry(&h, nil); err != nil {
					return err
				}
				continue
			case it.member:
				orig = aw.entries
				if !aw.opts.NoDedup {
					aw.seen[it.key] = seen{orig, h, -1}
				}
			default:
				h.Codec, h.Params = format.CodecSame, format.AppendSameParams(nil, orig)
			}
			if err := aw.writeEntryWant(&h, bytes.NewReader(g.data), wantOf(it.key, aw.opts.NoDedup)); err != nil {
				return err
			}
		}
		return nil
	}
	aw.groups++
	first := g.items[0].h
	gh := &format.Header{Path: "dcar-group/" + strconv.Itoa(aw.groups), Type: format.TypeGroup, ModTime: first.ModTime, Size: int64(len(g.data))}
	if err := aw.plan(gh, bytes.NewReader(g.data)); err != nil {
		return err
	}
	gh.BlockSize = uint32(len(g.data))
	group := aw.entries
	if err := aw.writeEntry(gh, bytes.NewReader(g.data)); err != nil {
		return err
	}
	for _, it := range g.items {
		h := it.h
		if it.hardlink {
			if err := aw.writeEntry(&h, nil); err != nil {
				return err
			}
			continue
		}
		if it.member && !aw.opts.NoDedup {
			aw.seen[it.key] = seen{aw.entries, h, -1}
		}
		h.Codec, h.Params, h.BlockSize = format.CodecPart, format.AppendPartParams(nil, group, it.off), uint32(h.Size)
		content := bytes.NewReader(g.data[it.off : it.off+h.Size])
		if err := aw.writeEntryWant(&h, content, wantOf(it.key, aw.opts.NoDedup)); err != nil {
			return err
		}
	}
	return nil
}

// wantOf is the content hash an entry must have: its dedup key's, when
// dedup hashed it.
func wantOf(k contentKey, noDedup bool) *[32]byte {
	if noDedup {
		return nil
	}
	return &k.sum
}
