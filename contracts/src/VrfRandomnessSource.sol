// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IRandomnessSource} from "./interfaces/IRandomnessSource.sol";
import {IVrfConsumerV2Plus} from "./interfaces/IVrfConsumerV2Plus.sol";
import {IVrfCoordinatorV2Plus} from "./interfaces/IVrfCoordinatorV2Plus.sol";
import {IVrfRandomnessSource} from "./interfaces/IVrfRandomnessSource.sol";
import {VrfV2PlusClient} from "./libraries/VrfV2PlusClient.sol";

/// @title VrfRandomnessSource
/// @notice Randomness for committee draws from a VRF coordinator with Chainlink VRF v2.5's interface: Chainlink's own
/// on a public chain, LocalVrfCoordinator on the local network.
/// @dev Trust assumptions: trusts the coordinator's answers (Chainlink's: its node's ECVRF proofs, verified on-chain;
/// LocalVrfCoordinator's: BLS signatures, verified on-chain). The value of a request is unknown to everyone until the
/// request's block is sealed, and the coordinator's key holder can only withhold it, never choose it. A request never
/// expires and is never asked again here: a withheld answer leaves the round in Drawing until its drawing deadline.
/// Only the consumer (the dispute manager, set once by the deployer) may request, so nobody else spends the
/// subscription. Ids are the coordinator's shifted right by 48 bits (the dispute manager keeps 208 bits); one storage
/// word per request, written by the answer (the coordinator's transaction) and kept, so an auditor can read which
/// value a draw used ({valueOf}) and a repeated answer changes nothing. The coordinator's RandomWordsRequested and
/// the consumer's own events record the requests (no RandomnessRequested/RandomnessConsumed here).
contract VrfRandomnessSource is IVrfRandomnessSource {
    IVrfCoordinatorV2Plus private immutable _coordinator;
    bytes32 private immutable _keyHash;
    uint256 private immutable _subId;
    uint16 private immutable _requestConfirmations;
    uint32 private immutable _callbackGasLimit;
    bool private immutable _nativePayment;
    address private immutable _deployer;
    address private _consumer;
    mapping(uint256 requestId => bytes32 value) private _values;

    modifier onlyConsumer() {
        if (msg.sender != _consumer || msg.sender == address(0)) revert VrfSourceUnauthorized(msg.sender);
        _;
    }

    /// @param coordinator_ The VRF coordinator.
    /// @param keyHash_ The proving key (gas lane) to ask.
    /// @param subId_ The subscription that pays (this contract must be its consumer on Chainlink).
    /// @param requestConfirmations_ Blocks the coordinator waits before answering.
    /// @param callbackGasLimit_ Gas for {rawFulfillRandomWords} (about 50,000 suffice).
    /// @param nativePayment_ Whether the subscription pays in the native token.
    constructor(
        IVrfCoordinatorV2Plus coordinator_,
        bytes32 keyHash_,
        uint256 subId_,
        uint16 requestConfirmations_,
        uint32 callbackGasLimit_,
        bool nativePayment_
    ) {
        _coordinator = coordinator_;
        _keyHash = keyHash_;
        _subId = subId_;
        _requestConfirmations = requestConfirmations_;
        _callbackGasLimit = callbackGasLimit_;
        _nativePayment = nativePayment_;
        _deployer = msg.sender;
    }

    /// @inheritdoc IVrfRandomnessSource
    function setConsumer(address consumer_) external {
        if (msg.sender != _deployer) revert VrfSourceUnauthorized(msg.sender);
        if (_consumer != address(0)) revert VrfSourceConsumerAlreadySet();
        _consumer = consumer_;
        emit ConsumerSet(consumer_);
    }

    /// @inheritdoc IRandomnessSource
    function requestRandomness() external onlyConsumer returns (uint256 requestId) {
        uint256 id = _coordinator.requestRandomWords(
            IVrfCoordinatorV2Plus.RandomWordsRequest({
                keyHash: _keyHash,
                subId: _subId,
                requestConfirmations: _requestConfirmations,
                callbackGasLimit: _callbackGasLimit,
                numWords: 1,
                extraArgs: VrfV2PlusClient.argsToBytes(VrfV2PlusClient.ExtraArgsV1({nativePayment: _nativePayment}))
            })
        );
        requestId = id >> 48;
    }

    /// @inheritdoc IVrfConsumerV2Plus
    /// @dev Untrusted entry point guarded by the caller check: only the coordinator answers.
    function rawFulfillRandomWords(uint256 requestId, uint256[] calldata randomWords) external {
        if (msg.sender != address(_coordinator)) revert VrfSourceUnauthorized(msg.sender);
        // A zero word (probability 2^-256) would read as "not answered"; one bit of it is given up for that.
        bytes32 value = bytes32(randomWords[0] | 1);
        uint256 id = requestId >> 48;
        // A unique answer: a second delivery of the same request brings the same value.
        if (_values[id] != bytes32(0)) return;
        _values[id] = value;
        emit RandomnessFulfilled(id, value);
    }

    /// @inheritdoc IRandomnessSource
    function status(uint256 requestId) external view returns (bool ready, bool expired) {
        return (_values[requestId] != bytes32(0), false);
    }

    /// @inheritdoc IRandomnessSource
    /// @dev The value stays readable ({valueOf}); the dispute manager asks for a new id whenever it needs a new value.
    function consumeRandomness(uint256 requestId) external view onlyConsumer returns (bytes32 value) {
        value = _values[requestId];
        if (value == bytes32(0)) revert RandomnessNotReady(requestId, 0);
    }

    /// @inheritdoc IVrfRandomnessSource
    function valueOf(uint256 requestId) external view returns (bytes32) {
        return _values[requestId];
    }

    /// @inheritdoc IVrfRandomnessSource
    function coordinator() external view returns (address) {
        return address(_coordinator);
    }

    /// @inheritdoc IVrfRandomnessSource
    function localRequestId(uint256 coordinatorRequestId) external pure returns (uint256) {
        return coordinatorRequestId >> 48;
    }

    /// @inheritdoc IVrfRandomnessSource
    function consumer() external view returns (address) {
        return _consumer;
    }

    /// @inheritdoc IVrfRandomnessSource
    function requestConfig()
        external
        view
        returns (bytes32 keyHash, uint256 subId, uint16 requestConfirmations, uint32 callbackGasLimit, bool nativePayment)
    {
        return (_keyHash, _subId, _requestConfirmations, _callbackGasLimit, _nativePayment);
    }
}
