package codec

import (
	"bytes"
	"unicode/utf8"

	"github.com/dcar-archiver/dcar/format"
	"github.com/h2non/filetype"
)

// SniffLen is how many leading bytes Sniff looks at.
const SniffLen = 64 << 10

// Kind is what sniffing found out about a file's content.
type Kind struct {
	Modality   format.Modality
	MIME       string // "" when unknown
	Compressed bool   // already compressed: not worth more than a fast pass
}

// compressedMIME lists types whose content is already entropy coded.
var compressedMIME = map[string]bool{
	"image/jpeg": true, "image/gif": true, "image/webp": true, "image/heif": true,
	"image/avif": true, "image/jxl": true, "image/jp2": true,
	"application/zip": true, "application/gzip": true, "application/x-bzip2": true,
	"application/x-xz": true, "application/zstd": true, "application/x-7z-compressed": true,
	"application/vnd.rar": true, "application/x-rar-compressed": true, "application/x-lzip": true,
	"application/x-compress": true, "application/epub+zip": true, "application/pdf": false,
	"video/mp4": true, "video/webm": true, "video/x-matroska": true, "video/quicktime": true,
	"video/x-msvideo": false, "audio/mpeg": true, "audio/ogg": true, "audio/x-flac": true,
	"audio/aac": true, "audio/mp4": true, "application/font-woff": true, "application/x-dcar": true,
}

// Sniff classifies content from its first bytes (up to SniffLen).
func Sniff(head []byte) Kind {
	if len(head) > SniffLen {
		head = head[:SniffLen]
	}
	if bytes.HasPrefix(head, format.Magic[:]) {
		return Kind{Modality: format.ModalityOther, MIME: "application/x-dcar", Compressed: true}
	}
	if m := netpbmMIME(head); m != "" {
		return Kind{Modality: format.ModalityImage, MIME: m}
	}
	if t, err := filetype.Match(head); err == nil && t != filetype.Unknown {
		mime := t.MIME.Value
		k := Kind{MIME: mime, Compressed: compressedMIME[mime]}
		if t.MIME.Type == "image" {
			k.Modality = format.ModalityImage
		}
		return k
	}
	if isText(head) {
		return Kind{Modality: format.ModalityText, MIME: "text/plain"}
	}
	return Kind{Modality: format.ModalityOther}
}

// netpbmMIME recognises binary PGM/PPM/PAM headers (P5, P6, P7).
func netpbmMIME(b []byte) string {
	if len(b) < 3 || b[0] != 'P' {
		return ""
	}
	switch b[2] {
	case ' ', '\t', '\n', '\r', '#':
	default:
		return ""
	}
	switch b[1] {
	case '5':
		return "image/x-portable-graymap"
	case '6':
		return "image/x-portable-pixmap"
	case '7':
		return "image/x-portable-arbitrarymap"
	}
	return ""
}

// isText reports whether b looks like text: at most 1 byte in 20 is a
// NUL, another control character than the usual layout ones, or part of
// an invalid UTF-8 sequence (a rune cut by the sample's end is fine).
// Mostly-text files with some binary bytes (terminal transcripts, a page
// with one Latin-1 byte) still code far better with the text model, which
// handles any byte.
func isText(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	bad := 0
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v' && c != 0x1b && c != '\b') || c == 0x7f {
				bad++
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			if len(b)-i < utf8.UTFMax && !utf8.FullRune(b[i:]) {
				break // rune cut by the end of the sample
			}
			bad++
			i++
			continue
		}
		i += n
	}
	return bad*20 <= len(b)
}

// Compressed reports whether content of the MIME type is already entropy
// coded (worth no more than a fast zstd pass).
func Compressed(mime string) bool { return compressedMIME[mime] }
