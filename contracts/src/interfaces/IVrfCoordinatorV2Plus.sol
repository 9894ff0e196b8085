// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IVrfCoordinatorV2Plus
/// @notice The request side of a Chainlink VRF v2.5 coordinator (`IVRFCoordinatorV2Plus.requestRandomWords`, same
/// struct layout and selector), so a consumer written against it works with Chainlink's coordinator on a public chain
/// and with LocalVrfCoordinator on the local network. The coordinator answers by calling the requester's
/// `rawFulfillRandomWords(requestId, randomWords)` ({IVrfConsumerV2Plus}).
interface IVrfCoordinatorV2Plus {
    /// @notice Chainlink's `VRFV2PlusClient.RandomWordsRequest`.
    /// @param keyHash The proving key (and, on Chainlink, the gas lane).
    /// @param subId The subscription that pays (ignored by LocalVrfCoordinator).
    /// @param requestConfirmations Blocks the coordinator waits after the request before it may answer.
    /// @param callbackGasLimit Gas the coordinator gives `rawFulfillRandomWords`.
    /// @param numWords How many random words.
    /// @param extraArgs `abi.encodeWithSelector(VrfV2PlusClient.EXTRA_ARGS_V1_TAG, ExtraArgsV1({nativePayment}))`.
    // An ABI layout, not storage: field order is Chainlink's.
    // solhint-disable-next-line gas-struct-packing
    struct RandomWordsRequest {
        bytes32 keyHash;
        uint256 subId;
        uint16 requestConfirmations;
        uint32 callbackGasLimit;
        uint32 numWords;
        bytes extraArgs;
    }

    /// @notice Requests random words; the coordinator calls back the requester with them.
    /// @param req The request.
    /// @return requestId The request's id (256 bits, opaque).
    function requestRandomWords(RandomWordsRequest calldata req) external returns (uint256 requestId);
}
