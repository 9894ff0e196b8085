#!/usr/bin/env python3
# Checks a SessionRecordProof (GET /v1/sessions/{id}/records/{leaf} of an evidence collector, on standard input) with
# nothing but the standard library: the RFC 9162 inclusion proof of its leaf hash under its checkpoint root.
# Exit 0 when valid. docs/collector.md shows how it is used.
import base64, hashlib, json, sys
# RFC 9162 §2.1.3.2.
p = json.load(sys.stdin)
h = lambda b: hashlib.sha256(b).digest()
leaf, index, size = base64.b64decode(p["leafHash"]), p["leafIndex"], p["checkpoint"]["treeSize"]
fn, sn, r = index, size - 1, leaf
for step in map(base64.b64decode, p["inclusionProof"]):
    if sn == 0: sys.exit("proof too long")
    if fn & 1 or fn == sn:
        r = h(b"\x01" + step + r)
        while fn & 1 == 0 and fn != 0: fn, sn = fn >> 1, sn >> 1
    else:
        r = h(b"\x01" + r + step)
    fn, sn = fn >> 1, sn >> 1
ok = sn == 0 and r == base64.b64decode(p["checkpoint"]["root"])
print("inclusion proof valid" if ok else "INVALID"); sys.exit(0 if ok else 1)
