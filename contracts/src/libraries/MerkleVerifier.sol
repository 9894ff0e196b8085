// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title MerkleVerifier
/// @notice RFC 9162 (Certificate Transparency v2) Merkle proofs over SHA-256, the on-chain twin of
/// `Oracle.Core.Merkle.MerkleProofs`: leaves hash as `SHA-256(0x00 ‖ leaf)`, interior nodes as
/// `SHA-256(0x01 ‖ left ‖ right)`; inclusion proofs are verified as RFC 9162 §2.1.3.2, consistency proofs as §2.1.4.2.
/// @dev SHA-256 runs in the precompile at address 2. Sizes and indices are uint64 like the logs'.
library MerkleVerifier {
    /// @notice `SHA-256(0x00 ‖ leaf)`.
    /// @param leaf The leaf's data.
    /// @return The leaf hash.
    function leafHash(bytes calldata leaf) internal pure returns (bytes32) {
        return sha256(abi.encodePacked(bytes1(0x00), leaf));
    }

    /// @notice `SHA-256(0x01 ‖ left ‖ right)`.
    /// @param left The left child.
    /// @param right The right child.
    /// @return The parent.
    function nodeHash(bytes32 left, bytes32 right) internal pure returns (bytes32) {
        return sha256(abi.encodePacked(bytes1(0x01), left, right));
    }

    /// @notice Whether `proof` proves that `leaf` (a leaf hash) is leaf `index` of the tree of `size` leaves with `root`.
    /// @param leaf The leaf hash.
    /// @param index The leaf's index.
    /// @param size The tree's size.
    /// @param proof The audit path, leaf to root.
    /// @param root The tree's root.
    /// @return Whether the proof holds.
    function verifyInclusion(bytes32 leaf, uint64 index, uint64 size, bytes32[] calldata proof, bytes32 root)
        internal
        pure
        returns (bool)
    {
        if (size == 0 || index > size - 1) return false;
        uint64 fn = index;
        uint64 sn = size - 1;
        bytes32 r = leaf;
        for (uint256 i = 0; i < proof.length; ++i) {
            if (sn == 0) return false;
            if (fn & 1 == 1 || fn == sn) {
                r = nodeHash(proof[i], r);
                if (fn & 1 == 0) {
                    while (fn & 1 == 0 && fn != 0) {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            } else {
                r = nodeHash(r, proof[i]);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && r == root;
    }

    /// @notice Whether `proof` proves that the tree of `size1` leaves with `root1` is a prefix of the tree of `size2`
    /// leaves with `root2`. Equal sizes need an empty proof and equal roots; size 0 is a prefix of every tree.
    /// @param size1 The smaller size.
    /// @param size2 The larger size.
    /// @param root1 The root at `size1`.
    /// @param root2 The root at `size2`.
    /// @param proof The consistency proof.
    /// @return Whether the proof holds.
    function verifyConsistency(uint64 size1, uint64 size2, bytes32 root1, bytes32 root2, bytes32[] calldata proof)
        internal
        pure
        returns (bool)
    {
        if (size1 > size2) return false;
        if (size1 == size2) return proof.length == 0 && root1 == root2;
        if (size1 == 0) return proof.length == 0;
        if (proof.length == 0) return false;

        // When size1 is a power of two, the proof omits root1, which starts the path.
        bool pow2 = size1 & (size1 - 1) == 0;
        uint256 start = pow2 ? 0 : 1;
        bytes32 first = pow2 ? root1 : proof[0];
        uint64 fn = size1 - 1;
        uint64 sn = size2 - 1;
        while (fn & 1 == 1) {
            fn >>= 1;
            sn >>= 1;
        }
        bytes32 fr = first;
        bytes32 sr = first;
        for (uint256 i = start; i < proof.length; ++i) {
            if (sn == 0) return false;
            bytes32 c = proof[i];
            if (fn & 1 == 1 || fn == sn) {
                fr = nodeHash(c, fr);
                sr = nodeHash(c, sr);
                if (fn & 1 == 0) {
                    while (fn & 1 == 0 && fn != 0) {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            } else {
                sr = nodeHash(sr, c);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && fr == root1 && sr == root2;
    }
}
