#!/usr/bin/env node
// A second implementation's check of tests/vectors/*.json (ethers' EIP-712 encoder and Node's SHA-256), independent of
// the C# code that generated them:  node scripts/check-vectors.mjs
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const { _TypedDataEncoder } = require("@ethersproject/hash");
const { recoverAddress } = require("@ethersproject/transactions");
const { defaultAbiCoder } = require("@ethersproject/abi");
const { keccak256 } = require("@ethersproject/keccak256");

const dir = new URL("../../tests/vectors/", import.meta.url);
let failures = 0;
const check = (ok, what) => { if (!ok) { failures++; console.error(`FAIL ${what}`); } };

for (const item of JSON.parse(readFileSync(new URL("eip712.json", dir)))) {
    const types = { ...item.types };
    delete types.EIP712Domain;
    const digest = _TypedDataEncoder.hash(item.domain, types, item.message);
    check(digest === item.digest, `${item.primaryType} digest`);
    check(recoverAddress(digest, item.signature) === item.signer, `${item.primaryType} signer`);
    if (item.recordProof) {
        // A Filing's proofHash is keccak256(abi.encode(RecordProof)).
        const proofType = "tuple(bytes leaf,uint64 leafIndex,bytes32[] auditPath,tuple(uint64 sessionId,uint256 cumulativeAmount,uint64 cumulativeBytes,uint64 logSize,bytes32 logRoot) voucher,bytes signature)";
        check(keccak256(defaultAbiCoder.encode([proofType], [item.recordProof])) === item.message.proofHash, `${item.primaryType} proofHash`);
    }
}

const sha = (...parts) => "0x" + createHash("sha256").update(Buffer.concat(parts.map((p) => Buffer.from(p.slice(2), "hex")))).digest("hex");
const leafHash = (d) => sha("0x00", d);
const node = (l, r) => sha("0x01", l, r);
const mth = (hs) => {
    if (hs.length === 1) return hs[0];
    let k = 1; while (k * 2 < hs.length) k *= 2;
    return node(mth(hs.slice(0, k)), mth(hs.slice(k)));
};
for (const tree of JSON.parse(readFileSync(new URL("merkle.json", dir)))) {
    const hs = tree.leaves.map(leafHash);
    check(mth(hs) === tree.root, `root of ${hs.length}`);
    for (const i of tree.inclusion) {
        // RFC 9162 §2.1.3.2
        let fn = i.index, sn = i.size - 1, r = hs[i.index], ok = true;
        for (const p of i.proof) {
            if (sn === 0) { ok = false; break; }
            if (fn % 2 === 1 || fn === sn) { r = node(p, r); if (fn % 2 === 0) while (fn % 2 === 0 && fn !== 0) { fn >>= 1; sn >>= 1; } }
            else r = node(r, p);
            fn >>= 1; sn >>= 1;
        }
        check(ok && sn === 0 && r === mth(hs.slice(0, i.size)), `inclusion ${i.index}/${i.size} of ${hs.length}`);
    }
    for (const c of tree.consistency) {
        // RFC 9162 §2.1.4.2
        const root1 = mth(hs.slice(0, c.size1)), root2 = mth(hs.slice(0, c.size2));
        const path = (c.size1 & (c.size1 - 1)) === 0 ? [root1, ...c.proof] : [...c.proof];
        let fn = c.size1 - 1, sn = c.size2 - 1;
        while (fn % 2 === 1) { fn >>= 1; sn >>= 1; }
        let fr = path[0], sr = path[0], ok = true;
        for (const p of path.slice(1)) {
            if (sn === 0) { ok = false; break; }
            if (fn % 2 === 1 || fn === sn) { fr = node(p, fr); sr = node(p, sr); if (fn % 2 === 0) while (fn % 2 === 0 && fn !== 0) { fn >>= 1; sn >>= 1; } }
            else sr = node(sr, p);
            fn >>= 1; sn >>= 1;
        }
        check(ok && sn === 0 && fr === root1 && sr === root2, `consistency ${c.size1}->${c.size2}`);
    }
}
console.log(failures === 0 ? "vectors: all checks passed" : `vectors: ${failures} failure(s)`);
process.exit(failures === 0 ? 0 : 1);
