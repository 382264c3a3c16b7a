# Writes the zlib fixtures of TestZlibEmulation: one deterministic sample
# (text-like words, PNG-like filtered rows, and a stretch of random
# bytes that zlib stores) compressed by the system's zlib with several
# levels, strategies, memLevels and window sizes. Run: python3 gen.py
import random
import zlib

rng = random.Random(7)
words = ["deflate", "zlib", "match", "chain", "lazy", "window", "hash", "the", "of", "a",
         "token", "literal", "distance", "length", "block", "huffman", "png", "row", "filter"]
text = " ".join(rng.choice(words) for _ in range(2500)).encode()
rows = bytearray()
for y in range(40):
    rows.append(rng.choice([0, 1, 2]))
    rows += bytes((x * 3 + y * 5 + rng.randrange(4)) & 0xFF for x in range(300))
noise = bytes(rng.randrange(256) for _ in range(2500))
data = text[:9000] + bytes(rows) + noise + text[9000:]

configs = [
    # level, strategy, memLevel, wbits
    (1, zlib.Z_DEFAULT_STRATEGY, 8, 15),
    (2, zlib.Z_DEFAULT_STRATEGY, 8, 15),
    (3, zlib.Z_DEFAULT_STRATEGY, 8, 15),
    (4, zlib.Z_DEFAULT_STRATEGY, 8, 15),
    (5, zlib.Z_FILTERED, 8, 15),
    (6, zlib.Z_DEFAULT_STRATEGY, 8, 15),
    (6, zlib.Z_FILTERED, 9, 15),
    (7, zlib.Z_DEFAULT_STRATEGY, 8, 15),
    (8, zlib.Z_DEFAULT_STRATEGY, 5, 15),
    (6, zlib.Z_DEFAULT_STRATEGY, 1, 15),
    (9, zlib.Z_FILTERED, 8, 15),
    (9, zlib.Z_DEFAULT_STRATEGY, 8, 12),
]
for level, strategy, mem, wbits in configs:
    c = zlib.compressobj(level, zlib.DEFLATED, wbits, mem, strategy)
    z = c.compress(data) + c.flush()
    name = "l%d-%s-m%d-w%d.z" % (level, "filtered" if strategy == zlib.Z_FILTERED else "default", mem, wbits)
    with open(name, "wb") as f:
        f.write(z)
