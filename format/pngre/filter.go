package pngre

// PNG scanline filters (PNG spec section 9) on the packed bytes of each
// row (samples of 1, 2 or 4 bits are unpacked after, in depth.go): bpp is
// the number of bytes of a pixel (2 per channel for 16-bit samples), at
// least 1. An interlaced image is filtered pass by pass (interlace.go).

func paeth(a, b, c byte) byte {
	p := int(a) + int(b) - int(c)
	pa, pb, pc := p-int(a), p-int(b), p-int(c)
	if pa < 0 {
		pa = -pa
	}
	if pb < 0 {
		pb = -pb
	}
	if pc < 0 {
		pc = -pc
	}
	if pa <= pb && pa <= pc {
		return a
	}
	if pb <= pc {
		return b
	}
	return c
}

// unfilter turns filtered data (a filter byte then the packed row per
// row) into the packed rows and the per-row filter types. base is the
// offset of f in the inflated data, for errors.
func unfilter(h header, f []byte, base int) (pix, types []byte, err error) {
	rb := h.packedRow()
	pix = make([]byte, h.H*rb)
	types = make([]byte, h.H)
	bpp := h.bpp()
	for y := 0; y < h.H; y++ {
		ft := f[y*(rb+1)]
		src := f[y*(rb+1)+1 : (y+1)*(rb+1)]
		cur := pix[y*rb : (y+1)*rb]
		var up []byte
		if y > 0 {
			up = pix[(y-1)*rb : y*rb]
		}
		types[y] = ft
		switch ft {
		case 0:
			copy(cur, src)
		case 1:
			for i := range cur {
				v := src[i]
				if i >= bpp {
					v += cur[i-bpp]
				}
				cur[i] = v
			}
		case 2:
			for i := range cur {
				v := src[i]
				if up != nil {
					v += up[i]
				}
				cur[i] = v
			}
		case 3:
			for i := range cur {
				var a, b int
				if i >= bpp {
					a = int(cur[i-bpp])
				}
				if up != nil {
					b = int(up[i])
				}
				cur[i] = src[i] + byte((a+b)>>1)
			}
		case 4:
			for i := range cur {
				var a, b, c byte
				if i >= bpp {
					a = cur[i-bpp]
				}
				if up != nil {
					b = up[i]
					if i >= bpp {
						c = up[i-bpp]
					}
				}
				cur[i] = src[i] + paeth(a, b, c)
			}
		default:
			return nil, nil, errf(ErrFormat, base+y*(rb+1), "row %d filter type %d in the inflated data", y, ft)
		}
	}
	return pix, types, nil
}

// refilter is unfilter's inverse: it rebuilds the filtered data.
func refilter(h header, pix, types []byte) ([]byte, error) {
	rb := h.packedRow()
	if len(pix) != h.H*rb || len(types) != h.H {
		return nil, errf(ErrFormat, 0, "side data: %d pixel bytes, %d filter types for %dx%dx%d", len(pix), len(types), h.W, h.H, h.C)
	}
	f := make([]byte, h.H*(rb+1))
	bpp := h.bpp()
	for y := 0; y < h.H; y++ {
		ft := types[y]
		dst := f[y*(rb+1)+1 : (y+1)*(rb+1)]
		f[y*(rb+1)] = ft
		cur := pix[y*rb : (y+1)*rb]
		var up []byte
		if y > 0 {
			up = pix[(y-1)*rb : y*rb]
		}
		switch ft {
		case 0:
			copy(dst, cur)
		case 1:
			for i := range cur {
				v := cur[i]
				if i >= bpp {
					v -= cur[i-bpp]
				}
				dst[i] = v
			}
		case 2:
			for i := range cur {
				v := cur[i]
				if up != nil {
					v -= up[i]
				}
				dst[i] = v
			}
		case 3:
			for i := range cur {
				var a, b int
				if i >= bpp {
					a = int(cur[i-bpp])
				}
				if up != nil {
					b = int(up[i])
				}
				dst[i] = cur[i] - byte((a+b)>>1)
			}
		case 4:
			for i := range cur {
				var a, b, c byte
				if i >= bpp {
					a = cur[i-bpp]
				}
				if up != nil {
					b = up[i]
					if i >= bpp {
						c = up[i-bpp]
					}
				}
				dst[i] = cur[i] - paeth(a, b, c)
			}
		default:
			return nil, errf(ErrFormat, y, "side data: row %d filter type %d", y, ft)
		}
	}
	return f, nil
}
