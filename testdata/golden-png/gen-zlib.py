# Writes zlib9-rgb8.png and zlib6-rgba8.png: PNGs deflated by the
# system's zlib itself (level 9 with Z_FILTERED as libpng does for
# filtered rows; level 6, the default strategy, memLevel 9), rows with
# unfiltered rows of a blocky pattern with some noise, so that
# model-png versions 6-9 code their tokens against zlib's emulated parse
# (golden-v8-png.dcar). Run: python3 gen-zlib.py
import random
import struct
import zlib


def chunk(typ, data):
    return struct.pack(">I", len(data)) + typ + data + struct.pack(">I", zlib.crc32(typ + data) & 0xFFFFFFFF)


def png(name, w, h, ch, level, strategy, mem):
    rng = random.Random(w * h + ch)
    raw = bytearray()
    for y in range(h):
        raw.append(0)  # filter None
        for x in range(w):
            for c in range(ch):
                v = ((x // 8) * 37 + (y // 6) * 11 + c * 50) & 0xFF
                if rng.randrange(40) == 0:
                    v = rng.randrange(256)
                raw.append(v)
    co = zlib.compressobj(level, zlib.DEFLATED, 15, mem, strategy)
    z = co.compress(bytes(raw)) + co.flush()
    colour = {3: 2, 4: 6}[ch]
    ihdr = struct.pack(">IIBBBBB", w, h, 8, colour, 0, 0, 0)
    with open(name, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", z) + chunk(b"IEND", b""))


png("zlib9-rgb8.png", 96, 64, 3, 9, zlib.Z_FILTERED, 8)
png("zlib6-rgba8.png", 64, 48, 4, 6, zlib.Z_DEFAULT_STRATEGY, 9)
