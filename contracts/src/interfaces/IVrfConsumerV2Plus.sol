// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IVrfConsumerV2Plus
/// @notice What a Chainlink VRF v2.5 coordinator calls on the requester (`VRFConsumerBaseV2Plus.rawFulfillRandomWords`,
/// same selector).
interface IVrfConsumerV2Plus {
    /// @notice The coordinator's answer to request `requestId`. Only the coordinator may call it.
    /// @param requestId The coordinator's request id.
    /// @param randomWords The random words.
    function rawFulfillRandomWords(uint256 requestId, uint256[] calldata randomWords) external;
}
