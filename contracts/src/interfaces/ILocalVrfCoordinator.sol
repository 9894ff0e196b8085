// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IVrfCoordinatorV2Plus} from "./IVrfCoordinatorV2Plus.sol";

/// @title ILocalVrfCoordinator
/// @notice A VRF coordinator for the local network with Chainlink VRF v2.5's request interface. Its proving key is a
/// BLS key on BN254: the answer to a request is the key holder's BLS signature of the request's seed,
/// `keccak256(abi.encode(requestId, blockhash(requestBlock)))`, which the contract verifies (the pairing precompile)
/// before it calls the requester back with words derived from it. The signature is unique, so the key holder cannot
/// choose the words; the seed includes the request block's hash, so nobody knows the words before the request's
/// block is sealed.
/// @dev Stateless: a request id is `keccak256(abi.encode(keyHash, commitment))` of its {RequestCommitment} (which
/// {RandomWordsRequested} carries), and the answer passes the commitment back, as Chainlink's coordinator takes it.
/// Answering twice gives the same words (the signature is unique). The fulfiller's duty (docs/protocol.md §7.4): for
/// each {RandomWordsRequested} whose requester has no value yet, once `requestConfirmations` blocks are on top of the
/// request's block (and within 256 blocks of it, or after {storeBlockhash}), call {fulfillRandomWords} with the
/// commitment, the signature and at least `callbackGasLimit + callbackGasLimit / 63 + 50,000` gas to spare.
interface ILocalVrfCoordinator is IVrfCoordinatorV2Plus {
    /// @notice Everything a request fixes; its id is `keccak256(abi.encode(keyHash, commitment))`.
    /// @param sender Who requested (and is called back).
    /// @param blockNumber The request's block (its hash seeds the answer).
    /// @param requestConfirmations Blocks to wait on top of it.
    /// @param callbackGasLimit Gas for the callback.
    /// @param numWords Words asked.
    /// @param nonce Tells apart requests of one sender in one block (the gas left when it requested).
    // An ABI layout, not storage.
    // solhint-disable-next-line gas-struct-packing
    struct RequestCommitment {
        address sender;
        uint64 blockNumber;
        uint16 requestConfirmations;
        uint32 callbackGasLimit;
        uint32 numWords;
        uint256 nonce;
    }

    /// @notice The request names another proving key.
    error VrfUnknownKeyHash(bytes32 keyHash);
    /// @notice `numWords` is 0 or above the maximum, or the callback gas limit is above the maximum.
    error VrfInvalidRequest(uint32 numWords, uint32 callbackGasLimit);
    /// @notice Fewer than `requestConfirmations` blocks (at least one) are on top of the request's block.
    error VrfTooEarly(uint256 requestId, uint256 fulfillableAt);
    /// @notice The request block's hash is no longer available (over 256 blocks ago and not stored).
    error VrfBlockhashUnavailable(uint256 blockNumber);
    /// @notice The signature is not the proving key's signature of the request's seed.
    error VrfInvalidProof(uint256 requestId);
    /// @notice Less gas is left than the callback was promised.
    error VrfInsufficientGas(uint256 gasLeft, uint32 callbackGasLimit);
    /// @notice The public key is the point at infinity.
    error VrfInvalidKey();

    /// @notice A request: its id and commitment (pass the commitment back to {fulfillRandomWords}).
    event RandomWordsRequested(uint256 indexed requestId, address indexed sender, RequestCommitment commitment);
    /// @notice Request `requestId` was answered with the signature `(signatureX, signatureY)`; `success` is whether
    /// the requester's callback succeeded.
    event RandomWordsFulfilled(uint256 indexed requestId, uint256 signatureX, uint256 signatureY, bool success);
    /// @notice The hash of block `blockNumber` was stored for late answers.
    event BlockhashStored(uint256 indexed blockNumber, bytes32 blockhash);

    /// @notice Answers a request with the proving key's BLS signature of its seed; calls the requester back with
    /// `numWords` words `keccak256(abi.encode(signature, i))`. Anyone may call (the signature is the proof).
    /// @param commitment The request's commitment (from {RandomWordsRequested}).
    /// @param signature The G1 point (x, y).
    function fulfillRandomWords(RequestCommitment calldata commitment, uint256[2] calldata signature) external;

    /// @notice Stores the hash of a block of the last 256, so that requests made in it can be answered later.
    /// @param blockNumber The block.
    function storeBlockhash(uint256 blockNumber) external;

    /// @notice The id of the request with `commitment`.
    /// @param commitment The commitment.
    /// @return The request id.
    function requestIdOf(RequestCommitment calldata commitment) external view returns (uint256);

    /// @notice The message the proving key signs for a request: `keccak256(abi.encode(requestId, blockhash))`.
    /// @param requestId The request.
    /// @param blockNumber The request's block.
    /// @return The seed (reverts when the block's hash is unavailable: before the next block, or after 256 blocks
    /// unless stored).
    function seedOf(uint256 requestId, uint256 blockNumber) external view returns (bytes32);

    /// @notice The G1 point `message` hashes to (what the key signs).
    /// @param message The message.
    /// @return The point (x, y).
    function hashToCurve(bytes32 message) external view returns (uint256[2] memory);

    /// @notice The proving key, a G2 point in EIP-197 order.
    function publicKey() external view returns (uint256[4] memory);

    /// @notice `keccak256(abi.encode(publicKey))`, the key hash requests name.
    function keyHash() external view returns (bytes32);
}
