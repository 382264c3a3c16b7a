package bench

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"time"

	"github.com/dcar-archiver/dcar/archive"
	"github.com/dcar-archiver/dcar/archive/codec"
	"github.com/dcar-archiver/dcar/format"
	"github.com/dcar-archiver/dcar/model/domain"
)

// File is one input file with what sniffing found.
type File struct {
	Path     string
	Size     int64
	Modality format.Modality
	MIME     string
	Samples  int64 // image samples (sub-pixels), if the container is understood
	Frames   int   // images in the file (an animated GIF has several)
	PeerPNG  bool  // image peers read the file's pixels as a PNG (TIFF, BMP)
}

// Row is one tool's result on one modality.
type Row struct {
	Modality format.Modality
	Tool     string
	Files    int
	Raw      int64   // input bytes
	Samples  int64   // image sub-pixels, for bits per sub-pixel
	Packed   int64   // compressed bytes
	CompSec  float64 // wall seconds
	DecSec   float64
	CompCPU  float64 // CPU seconds (user + system; 0 if unknown)
	DecCPU   float64
	Verified bool
	Note     string
}

// BitsPerUnit is bits per sub-pixel for images with known samples, bits
// per byte otherwise.
func (r Row) BitsPerUnit() (float64, string) {
	if r.Modality == format.ModalityImage && r.Samples > 0 {
		return 8 * float64(r.Packed) / float64(r.Samples), "bpsp"
	}
	return 8 * float64(r.Packed) / float64(r.Raw), "bpb"
}

// Collect lists the regular files under paths.
func Collect(paths []string) ([]File, error) {
	var out []File
	for _, root := range paths {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || !d.Type().IsRegular() {
				return err
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			k := codec.Sniff(data)
			f := File{Path: p, Size: int64(len(data)), Modality: k.Modality, MIME: k.MIME}
			if p, ok := decodePicture(data); ok {
				f.Samples, f.Frames, f.PeerPNG = p.samples, p.frames, p.peerPNG
			}
			out = append(out, f)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Peer is an external compressor run file by file.
type Peer struct {
	Name     string
	Modality format.Modality // ModalityOther = every modality
	Bin      string
	DecBin   string // decoder binary, if not Bin
	Compress func(in, out string) []string
	Decode   func(in, out string) []string
	Ext      string
	// SamePixels, when set, compares decoded images by pixels instead of bytes.
	SamePixels bool
	// BitsFlag, with SamePixels, is the decoder's option that sets the
	// output's bits per sample (8, or 16 for 16-bit images): djxl writes
	// a 1- or 2-bit grey image's samples unscaled otherwise.
	BitsFlag string
	// JPEG, when set, runs the peer on JPEG files only (and byte-exact).
	JPEG bool
}

// Peers returns the peer tools dcar is compared with: zstd and xz on
// every file, 7-Zip PPMd on text, lossless JPEG XL (efforts 7 and 3)
// on images, JPEG XL's lossless JPEG transcoding on JPEG files.
func Peers() []Peer {
	return []Peer{
		{Name: "zstd -19", Bin: "zstd", Ext: ".zst",
			Compress: func(in, out string) []string { return []string{"-19", "-q", "-f", "--single-thread", in, "-o", out} },
			Decode:   func(in, out string) []string { return []string{"-d", "-q", "-f", in, "-o", out} }},
		{Name: "xz -9e", Bin: "xz", Ext: ".xz",
			Compress: func(in, out string) []string { return []string{"-9e", "-T1", "-k", "-c", in} },
			Decode:   func(in, out string) []string { return []string{"-d", "-c", in} }},
		{Name: "7z PPMd", Modality: format.ModalityText, Bin: "7zz", Ext: ".7z",
			Compress: func(in, out string) []string {
				return []string{"a", "-bd", "-bso0", "-mmt=1", "-m0=PPMd:mem=1g:o=32", out, in}
			},
			Decode: func(in, out string) []string { return []string{"e", "-bd", "-bso0", "-so", in} }},
		cjxl("7"),
		cjxl("3"),
		{Name: "cjxl (JPEG transcode)", Modality: format.ModalityImage, Bin: "cjxl", DecBin: "djxl", Ext: ".jxl", JPEG: true,
			Compress: func(in, out string) []string {
				return []string{"--lossless_jpeg=1", "--num_threads=1", "--quiet", in, out}
			},
			Decode: func(in, out string) []string { return []string{in, out, "--num_threads=1", "--quiet"} }},
	}
}

// cjxl is lossless JPEG XL at effort e, one thread.
func cjxl(e string) Peer {
	return Peer{Name: "cjxl -d 0 -e " + e, Modality: format.ModalityImage, Bin: "cjxl", DecBin: "djxl", Ext: ".jxl", SamePixels: true, BitsFlag: "--bits_per_sample=",
		Compress: func(in, out string) []string {
			return []string{"-d", "0", "-e", e, "--num_threads=1", "--quiet", in, out}
		},
		Decode: func(in, out string) []string { return []string{in, out, "--num_threads=1", "--quiet"} }}
}

func binary(p Peer) string {
	if p.Bin == "7zz" {
		for _, b := range []string{"7zz", "7z"} {
			if path, err := exec.LookPath(b); err == nil {
				return path
			}
		}
		return ""
	}
	if path, err := exec.LookPath(p.Bin); err == nil {
		return path
	}
	return ""
}

// run runs bin and returns the CPU seconds (user + system) it took.
func run(ctx context.Context, bin string, args []string, stdout io.Writer) (float64, error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = stdout, &stderr
	if err := cmd.Run(); err != nil {
		return 0, fmt.Errorf("%s %v: %v: %s", filepath.Base(bin), args, err, stderr.String())
	}
	return (cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Seconds(), nil
}

// RunPeer compresses and decompresses every file of its modality with p.
func RunPeer(ctx context.Context, p Peer, files []File, tmp string) (map[format.Modality]*Row, error) {
	bin := binary(p)
	if bin == "" {
		return nil, nil
	}
	decBin := bin
	if p.DecBin != "" {
		if decBin = binary(Peer{Bin: p.DecBin}); decBin == "" {
			return nil, nil
		}
	}
	rows := map[format.Modality]*Row{}
	for i, f := range files {
		if p.Modality != format.ModalityOther && f.Modality != p.Modality || p.JPEG && f.MIME != "image/jpeg" {
			continue
		}
		r := rows[f.Modality]
		if r == nil {
			r = &Row{Modality: f.Modality, Tool: p.Name, Verified: true}
			rows[f.Modality] = r
		}
		in := f.Path
		if p.SamePixels && (f.Samples == 0 || f.Frames > 1) {
			r.Note = "some files skipped" // not understood, or animated (the peer's output holds one frame)
			continue
		}
		orig, err := os.ReadFile(f.Path)
		if err != nil {
			return nil, err
		}
		var pic *picture
		if p.SamePixels {
			var ok bool
			if pic, ok = decodePicture(orig); !ok {
				r.Note = "some files skipped"
				continue
			}
			if f.PeerPNG { // the same pixels in a container the peer reads
				in = filepath.Join(tmp, fmt.Sprintf("%d.in.png", i))
				var b bytes.Buffer
				if err := png.Encode(&b, pic.img); err != nil {
					return nil, err
				}
				if err := os.WriteFile(in, b.Bytes(), 0o600); err != nil {
					return nil, err
				}
			}
		}
		packed := filepath.Join(tmp, fmt.Sprintf("%d%s", i, p.Ext))
		decoded := filepath.Join(tmp, fmt.Sprintf("%d.out%s", i, filepath.Ext(f.Path)))
		if p.SamePixels {
			decoded = filepath.Join(tmp, fmt.Sprintf("%d.out.png", i))
		}
		os.Remove(packed)
		t0 := time.Now()
		var sink bytes.Buffer
		cpu, err := run(ctx, bin, p.Compress(in, packed), &sink)
		if err != nil {
			return nil, err
		}
		r.CompCPU += cpu
		if sink.Len() > 0 { // tools writing to stdout
			if err := os.WriteFile(packed, sink.Bytes(), 0o600); err != nil {
				return nil, err
			}
		}
		r.CompSec += time.Since(t0).Seconds()
		st, err := os.Stat(packed)
		if err != nil {
			return nil, err
		}
		t0 = time.Now()
		var out bytes.Buffer
		args := p.Decode(packed, decoded)
		if p.BitsFlag != "" {
			args = append(args, fmt.Sprint(p.BitsFlag, pic.bits()))
		}
		cpu, err = run(ctx, decBin, args, &out)
		if err != nil {
			return nil, err
		}
		r.DecCPU += cpu
		r.DecSec += time.Since(t0).Seconds()
		got := out.Bytes()
		if out.Len() == 0 {
			if got, err = os.ReadFile(decoded); err != nil {
				return nil, err
			}
		}
		if p.SamePixels {
			if back, ok := decodePicture(got); !ok || !samePicture(pic, back) {
				r.Verified = false
			}
		} else if !bytes.Equal(orig, got) {
			r.Verified = false
		}
		r.Files++
		r.Raw += f.Size
		r.Samples += f.Samples
		r.Packed += st.Size()
		os.Remove(packed)
		os.Remove(decoded)
		if in != f.Path {
			os.Remove(in)
		}
	}
	for m, r := range rows {
		if r.Files == 0 {
			delete(rows, m) // every file skipped: no row
		}
	}
	return rows, nil
}

// RunDcar archives all paths with dcar, extracts and compares, and
// attributes stored bytes to modalities through the index.
func RunDcar(paths []string, files []File, opts archive.CreateOptions, tmp string) (map[format.Modality]*Row, error) {
	tool := "dcar"
	if opts.Preset != archive.PresetDefault {
		tool = "dcar --" + opts.Preset.String()
	}
	if opts.Domain != nil {
		tool += " --model"
		if opts.DomainRef {
			tool += " --model-ref"
		}
	}
	// Each side starts with the model as a process that loads it does:
	// a domain model keeps its text model's state after the primer
	// (bitcm.Primed), which a run before would have left.
	dm := opts.Domain
	if dm != nil {
		var err error
		if opts.Domain, err = domain.Parse(dm.Bytes()); err != nil {
			return nil, err
		}
	}
	arcPath := filepath.Join(tmp, "bench.dcar")
	f, err := os.Create(arcPath)
	if err != nil {
		return nil, err
	}
	t0, c0 := time.Now(), cpuSeconds()
	err = archive.Create(f, paths, opts)
	f.Close()
	if err != nil {
		return nil, err
	}
	comp, compCPU := time.Since(t0).Seconds(), cpuSeconds()-c0
	af, err := os.Open(arcPath)
	if err != nil {
		return nil, err
	}
	defer af.Close()
	st, _ := af.Stat()
	idx, err := archive.ReadIndex(af, st.Size())
	if err != nil {
		return nil, err
	}
	out := filepath.Join(tmp, "extract")
	os.RemoveAll(out)
	var models []*domain.Model
	if dm != nil {
		m, err := domain.Parse(dm.Bytes())
		if err != nil {
			return nil, err
		}
		models = []*domain.Model{m}
	}
	t0, c0 = time.Now(), cpuSeconds()
	af.Seek(0, io.SeekStart)
	if err := archive.Extract(af, out, archive.ExtractOptions{Jobs: opts.Jobs, Models: models}); err != nil {
		return nil, err
	}
	dec, decCPU := time.Since(t0).Seconds(), cpuSeconds()-c0
	rows := map[format.Modality]*Row{}
	row := func(m format.Modality) *Row {
		r := rows[m]
		if r == nil {
			r = &Row{Modality: m, Tool: tool, Verified: true}
			rows[m] = r
		}
		return r
	}
	var total int64
	for _, e := range idx {
		if e.Header.Type == format.TypeRegular {
			total += e.Header.Size
		}
	}
	samples := map[string]int64{}
	origin := map[string]string{}
	for _, f := range files {
		samples[archive.EntryName(f.Path)] = f.Samples
		origin[archive.EntryName(f.Path)] = f.Path
	}
	for _, e := range idx {
		if e.Header.Type == format.TypeGroup {
			// A solid group holds the coded bytes of its member files
			// (each a part entry of a few bytes): they count with the
			// group's modality, its files are counted below.
			row(e.Header.Modality).Packed += e.Stored
			continue
		}
		if e.Header.Type != format.TypeRegular {
			continue
		}
		r := row(e.Header.Modality)
		r.Files++
		r.Raw += e.Header.Size
		r.Packed += e.Stored
		r.Samples += samples[e.Header.Path]
		orig, err1 := os.ReadFile(origin[e.Header.Path])
		got, err2 := os.ReadFile(filepath.Join(out, e.Header.Path))
		if err1 != nil || err2 != nil || !bytes.Equal(orig, got) {
			r.Verified = false
		}
	}
	if d := opts.Domain; d != nil {
		// The model record (the model file, or its fingerprint) counts
		// with what it codes: the text, or the images for a model of an
		// image network alone (a model of both: the larger of the two).
		rec, err := format.ReadRecordAt(af, format.FileHeaderSize)
		if err != nil {
			return nil, err
		}
		m := format.ModalityText
		if d.Image() != nil {
			img, txt := rows[format.ModalityImage], rows[format.ModalityText]
			if d.TextFingerprint() == ([8]byte{}) || img != nil && (txt == nil || img.Raw >= txt.Raw) {
				m = format.ModalityImage
			}
		}
		r := row(m)
		r.Packed += rec.Size
		r.Note = fmt.Sprintf("model record: %d bytes", rec.Size)
	}
	// Time is shared by modalities in proportion to their bytes.
	for _, r := range rows {
		share := float64(r.Raw) / float64(max(total, 1))
		r.CompSec, r.DecSec = comp*share, dec*share
		r.CompCPU, r.DecCPU = compCPU*share, decCPU*share
	}
	os.RemoveAll(out)
	return rows, nil
}

// Sorted returns rows ordered by modality, then compressed size.
func Sorted(all []map[format.Modality]*Row) []Row {
	var out []Row
	for _, m := range all {
		for _, r := range m {
			out = append(out, *r)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Modality != out[j].Modality {
			return out[i].Modality > out[j].Modality
		}
		return out[i].Packed < out[j].Packed
	})
	return out
}
