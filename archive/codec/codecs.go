package codec

import "github.com/dcar-archiver/dcar/format"

// builtinCodecs is dcar's table of codecs by id (ids and names are
// assigned in package format). Every codec a release ever wrote stays
// here, so that its archives decode forever.
func builtinCodecs() map[uint64]Codec {
	return map[uint64]Codec{
		format.CodecStore:      storeCodec{},
		format.CodecZstd:       zstdC,
		format.CodecModelImage: modelImage,  // pixel containers: imgctx + the network
		format.CodecModelText:  modelText{}, // text: bitcm + the network (small segments; every text with --best)
		format.CodecModelPNG:   pngModel,    // PNG: pixels + deflate rebuild data
		format.CodecCtxImage:   ctxImage,    // pixel containers: imgctx alone (--fast)
		format.CodecCtxText:    ctxText,     // text: txtctx alone (decode only)
		format.CodecCMText:     cmText,      // text: bitcm (the lite model with --fast)
		format.CodecCMBZ2:      cmBZ2{},     // bzip2 files: content through bitcm + rebuild data
		format.CodecCMBin:      cmBin{},     // other bytes: bitcm, text or binary model per block
		format.CodecCMGzip:     cmGzip{},    // gzip files: content through bitcm + deflate rebuild data
		format.CodecCMJPEG:     cmJPEG{},    // JPEG files: DCT coefficients through jpegcm + rebuild data
		format.CodecModelGIF:   modelGIF,    // GIF files: frames through the palette pixel model + LZW rebuild data
		format.CodecModelTIFF:  modelTIFF,   // compressed TIFFs: samples through the pixel models + rebuild data
		format.CodecModelBMP:   modelBMP,    // palette BMPs: indices through the palette pixel model + rebuild data
	}
}

// The planners, in the order Plan asks them: the specific ones (image
// containers, PNG, JPEG, text, bzip2, gzip) first; cm-bin takes whatever they
// declined, so it comes last. Files no planner takes stay zstd.
var (
	planners     = []Planner{planImage, planPNG, planJPEG, planGIF, planTIFF, planBMP, planSmallText, planCMText, planBZ2, planGzip, planCMBin}
	bestPlanners = append([]Planner{planModelText, planImageBest, planPNGBest, planGIFBest, planTIFFBest, planBMPBest}, planners...) // --best: the strongest first
	fastPlanners = []Planner{planCtxImage, planPNGFast, planJPEG, planGIFFast, planTIFFFast, planBMPFast, planCMTextLite}            // --fast: everything else zstd
)
