#!/usr/bin/env python3
"""fca_groups: what an .fca holds about the records, byte for byte, without
what it holds about the inputs: the string table, every group as stored, the
ENI metadata and the record counts and period of the stats, but not the input
identities nor the files/bytes read (an Athena result has no files). Written
from the layout in src/fca.c's header comment, independently of fca.c, so
that two aggregates can be compared with cmp. Format versions 2 and 4 (a
version 4 group is printed as its version 2 bytes, so the dumps of the two
versions of one aggregate are the same).

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
    if magic != b"FCA\x01" or version not in (2, 4):
        sys.exit(f"fca_groups: {path}: not a version 2 or 4 aggregate")
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

    def uv():
        v, k = 0, 0
        while True:
            b = u(1)
            v |= (b & 0x7F) << (7 * k)
            k += 1
            if not b & 0x80:
                return v

    def zz():
        z = uv()
        return (z >> 1) ^ -(z & 1)

    def group4():
        # version 4: form, the addresses not zero, varints (src/fca.c's header)
        form = u(1)
        addrs = b""
        for i in range(4):
            f = form >> (2 * i) & 3
            addrs += (bytes(16) if f == 0 else bytes(10) + b"\xff\xff" + take(4) if f == 1 else take(16))
        eni, ssvc, dsvc, hour, port = uv(), uv(), uv(), zz(), uv()
        proto, packed, tpath, flags = take(4)
        base = 0 if hour == -2**31 else hour * 3600
        packets, nbytes, records = uv(), uv(), uv()
        # the writer's differences wrap in 64 bits: so do the sums
        start, end = ((zz() + base + 2**63) % 2**64 - 2**63 for _ in range(2))
        return addrs + struct.pack("<IIIiHBBBBBBQQQqq", eni, ssvc, dsvc, hour, port, proto, packed & 3,
                                   packed >> 2 & 3, packed >> 4 & 3, tpath, flags, packets, nbytes, records,
                                   start, end)

    ngroups = u(8)
    out.write(b"groups %d\n" % ngroups)
    for _ in range(ngroups):
        g = take(64 + 4 * 4 + 2 + 6 + 5 * 8) if version == 2 else group4()
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
