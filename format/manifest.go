package format

import (
	"encoding/binary"
	"fmt"
	"path"
)

// ManifestMagic opens a set manifest (spec section 15.4): the archive
// magic with "SET" for "AR", so neither is taken for the other.
var ManifestMagic = [8]byte{0x89, 'D', 'C', 'S', 'E', 'T', '\n', 0x1a}

// ManifestVersion is the manifest layout this package writes and reads.
const ManifestVersion = 1

// Manifest limits: a reader rejects anything beyond them before
// allocating.
const (
	MaxManifestSize = 64 << 20
	MaxVolumes      = 1 << 20
	MaxInfoLen      = 4096
)

// ManifestOrdered, in Manifest.Flags, says that the set's entry paths
// never decrease in path element order (spec section 15.2), so that the
// volumes holding a path are found from each volume's first and last
// path alone.
const ManifestOrdered = 1

// VolumeContinued, in Volume.Flags, says that the volume's last entry is
// a piece of a file whose next piece opens the next volume.
const VolumeContinued = 1

// Manifest describes a set of volumes (spec section 15.4).
type Manifest struct {
	Name       string // the set's name: the manifest's own file name
	VolumeSize int64  // the bound on content bytes per volume it was cut with
	Flags      uint64
	Info       string // the options that made it, informational ("preset=fast ...")
	Entries    int64  // planned entries of the set, every volume's together
	Volumes    []Volume
}

// Volume is one volume of a set as its manifest lists it.
type Volume struct {
	Name       string // file name, in the manifest's directory
	Size       int64  // bytes of the volume file
	SHA256     [32]byte
	FirstEntry int64 // set number of its first planned entry
	Entries    int64 // planned entries it holds
	Content    int64 // content bytes of its entries
	FirstPath  string
	LastPath   string
	Flags      uint64
}

// Continued reports whether the volume's last entry goes on in the next.
func (v *Volume) Continued() bool { return v.Flags&VolumeContinued != 0 }

// Ordered reports whether the set's paths are in path element order.
func (m *Manifest) Ordered() bool { return m.Flags&ManifestOrdered != 0 }

// AppendManifest appends the manifest's bytes: header, body and CRC.
func AppendManifest(dst []byte, m *Manifest) []byte {
	start := len(dst)
	dst = append(dst, ManifestMagic[:]...)
	dst = append(dst, ManifestVersion, 0, 0, 0)
	dst = appendString(dst, m.Name)
	dst = binary.AppendUvarint(dst, uint64(m.VolumeSize))
	dst = binary.AppendUvarint(dst, m.Flags)
	dst = appendString(dst, m.Info)
	dst = binary.AppendUvarint(dst, uint64(m.Entries))
	dst = binary.AppendUvarint(dst, uint64(len(m.Volumes)))
	for i := range m.Volumes {
		v := &m.Volumes[i]
		dst = appendString(dst, v.Name)
		dst = binary.AppendUvarint(dst, uint64(v.Size))
		dst = append(dst, v.SHA256[:]...)
		dst = binary.AppendUvarint(dst, uint64(v.FirstEntry))
		dst = binary.AppendUvarint(dst, uint64(v.Entries))
		dst = binary.AppendUvarint(dst, uint64(v.Content))
		dst = appendString(dst, v.FirstPath)
		dst = appendString(dst, v.LastPath)
		dst = binary.AppendUvarint(dst, v.Flags)
	}
	return binary.LittleEndian.AppendUint32(dst, CRC(dst[start:]))
}

// minVolumeRow is the fewest bytes a volume's row takes: one-byte name,
// its length, size, SHA-256, four uvarints, two empty paths, flags.
const minVolumeRow = 2 + 1 + 32 + 3 + 2 + 1 + 1

// ParseManifest parses and checks a set manifest: magic, version, CRC,
// every field within its limits, volume names that are plain file names,
// entry ranges that follow each other.
func ParseManifest(b []byte) (*Manifest, error) {
	fail := func(off int, err error) (*Manifest, error) {
		return nil, &Error{Offset: int64(off), Op: "read set manifest", Err: err}
	}
	if len(b) < 16+4 {
		return fail(0, ErrTruncated)
	}
	if [8]byte(b[:8]) != ManifestMagic {
		return fail(0, ErrMagic)
	}
	if len(b) > MaxManifestSize {
		return fail(0, fmt.Errorf("%w: manifest of %d bytes", ErrLimit, len(b)))
	}
	end := len(b) - 4
	if binary.LittleEndian.Uint32(b[end:]) != CRC(b[:end]) {
		return fail(end, ErrChecksum)
	}
	if b[8] != ManifestVersion {
		return fail(8, fmt.Errorf("%w: set manifest version %d (this dcar reads %d)", ErrVersion, b[8], ManifestVersion))
	}
	if b[9] != 0 || b[10] != 0 || b[11] != 0 {
		return fail(9, fmt.Errorf("%w: reserved manifest bytes are not zero", ErrCorrupt))
	}
	d := decoder{b: b[12:end]}
	at := func() int { return end - len(d.b) }
	m := &Manifest{}
	m.Name = d.str(MaxPathLen, "set name")
	vs := d.uvarint("volume size")
	m.Flags = d.uvarint("flags")
	m.Info = d.str(MaxInfoLen, "options")
	entries := d.uvarint("entry count")
	n := d.uvarint("volume count")
	if d.err != nil {
		return fail(at(), d.err)
	}
	switch {
	case !plainName(m.Name):
		return fail(12, fmt.Errorf("%w: set name %q", ErrCorrupt, m.Name))
	case vs == 0 || vs > MaxFileSize:
		return fail(at(), fmt.Errorf("%w: volume size %d", ErrLimit, vs))
	case m.Flags&^ManifestOrdered != 0:
		return fail(at(), fmt.Errorf("%w: reserved manifest flags %#x", ErrCorrupt, m.Flags))
	case entries > MaxEntries*MaxVolumes:
		return fail(at(), fmt.Errorf("%w: %d entries", ErrLimit, entries))
	case n == 0 || n > MaxVolumes || n > uint64(len(d.b)/minVolumeRow):
		return fail(at(), fmt.Errorf("%w: %d volumes in %d bytes", ErrCorrupt, n, len(d.b)))
	}
	m.VolumeSize, m.Entries = int64(vs), int64(entries)
	m.Volumes = make([]Volume, n)
	var next uint64
	for i := range m.Volumes {
		v := &m.Volumes[i]
		row := at()
		v.Name = d.str(MaxPathLen, "volume name")
		size := d.uvarint("volume size")
		copy(v.SHA256[:], d.bytes(32, "volume sha256"))
		first := d.uvarint("first entry")
		count := d.uvarint("entry count")
		content := d.uvarint("content bytes")
		v.FirstPath = d.str(MaxPathLen, "first path")
		v.LastPath = d.str(MaxPathLen, "last path")
		v.Flags = d.uvarint("volume flags")
		if d.err != nil {
			return fail(row, fmt.Errorf("volume %d: %w", i+1, d.err))
		}
		bad := ""
		switch {
		case !plainName(v.Name) || v.Name == m.Name:
			bad = fmt.Sprintf("volume name %q", v.Name)
		case size < FileHeaderSize+FooterSize || size > 1<<62:
			bad = fmt.Sprintf("volume size %d", size)
		case first != next || count > MaxEntries || count > entries-first:
			bad = fmt.Sprintf("entries [%d, +%d) after %d of %d", first, count, next, entries)
		case content > 1<<62:
			bad = fmt.Sprintf("content size %d", content)
		case count > 0 && (!ValidPath(v.FirstPath) || !ValidPath(v.LastPath)):
			bad = fmt.Sprintf("paths %q, %q", v.FirstPath, v.LastPath)
		case count == 0 && (v.FirstPath != "" || v.LastPath != ""):
			bad = "paths of an empty volume"
		case v.Flags&^VolumeContinued != 0 || v.Continued() && i == len(m.Volumes)-1:
			bad = fmt.Sprintf("volume flags %#x", v.Flags)
		}
		if bad != "" {
			return fail(row, fmt.Errorf("%w: volume %d: %s", ErrCorrupt, i+1, bad))
		}
		v.Size, v.FirstEntry, v.Entries, v.Content = int64(size), int64(first), int64(count), int64(content)
		next = first + count
	}
	if next != entries {
		return fail(at(), fmt.Errorf("%w: the volumes hold %d entries, the set %d", ErrCorrupt, next, entries))
	}
	if len(d.b) != 0 {
		return fail(at(), fmt.Errorf("%w: %d trailing bytes in set manifest", ErrCorrupt, len(d.b)))
	}
	return m, nil
}

// plainName reports whether s is a file name without a directory: what
// a set's and its volumes' names must be, so that a manifest names only
// files beside itself.
func plainName(s string) bool {
	return s != "" && s != "." && s != ".." && len(s) <= MaxPathLen && path.Base(s) == s && ValidPath(s)
}
