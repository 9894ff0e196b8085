// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ILocalVrfCoordinator} from "./interfaces/ILocalVrfCoordinator.sol";
import {IVrfConsumerV2Plus} from "./interfaces/IVrfConsumerV2Plus.sol";
import {Bn254} from "./libraries/Bn254.sol";

/// @title LocalVrfCoordinator
/// @notice A VRF coordinator for the local network with Chainlink VRF v2.5's request interface, answered with BLS
/// signatures on BN254 that the contract verifies.
/// @dev Trust assumptions: the key holder (on the devnet, the oracle node running the randomness duty with the
/// network's VRF key) learns a request's words when the request's block is sealed, before anyone else, and can
/// withhold the answer (the dispute manager never asks again for a VRF request before the round's drawing deadline
/// unless its draw drew nothing, so withholding delays or, after the drawing period, dismisses a dispute). It cannot
/// choose the words: the BLS signature of the seed is unique. Nobody, the key holder included, knows the words before
/// the request's block hash exists; a key holder colluding with a party that controls the request block's contents
/// (on Hardhat, the filer) could grind that hash, so the key holder must not be a party. There are no subscriptions or
/// fees: `subId` and `extraArgs` are accepted and ignored. Stateless: a request id commits to everything the request
/// fixes, and a fabricated commitment only ever gets its own (unique) answer, to its own sender.
contract LocalVrfCoordinator is ILocalVrfCoordinator {
    /// @notice The most words a request may ask for.
    uint32 public constant MAX_NUM_WORDS = 10;
    /// @notice The most gas a callback may ask for.
    uint32 public constant MAX_CALLBACK_GAS_LIMIT = 2_500_000;
    uint256 private constant CALL_RESERVE = 50_000;

    uint256 private immutable _pk0;
    uint256 private immutable _pk1;
    uint256 private immutable _pk2;
    uint256 private immutable _pk3;
    bytes32 private immutable _keyHash;

    mapping(uint256 blockNumber => bytes32 blockhash) private _blockhashes;

    /// @param publicKey_ The proving key: a G2 point in EIP-197 order (x imaginary, x real, y imaginary, y real).
    constructor(uint256[4] memory publicKey_) {
        if (publicKey_[0] | publicKey_[1] | publicKey_[2] | publicKey_[3] == 0) revert VrfInvalidKey();
        (_pk0, _pk1, _pk2, _pk3) = (publicKey_[0], publicKey_[1], publicKey_[2], publicKey_[3]);
        _keyHash = keccak256(abi.encode(publicKey_));
    }

    /// @inheritdoc ILocalVrfCoordinator
    function keyHash() external view returns (bytes32) {
        return _keyHash;
    }

    /// @inheritdoc ILocalVrfCoordinator
    function publicKey() public view returns (uint256[4] memory) {
        return [_pk0, _pk1, _pk2, _pk3];
    }

    /// @notice Requests random words (Chainlink VRF v2.5's `requestRandomWords`).
    /// @dev Untrusted entry point: anyone may request (there is nothing to pay, nothing is stored).
    /// @param req The request.
    /// @return requestId The request's id.
    function requestRandomWords(RandomWordsRequest calldata req) external returns (uint256 requestId) {
        if (req.keyHash != _keyHash) revert VrfUnknownKeyHash(req.keyHash);
        if (req.numWords == 0 || req.numWords > MAX_NUM_WORDS || req.callbackGasLimit > MAX_CALLBACK_GAS_LIMIT) {
            revert VrfInvalidRequest(req.numWords, req.callbackGasLimit);
        }
        RequestCommitment memory c = RequestCommitment({
            sender: msg.sender,
            blockNumber: uint64(block.number),
            requestConfirmations: req.requestConfirmations,
            callbackGasLimit: req.callbackGasLimit,
            numWords: req.numWords,
            nonce: gasleft()
        });
        requestId = uint256(keccak256(abi.encode(_keyHash, c)));
        emit RandomWordsRequested(requestId, msg.sender, c);
    }

    /// @inheritdoc ILocalVrfCoordinator
    function fulfillRandomWords(RequestCommitment calldata commitment, uint256[2] calldata signature) external {
        uint256 requestId = uint256(keccak256(abi.encode(_keyHash, commitment)));
        uint256 blockNumber = commitment.blockNumber;
        uint256 confirmations = commitment.requestConfirmations == 0 ? 1 : commitment.requestConfirmations;
        if (block.number < blockNumber + confirmations) revert VrfTooEarly(requestId, blockNumber + confirmations);
        if (!Bn254.verify(_seed(requestId, blockNumber), [signature[0], signature[1]], publicKey())) {
            revert VrfInvalidProof(requestId);
        }
        uint32 callbackGasLimit = commitment.callbackGasLimit;
        uint256 numWords = commitment.numWords;
        uint256[] memory words = new uint256[](numWords);
        for (uint256 i = 0; i < numWords; ++i) {
            words[i] = uint256(keccak256(abi.encode(signature[0], signature[1], i)));
        }
        // The callback must get all its gas (63/64 rule), or a fulfiller could starve it.
        if (gasleft() < uint256(callbackGasLimit) + callbackGasLimit / 63 + CALL_RESERVE) {
            revert VrfInsufficientGas(gasleft(), callbackGasLimit);
        }
        // The requester's failure does not undo the answer (the words are fixed anyway); a requester without code has
        // nothing to call.
        address sender = commitment.sender;
        bool success = false;
        if (sender.code.length != 0) {
            // solhint-disable-next-line avoid-low-level-calls
            (success,) = sender.call{gas: callbackGasLimit}(
                abi.encodeCall(IVrfConsumerV2Plus.rawFulfillRandomWords, (requestId, words))
            );
        }
        emit RandomWordsFulfilled(requestId, signature[0], signature[1], success);
    }

    /// @inheritdoc ILocalVrfCoordinator
    function storeBlockhash(uint256 blockNumber) external {
        bytes32 hash = blockhash(blockNumber);
        if (hash == bytes32(0)) revert VrfBlockhashUnavailable(blockNumber);
        _blockhashes[blockNumber] = hash;
        emit BlockhashStored(blockNumber, hash);
    }

    /// @inheritdoc ILocalVrfCoordinator
    function requestIdOf(RequestCommitment calldata commitment) external view returns (uint256) {
        return uint256(keccak256(abi.encode(_keyHash, commitment)));
    }

    /// @inheritdoc ILocalVrfCoordinator
    function seedOf(uint256 requestId, uint256 blockNumber) external view returns (bytes32) {
        return _seed(requestId, blockNumber);
    }

    /// @inheritdoc ILocalVrfCoordinator
    function hashToCurve(bytes32 message) external view returns (uint256[2] memory point) {
        (point[0], point[1]) = Bn254.hashToG1(message);
    }

    function _seed(uint256 requestId, uint256 blockNumber) private view returns (bytes32) {
        bytes32 hash = blockNumber < block.number ? blockhash(blockNumber) : bytes32(0);
        if (hash == bytes32(0)) hash = _blockhashes[blockNumber];
        if (hash == bytes32(0)) revert VrfBlockhashUnavailable(blockNumber);
        return keccak256(abi.encode(requestId, hash));
    }
}
