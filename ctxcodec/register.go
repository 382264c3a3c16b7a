package ctxcodec

import (
	"github.com/dcar-archiver/dcar/archive"
	"github.com/dcar-archiver/dcar/format"
)

// The codecs and planners are registered in one place because the
// planners' order matters: the writer asks them in registration order,
// and cm-bin takes whatever the specific ones (image containers, text,
// PNG, bzip2) declined, so it comes last.
func init() {
	archive.RegisterCodec(format.CodecCtxImage, "ctx-image", ctxImage)
	archive.RegisterCodec(format.CodecModelImage, "model-image", modelImage)
	archive.RegisterCodec(format.CodecModelPNG, "model-png", pngModel)
	archive.RegisterCodec(format.CodecCtxText, ctxText.name, ctxText)
	archive.RegisterCodec(format.CodecModelText, "model-text", modelText{})
	archive.RegisterCodec(format.CodecCMText, cmText.name, cmText)
	archive.RegisterCodec(format.CodecCMBZ2, "cm-bz2", cmBZ2{})
	archive.RegisterCodec(format.CodecCMBin, "cm-bin", cmBin{})

	archive.RegisterPlanner(planImage)
	archive.RegisterPlanner(planPNG)
	archive.RegisterPlanner(planCMText)
	archive.RegisterPlanner(planBZ2)
	archive.RegisterPlanner(planCMBin)
	archive.RegisterBestPlanner(planModelText)
}
