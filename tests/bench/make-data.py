#!/usr/bin/env python3
"""The benchmarks' one data generator. Every set is made from a fixed seed, so two machines (or two
runs) measure the same shapes; random bytes come from os.urandom and are incompressible.

  make-data.py files DIR [COUNT]   archives: COUNT files of 1-64 KiB in 100 folders, half log-like
                                   text and half random bytes (default 20000)
  make-data.py large DIR [COUNT]   archives: COUNT files of 256 MB, text and random bytes in turns of
                                   64 MiB (default 4)
  make-data.py sync DIR [SCALE]    synchronisation: DIR/small (20,000 random files of 0-52 KiB in 200
                                   folders), DIR/many (200,000 random files of 0-2 KiB in 2,000 folders)
                                   and DIR/bigsrc/big.img (256 MiB); SCALE divides every count and size
                                   (default 1)
  make-data.py mixed FILE [MB]     codecs: one file of MB megabytes (default 16), text and random bytes
                                   in turns of 1 MiB
"""
import os
import random
import sys

WORDS = ("backup restore archive tar gzip rsync postgres oracle sqlite block checksum wal redo "
         "tablespace snapshot volume mirror delta copy verify manifest catalog retention error "
         "warning info debug request served latency user session commit rollback").split()


def text(rng, size):
    """Log lines: compressible about as much as real logs are."""
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


def alternating(chunk, path, size, turn):
    """One file of SIZE bytes: CHUNK's text and random bytes in turns of TURN bytes."""
    with open(path, "wb") as f:
        written = 0
        while written < size:
            piece = min(turn, len(chunk), size - written)
            f.write(chunk[:piece] if (written // turn) % 2 == 0 else os.urandom(piece))
            written += piece


def archive_files(root, count):
    rng = random.Random(2026)
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


def archive_large(root, count):
    chunk = text(random.Random(2026), 16 << 20)
    for i in range(count):
        alternating(chunk, os.path.join(root, "big%d.dat" % i), 256 * 1000 * 1000, 64 << 20)


def sync_sets(root, scale):
    rng = random.Random(42)
    blob = os.urandom(64 << 20)

    def data(n):
        start = rng.randrange(0, len(blob) - n)
        return blob[start:start + n]

    def tree(name, files, max_size, nested):
        for i in range(files):
            folder = i // 100
            path = os.path.join(root, name, "g%02d" % (folder // 100) if nested else "", "d%04d" % folder)
            os.makedirs(path, exist_ok=True)
            with open(os.path.join(path, "f%06d.dat" % i), "wb") as f:
                f.write(data(rng.randint(0, max_size)))

    tree("small", 20000 // scale, 53300, False)
    tree("many", 200000 // scale, 2048, True)
    os.makedirs(os.path.join(root, "bigsrc"), exist_ok=True)
    with open(os.path.join(root, "bigsrc", "big.img"), "wb") as f:
        for _ in range(4):
            f.write(blob[:len(blob) // scale])


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ("files", "large", "sync", "mixed"):
        sys.exit(__doc__)
    kind, target = sys.argv[1], sys.argv[2]
    number = int(sys.argv[3]) if len(sys.argv) > 3 else None
    if kind == "mixed":
        os.makedirs(os.path.dirname(os.path.abspath(target)), exist_ok=True)
        size = (number or 16) * 1000 * 1000
        alternating(text(random.Random(2026), min(16 << 20, size)), target, size, 1 << 20)
        return
    os.makedirs(target, exist_ok=True)
    if kind == "files":
        archive_files(target, number or 20000)
    elif kind == "large":
        archive_large(target, number or 4)
    else:
        sync_sets(target, number or 1)


if __name__ == "__main__":
    main()
