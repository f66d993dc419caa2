#!/usr/bin/env python3
"""fca_groups: what an .fca holds about the records, byte for byte, without
what it holds about the inputs: the string table, every group as stored, the
ENI metadata and the record counts and period of the stats, but not the input
identities nor the files/bytes read (an Athena result has no files). Written
from the layout in src/fca.c's header comment, independently of fca.c, so
that two aggregates can be compared with cmp. Format version 2 only.

usage: fca_groups.py FILE.fca >DUMP
"""
import struct
import sys

data = open(sys.argv[1], "rb").read()
magic, version, plen = struct.unpack_from("<4sIQ", data, 0)
if magic != b"FCA\x01" or version != 2:
    sys.exit(f"fca_groups: {sys.argv[1]}: not a version 2 aggregate")
p, off = data[16:16 + plen], 0


def u(n):
    global off
    v = int.from_bytes(p[off:off + n], "little")
    off += n
    return v


def skip_strings():
    for _ in range(u(4)):
        u(u(4))


def take(n):
    global off
    off += n
    return p[off - n:off]


skip_strings()                         # the input identities
out = sys.stdout.buffer
nstr = u(4)
for _ in range(nstr):
    out.write(take(u(4)) + b"\n")
ngroups = u(8)
out.write(b"groups %d\n" % ngroups)
for _ in range(ngroups):
    out.write(take(64 + 4 * 4 + 2 + 6 + 5 * 8).hex().encode() + b"\n")
nmeta = u(4)
out.write(b"meta %d\n" % nmeta)
for _ in range(nmeta):
    out.write(take(7 * 4).hex().encode() + b"\n")
names = "read used malformed nodata skipdata rejected filtered files files_skipped bytes_in start end".split()
stats = dict(zip(names, struct.unpack_from("<10Q2q", p, off)))
for k in names:
    if k not in ("files", "files_skipped", "bytes_in"):
        out.write(b"%s %d\n" % (k.encode(), stats[k]))
