package codec

import (
	"strings"
	"testing"

	"github.com/dcar-archiver/dcar/format"
	"github.com/dcar-archiver/dcar/model"
	"github.com/dcar-archiver/dcar/model/bitcm"
	"github.com/dcar-archiver/dcar/model/jpegcm"
)

// TestFingerprintsFrozen pins every model fingerprint an archive may
// store. They are part of the format: a value that changes here means
// archives written before stop decoding, which must never happen (a new
// model gets a new fingerprint beside the old ones).
func TestFingerprintsFrozen(t *testing.T) {
	fp := func(b ...byte) [8]byte { return [8]byte(b) }
	check := func(name string, got, want [8]byte) {
		t.Helper()
		if got != want {
			t.Errorf("%s fingerprint %x, frozen %x", name, got[:], want[:])
		}
	}
	check("ctx-text (txtctx)", ctxText.models[0].fp, fp(0x14, 0xc0, 0xba, 0xb4, 0xe6, 0x5b, 0x4d, 0xd2))
	check("cm-text table bits 18", cmText.models[0].fp, fp(0xd3, 0x1e, 0xa5, 0xd5, 0x1b, 0x0a, 0xed, 0x30))
	check("cm-text table bits 20", cmText.models[1].fp, fp(0x15, 0x0e, 0xcf, 0xc4, 0x34, 0xc9, 0x10, 0x7e))
	check("cm-text lite (--fast)", cmText.models[2].fp, fp(0xd4, 0x90, 0xd1, 0xf6, 0xb8, 0x45, 0x7b, 0xef))
	check("bitcm.LiteFingerprint", bitcm.LiteFingerprint, cmText.models[2].fp)
	// The shipped configurations with a warm start: each one's stored
	// fingerprint is frozen and is what its configuration computes.
	for _, c := range []struct {
		name   string
		stored [8]byte
		frozen [8]byte
		config func() (bitcm.Config, error)
	}{
		{"cm-text version 2, warm", cmText.models[3].fp, fp(0xcd, 0x94, 0xe4, 0x36, 0x48, 0xf4, 0x4e, 0x8b), bitcm.TextConfig},
		{"cm-text version 3, warm", cmText.models[4].fp, fp(0xb5, 0x03, 0x5d, 0xd8, 0xad, 0x69, 0x25, 0xa8), bitcm.Text3Config},
		{"cm-text version 4, warm", cmText.models[5].fp, fp(0xd5, 0xc5, 0x4c, 0xaf, 0x9d, 0xb4, 0x58, 0xdc), bitcm.Text4Config},
		{"cm-text version 5, warm", cmText.models[7].fp, fp(0x99, 0x09, 0x51, 0xc5, 0x30, 0xdc, 0x06, 0x5c), bitcm.Text5Config},
		{"cm-text version 6, warm", cmText.models[8].fp, fp(0xa0, 0x8e, 0xc3, 0xfd, 0x3b, 0x5d, 0x8f, 0x68), bitcm.Text6Config},
		{"model-text version 2 context mixing", modelTextCMFingerprint, fp(0x87, 0x0d, 0xb8, 0xde, 0xe8, 0xcb, 0xfa, 0x0d), model.TextCMConfig},
		{"model-text version 2 context mixing, text model 3", modelTextCM3Fingerprint, fp(0xde, 0xad, 0x9a, 0xb3, 0x31, 0xb3, 0x82, 0xa9), model.TextCM3Config},
		{"model-text version 2 context mixing, text model 4", modelTextCM4Fingerprint, fp(0x72, 0x99, 0x66, 0x22, 0x9a, 0x1f, 0x43, 0xe7), model.TextCM4Config},
		{"model-text version 2 context mixing, text model 6", modelTextCM6Fingerprint, fp(0x9b, 0x8e, 0x7e, 0x0c, 0x18, 0x4d, 0x00, 0xd8), model.TextCM6Config},
		{"model-text version 2 context mixing, text model 7", modelTextCM7Fingerprint, fp(0x4f, 0xad, 0xde, 0x4c, 0x1c, 0x85, 0xc4, 0x6a), model.TextCM7Config},
		{"cm-text version 7, warm", cmText.models[10].fp, fp(0x63, 0x34, 0xaa, 0x70, 0x7b, 0x61, 0x1c, 0xa4), bitcm.Text7Config},
		{"cm-text version 8, warm", cmText.models[11].fp, fp(0x87, 0x52, 0x8a, 0xb0, 0x70, 0xf9, 0x25, 0x58), bitcm.Text8Config},
		{"model-text version 2 context mixing, text model 8", modelTextCM8Fingerprint, fp(0xfb, 0x5f, 0xed, 0x3e, 0x2a, 0x2f, 0xc7, 0x06), model.TextCM8Config},
	} {
		check(c.name, c.stored, c.frozen)
		if cfg, err := c.config(); err != nil {
			t.Error(err)
		} else {
			check(c.name+" (its configuration)", bitcm.Fingerprint(cfg), c.stored)
		}
	}
	check("cm-text lite version 2 (--fast)", cmText.models[6].fp, fp(0xaa, 0x78, 0xa1, 0x79, 0xe5, 0xcd, 0x0e, 0x97))
	check("bitcm.Lite2Fingerprint", bitcm.Lite2Fingerprint, cmText.models[6].fp)
	check("cm-text lite version 3 (--fast)", cmText.models[9].fp, fp(0x58, 0x5d, 0x92, 0xff, 0x1f, 0x56, 0x78, 0x2c))
	check("bitcm.Lite3Fingerprint", bitcm.Lite3Fingerprint, cmText.models[9].fp)
	if cmText.def != 11 {
		t.Errorf("cm-text writes model %d by default, want 11 (text model 8)", cmText.def)
	}
	check("cm-bin set 3", cmBinFingerprints[1], fp(0xb0, 0x02, 0xbe, 0x75, 0x6f, 0xf2, 0x3c, 0xdc))
	check("cm-bz2 set 3", bz2Fingerprints[2], fp(0x7f, 0xef, 0x58, 0x80, 0x24, 0xc4, 0x3a, 0x1b))
	check("cm-gzip set 3", gzipFingerprints[1], fp(0xf3, 0xbc, 0x4a, 0xac, 0xf5, 0x23, 0x96, 0x79))
	check("cm-bin set 4", cmBinFingerprints[2], fp(0x9e, 0x39, 0x49, 0x55, 0xe8, 0x7a, 0x49, 0x34))
	check("cm-bz2 set 4", bz2Fingerprints[3], fp(0x96, 0x80, 0xd5, 0xb7, 0x95, 0xa6, 0xc4, 0x6a))
	check("cm-gzip set 4", gzipFingerprints[2], fp(0xc4, 0x13, 0xfa, 0x97, 0x42, 0x7a, 0xd8, 0xb2))
	check("cm-bin set 5", cmBinFingerprints[3], fp(0xcc, 0xe9, 0x18, 0xec, 0xd1, 0x83, 0x5f, 0x29))
	check("cm-bz2 set 5", bz2Fingerprints[4], fp(0x9e, 0xf1, 0x1b, 0x47, 0x0e, 0xb2, 0x76, 0x26))
	check("cm-gzip set 5", gzipFingerprints[3], fp(0xdb, 0xc0, 0x23, 0x93, 0x86, 0xa6, 0x0e, 0x8a))
	check("cm-bin", cmBinFingerprints[0], fp(0xca, 0xd4, 0x05, 0x1d, 0x51, 0x9d, 0x6f, 0x38))
	check("cm-bz2 set 1", bz2Fingerprints[0], fp(0x1d, 0x3b, 0xc6, 0xad, 0x12, 0x6e, 0x0e, 0x0f))
	check("cm-bz2 set 2", bz2Fingerprints[1], fp(0xd2, 0xec, 0x2a, 0x88, 0xde, 0x62, 0x41, 0x9f))
	check("cm-gzip", gzipFingerprints[0], fp(0xfc, 0xd1, 0x91, 0x95, 0xf0, 0x34, 0x9d, 0x81))
	check("cm-jpeg (jpegcm model 1)", jpegcm.Fingerprint(), fp(0xe6, 0x6e, 0x1d, 0x25, 0x3b, 0x4d, 0x74, 0xcc))
	check("ctx-image (imgctx)", ctxImageFingerprint(t), fp(0x3f, 0x1b, 0x8f, 0xfd, 0x34, 0xde, 0xd2, 0xb3))
	nets := map[string][8]byte{
		"rec96.dcw":    fp(0x48, 0x29, 0x8b, 0x38, 0x4a, 0x43, 0xb8, 0x3b),
		"rec96b-a.dcw": fp(0x8c, 0x2c, 0xed, 0x64, 0x83, 0x6b, 0x5a, 0xc3),
		"uni96b-a.dcw": fp(0x51, 0xd8, 0xe1, 0xcc, 0x05, 0x82, 0xb7, 0x8d),
	}
	texts := map[string][8]byte{
		"uni96b-a.dcw": fp(0xa9, 0x5e, 0x1b, 0x97, 0xbc, 0x16, 0x9b, 0x82),
	}
	// Each network with the pixel context-mixing stage (model.CMNet).
	cms := map[string][8]byte{
		"rec96.dcw":    fp(0xad, 0xe5, 0xf4, 0x89, 0x1b, 0x9e, 0x6b, 0x41),
		"rec96b-a.dcw": fp(0x0f, 0x5d, 0x99, 0x69, 0x21, 0xee, 0xbd, 0x6a),
		"uni96b-a.dcw": fp(0x60, 0xac, 0x2b, 0xbb, 0x4d, 0xed, 0x9f, 0xd2),
	}
	// Each network coding large stripes in two halves (model.SplitNet).
	splits := map[string][8]byte{
		"rec96.dcw":    fp(0x05, 0xd3, 0x2d, 0xc2, 0x23, 0xfd, 0xc7, 0x10),
		"rec96b-a.dcw": fp(0xcc, 0x8a, 0xd7, 0xc5, 0x5a, 0x3f, 0x6a, 0x73),
		"uni96b-a.dcw": fp(0x59, 0x89, 0xc6, 0xe9, 0xb6, 0xd7, 0x08, 0xa1),
	}
	all, err := model.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != len(nets) {
		t.Errorf("%d shipped networks, %d pinned: pin the new one here", len(all), len(nets))
	}
	for _, m := range all {
		want, ok := nets[m.Name]
		if !ok {
			t.Errorf("shipped network %s has no pinned fingerprint", m.Name)
			continue
		}
		check(m.Name, m.Fingerprint, want)
		check(m.Name+" + CM", m.CMFingerprint, cms[m.Name])
		check(m.Name+" in halves", m.SplitFingerprint, splits[m.Name])
		if m.Text != nil {
			check(m.Name+" text", m.TextFingerprint, texts[m.Name])
		}
	}
}

func ctxImageFingerprint(t *testing.T) [8]byte {
	fp, err := ctxImage.current()
	if err != nil {
		t.Fatal(err)
	}
	return fp
}

// TextModel names cm-text's and model-text's shipped text models (list
// -l shows them) and nothing else.
func TestTextModel(t *testing.T) {
	params := func(fp [8]byte) []byte { return append([]byte{paramsVersion}, fp[:]...) }
	for i, want := range []string{"text model 1", "text model 1", "lite", "text model 2", "text model 3", "text model 4", "lite 2", "text model 5", "text model 6", "lite 3"} {
		if got := TextModel(format.CodecCMText, params(cmText.models[i].fp)); got != want {
			t.Errorf("cm-text model %d: %q, want %q", i, got, want)
		}
	}
	net := [8]byte{9, 9, 9, 9, 9, 9, 9, 9}
	for i, want := range []string{"network + text model 2", "network + text model 3", "network + text model 4"} {
		p := append(append([]byte{modelTextV2}, net[:]...), modelTextCMConfigs[i].fp[:]...)
		if got := TextModel(format.CodecModelText, p); got != want {
			t.Errorf("model-text %d: %q, want %q", i, got, want)
		}
	}
	for _, c := range []struct {
		id uint64
		p  []byte
	}{
		{format.CodecCMText, params([8]byte{1})},          // a domain model's
		{format.CodecCMBin, params(cmBinFingerprints[3])}, // text or binary per segment
		{format.CodecZstd, nil},
	} {
		if got := TextModel(c.id, c.p); got != "" {
			t.Errorf("codec %d: %q", c.id, got)
		}
	}
}

// cm-text codes mostly non-ASCII text with the version 3 model, whose 8
// bits suit it better than version 4's code tree and the word code of
// versions 5-8, and other text with version 8; model-text likewise (the network
// reads the text while the model reads its word code); with --fast, the
// lite model's version 1 and 3 the same way.
func TestPlanTextModel(t *testing.T) {
	for _, c := range []struct {
		text, want, net, lite string
	}{
		{strings.Repeat("The quick brown fox jumps over the lazy dog.\n", 200), "text model 8", "text model 8", "lite 3"},
		{strings.Repeat("Съешь же ещё этих мягких французских булок, да выпей чаю.\n", 200), "text model 3", "text model 3", "lite"},
		{strings.Repeat("速い茶色の狐がのろまな犬を飛び越える。\n", 200), "text model 3", "text model 3", "lite"},
	} {
		k := Kind{Modality: format.ModalityText}
		r := strings.NewReader(c.text)
		pl, ok := planCMText(k, r, int64(len(c.text)))
		if got := TextModel(pl.Codec, pl.Params); !ok || got != c.want {
			t.Errorf("%.20q: cm-text %q, want %q", c.text, got, c.want)
		}
		if pl, ok := planModelText(k, r, int64(len(c.text))); ok {
			if got := TextModel(pl.Codec, pl.Params); got != "network + "+c.net {
				t.Errorf("%.20q: model-text %q", c.text, got)
			}
		}
		pl, ok = planCMTextLite(k, r, int64(len(c.text)))
		if got := TextModel(pl.Codec, pl.Params); !ok || got != c.lite {
			t.Errorf("%.20q: --fast cm-text %q, want %q", c.text, got, c.lite)
		}
	}
}
