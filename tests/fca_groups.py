#!/usr/bin/env python3
"""fca_groups: what an .fca holds about the records, byte for byte, without
what it holds about the inputs: the string table, every group as stored, the
ENI metadata and the record counts and period of the stats, but not the input
identities nor the files/bytes read (an Athena result has no files). Written
from the layout in src/fca.c's header comment, independently of fca.c, so
that two aggregates can be compared with cmp. Format version 2 only.

Strings are printed, not their ids, so that a string only the ENI
metadata uses does not shift the groups. --no-meta leaves out the string
table and the ENI metadata (for inputs whose ENIs' records disagree: the
local reader keeps the first value seen, Athena's query the least).

usage: fca_groups.py [--no-meta] FILE.fca >DUMP
       fca_groups.py --write [--no-meta|--meta] FILE.fca... (each dumped to
       FILE.groups; --no-meta and --meta apply to the files after them: one
       Python start for every file of a test)
"""
import struct
import sys


def dump(path, meta, out):
    data = open(path, "rb").read()
    magic, version, plen = struct.unpack_from("<4sIQ", data, 0)
    if magic != b"FCA\x01" or version != 2:
        sys.exit(f"fca_groups: {path}: not a version 2 aggregate")
    p, off = data[16:16 + plen], 0

    def u(n):
        nonlocal off
        v = int.from_bytes(p[off:off + n], "little")
        off += n
        return v

    def take(n):
        nonlocal off
        off += n
        return p[off - n:off]

    for _ in range(u(4)):                  # the input identities
        u(u(4))
    strs = [b"-"] + [take(u(4)) for _ in range(u(4))]   # id 0: none
    if meta:
        out.write(b"".join(x + b"\n" for x in strs[1:]))

    def ids(raw):
        return b" ".join(strs[v] for v in struct.unpack(f"<{len(raw) // 4}I", raw))

    ngroups = u(8)
    out.write(b"groups %d\n" % ngroups)
    for _ in range(ngroups):
        g = take(64 + 4 * 4 + 2 + 6 + 5 * 8)
        # the four addresses, eni, src_svc, dst_svc as strings, then the rest
        out.write(g[:64].hex().encode() + b" " + ids(g[64:76]) + b" " + g[76:].hex().encode() + b"\n")
    nmeta = u(4)
    lines = [ids(take(7 * 4)) for _ in range(nmeta)]
    if meta:
        out.write(b"meta %d\n" % nmeta + b"".join(x + b"\n" for x in lines))
    names = "read used malformed nodata skipdata rejected filtered files files_skipped bytes_in start end".split()
    stats = dict(zip(names, struct.unpack_from("<10Q2q", p, off)))
    for k in names:
        if k not in ("files", "files_skipped", "bytes_in"):
            out.write(b"%s %d\n" % (k.encode(), stats[k]))


args = sys.argv[1:]
if args[:1] == ["--write"]:
    meta = True
    for a in args[1:]:
        if a in ("--meta", "--no-meta"):
            meta = a == "--meta"
            continue
        with open(a[:-len(".fca")] + ".groups" if a.endswith(".fca") else a + ".groups", "wb") as f:
            dump(a, meta, f)
else:
    dump(args[-1], args[:1] != ["--no-meta"], sys.stdout.buffer)
