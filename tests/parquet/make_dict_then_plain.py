#!/usr/bin/env python3
"""dict_then_plain.parquet: one REQUIRED string column (interface_id), one
row group of 4 rows in one column chunk whose pages change encoding, as a
writer does when its dictionary grows too large: a dictionary page
["eni-a", "eni-b"], an RLE_DICTIONARY data page (indexes 1, 0) and then a
PLAIN data page ("eni-c", "eni-a"). Rows: eni-b, eni-a, eni-c, eni-a.
Written by hand (Thrift compact protocol), uncompressed, data pages v1.
usage: python3 make_dict_then_plain.py OUT"""
import struct
import sys


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def zz(n):
    return varint((n << 1) ^ (n >> 63))


class S:
    """A Thrift compact struct: fields in increasing id order."""

    def __init__(self):
        self.b = bytearray()
        self.last = 0

    def hdr(self, fid, t):
        d = fid - self.last
        self.b += bytes([(d << 4) | t]) if 0 < d <= 15 else bytes([t]) + zz(fid)
        self.last = fid
        return self

    def i32(self, fid, v):
        self.hdr(fid, 5).b += zz(v)
        return self

    def i64(self, fid, v):
        self.hdr(fid, 6).b += zz(v)
        return self

    def str(self, fid, s):
        s = s.encode()
        self.hdr(fid, 8).b += varint(len(s)) + s
        return self

    def struct(self, fid, s):
        self.hdr(fid, 12).b += s.end()
        return self

    def lst(self, fid, t, items):
        self.hdr(fid, 9).b += bytes([(len(items) << 4) | t])
        for it in items:
            if t == 5:
                self.b += zz(it)
            elif t == 8:
                self.b += varint(len(it)) + it.encode()
            else:
                self.b += it.end()
        return self

    def end(self):
        return bytes(self.b) + b"\0"


def plain(strs):
    return b"".join(struct.pack("<I", len(s)) + s.encode() for s in strs)


def page(ptype, body, sub_id, sub):
    h = S().i32(1, ptype).i32(2, len(body)).i32(3, len(body)).struct(sub_id, sub)
    return h.end() + body


dict_page = page(2, plain(["eni-a", "eni-b"]), 7, S().i32(1, 2).i32(2, 0))
# bit width 1, one bit-packed group of 8 (header 1 << 1 | 1): indexes 1, 0
ix_page = page(0, bytes([1, 3, 0b01]), 5, S().i32(1, 2).i32(2, 8).i32(3, 3).i32(4, 3))
plain_page = page(0, plain(["eni-c", "eni-a"]), 5, S().i32(1, 2).i32(2, 0).i32(3, 3).i32(4, 3))
chunk = dict_page + ix_page + plain_page
start = 4
meta = (S().i32(1, 6).lst(2, 5, [0, 8, 3]).lst(3, 8, ["interface_id"]).i32(4, 0).i64(5, 4)
        .i64(6, len(chunk)).i64(7, len(chunk)).i64(9, start + len(dict_page)).i64(11, start))
col = S().i64(2, start).struct(3, meta)
rg = S().lst(1, 12, [col]).i64(2, len(chunk)).i64(3, 4)
schema = [S().str(4, "schema").i32(5, 1), S().i32(1, 6).i32(3, 0).str(4, "interface_id").i32(6, 0)]
fmd = S().i32(1, 1).lst(2, 12, schema).i64(3, 4).lst(4, 12, [rg]).end()
with open(sys.argv[1], "wb") as f:
    f.write(b"PAR1" + chunk + fmd + struct.pack("<I", len(fmd)) + b"PAR1")
