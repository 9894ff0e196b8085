// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title Bn254
/// @notice BLS signatures on the BN254 (alt_bn128) curve through the EIP-196/197 precompiles: hashing a 32-byte
/// message to G1 and checking `e(signature, g2) == e(H(message), publicKey)`. A BLS signature is unique for a key and a
/// message (G1 has prime order and the pairing is non-degenerate), which makes it a verifiable random function.
/// @dev G2 points are four words in EIP-197 order: x imaginary, x real, y imaginary, y real. Hash to G1 is
/// try-and-increment: `x = keccak256(abi.encode(message, i)) mod p` for i = 0, 1, ... until `x^3 + 3` is a square,
/// `y = (x^3 + 3)^((p+1)/4) mod p` (the root the exponentiation gives). docs/protocol.md §7.4 has the same recipe.
library Bn254 {
    /// @notice The base field's modulus p.
    uint256 internal constant P = 21888242871839275222246405745257275088696311157297823662689037894645226208583;
    /// @notice The order r of G1 and G2.
    uint256 internal constant R = 21888242871839275222246405745257275088548364400416034343698204186575808495617;
    uint256 private constant SQRT_EXPONENT = (P + 1) / 4;
    uint256 private constant MAX_TRIES = 256;
    // The generator of G2 in EIP-197 order.
    uint256 private constant G2_X_IM = 11559732032986387107991004021392285783925812861821192530917403151452391805634;
    uint256 private constant G2_X_RE = 10857046999023057135944570762232829481370756359578518086990519993285655852781;
    uint256 private constant G2_Y_IM = 4082367875863433681332203403145435568316851327593401208105741076214120093531;
    uint256 private constant G2_Y_RE = 8495653923123431417604973247489272438418190587263600148770280649306958101930;

    /// @notice No x among the tries gave a point (never met: each try succeeds with probability about 1/2).
    error Bn254HashToCurveFailed();

    /// @notice The G1 point `message` hashes to.
    /// @param message The message.
    /// @return x The point's x.
    /// @return y The point's y.
    function hashToG1(bytes32 message) internal view returns (uint256 x, uint256 y) {
        for (uint256 i = 0; i < MAX_TRIES; ++i) {
            x = uint256(keccak256(abi.encode(message, i))) % P;
            uint256 y2 = addmod(mulmod(mulmod(x, x, P), x, P), 3, P);
            y = _modExp(y2, SQRT_EXPONENT);
            if (mulmod(y, y, P) == y2) return (x, y);
        }
        revert Bn254HashToCurveFailed();
    }

    /// @notice Whether `signature` is the BLS signature of `message` under `publicKey`.
    /// @param message The message.
    /// @param signature A G1 point (x, y).
    /// @param publicKey A G2 point (EIP-197 order), not the point at infinity.
    /// @return Whether `e(signature, g2) == e(H(message), publicKey)`; false for points off the curves.
    function verify(bytes32 message, uint256[2] memory signature, uint256[4] memory publicKey) internal view returns (bool) {
        (uint256 hx, uint256 hy) = hashToG1(message);
        // e(signature, g2) * e(-H, publicKey) == 1
        bytes memory input = abi.encode(
            signature[0], signature[1], G2_X_IM, G2_X_RE, G2_Y_IM, G2_Y_RE,
            hx, (P - hy) % P, publicKey[0], publicKey[1], publicKey[2], publicKey[3]
        );
        // The precompile fails on points off the curves (or out of G2's subgroup): not a signature.
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, bytes memory out) = address(0x08).staticcall(input);
        return ok && out.length == 32 && abi.decode(out, (uint256)) == 1;
    }

    function _modExp(uint256 base, uint256 exponent) private view returns (uint256) {
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, bytes memory out) = address(0x05).staticcall(abi.encode(32, 32, 32, base, exponent, P));
        // The precompile fails only when out of gas, which reverts the caller anyway.
        if (!ok || out.length != 32) revert Bn254HashToCurveFailed();
        return abi.decode(out, (uint256));
    }
}
