// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IRandomnessSource} from "./IRandomnessSource.sol";
import {IVrfConsumerV2Plus} from "./IVrfConsumerV2Plus.sol";

/// @title IVrfRandomnessSource
/// @notice {IRandomnessSource} answered by a VRF coordinator with Chainlink VRF v2.5's interface: a request asks the
/// coordinator for one word; the coordinator's callback stores it; the consumer reads it. Requests never expire
/// (asking again would let whoever withholds an answer re-roll it).
interface IVrfRandomnessSource is IRandomnessSource, IVrfConsumerV2Plus {
    /// @notice Only the coordinator answers, only the consumer requests and consumes, only the deployer sets it.
    error VrfSourceUnauthorized(address caller);
    /// @notice The consumer was already set (once, by the deployer).
    error VrfSourceConsumerAlreadySet();

    /// @notice The coordinator answered request `requestId` (this source's id) with `value`.
    event RandomnessFulfilled(uint256 indexed requestId, bytes32 value);
    /// @notice The consumer was set.
    event ConsumerSet(address indexed consumer);

    /// @notice Sets the only account that may request and consume (the dispute manager). Once, by the deployer.
    /// @param consumer The consumer.
    function setConsumer(address consumer) external;

    /// @notice The coordinator this source asks.
    function coordinator() external view returns (address);

    /// @notice The coordinator's request id behind this source's request `requestId` is any id whose top 208 bits are
    /// `requestId` (this source's ids are the coordinator's shifted right by 48 bits).
    /// @param coordinatorRequestId The coordinator's request id.
    /// @return This source's id for it.
    function localRequestId(uint256 coordinatorRequestId) external pure returns (uint256);

    /// @notice The consumer (zero until set).
    function consumer() external view returns (address);

    /// @notice The value the coordinator answered for request `requestId` (zero before the answer). Kept after the
    /// consumer read it: the audit trail of every draw's randomness.
    /// @param requestId This source's request id.
    /// @return The value.
    function valueOf(uint256 requestId) external view returns (bytes32);

    /// @notice The key hash, subscription, confirmations, callback gas and payment of every request.
    /// @return keyHash The proving key.
    /// @return subId The subscription.
    /// @return requestConfirmations Blocks the coordinator waits.
    /// @return callbackGasLimit Gas for the callback.
    /// @return nativePayment Whether the subscription pays in the native token.
    function requestConfig()
        external
        view
        returns (bytes32 keyHash, uint256 subId, uint16 requestConfirmations, uint32 callbackGasLimit, bool nativePayment);
}
