#!/usr/bin/env python3
"""Benchmark data for archives: half compressible text, half random bytes.

  make-archive-data.py small DIR [COUNT]   COUNT files of 1-64 KiB in 100 folders (default 20000)
  make-archive-data.py large DIR [COUNT]   COUNT files of 256 MB (default 4)
"""
import os
import random
import sys

WORDS = ("backup restore archive tar gzip rsync postgres oracle sqlite block checksum wal redo "
         "tablespace snapshot volume mirror delta copy verify manifest catalog retention error "
         "warning info debug request served latency user session commit rollback").split()


def text(rng, size):
    lines = []
    total = 0
    while total < size:
        line = "%d-%02d-%02dT%02d:%02d:%02d %s %s id=%d took=%dms\n" % (
            2026, rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59),
            rng.choice(("INFO", "WARN", "DEBUG", "ERROR")), " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 9))),
            rng.randint(0, 10**6), rng.randint(1, 5000))
        lines.append(line)
        total += len(line)
    return "".join(lines).encode()[:size]


def main():
    kind, root = sys.argv[1], sys.argv[2]
    rng = random.Random(2026)
    os.makedirs(root, exist_ok=True)
    if kind == "small":
        count = int(sys.argv[3]) if len(sys.argv) > 3 else 20000
        pool = text(rng, 8 << 20)
        for i in range(count):
            folder = os.path.join(root, "d%03d" % (i % 100))
            os.makedirs(folder, exist_ok=True)
            size = rng.randint(1024, 64 * 1024)
            if i % 2 == 0:
                start = rng.randint(0, len(pool) - size)
                data = pool[start:start + size]
            else:
                data = os.urandom(size)
            with open(os.path.join(folder, "f%05d.%s" % (i, "log" if i % 2 == 0 else "bin")), "wb") as f:
                f.write(data)
    else:
        count = int(sys.argv[3]) if len(sys.argv) > 3 else 4
        size = 256 * 1000 * 1000
        chunk = text(rng, 16 << 20)
        for i in range(count):
            with open(os.path.join(root, "big%d.dat" % i), "wb") as f:
                written = 0
                while written < size:
                    piece = min(len(chunk), size - written)
                    f.write(chunk[:piece] if (written // (64 << 20)) % 2 == 0 else os.urandom(piece))
                    written += piece


if __name__ == "__main__":
    main()
