// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title VrfV2PlusClient
/// @notice The extra arguments of a Chainlink VRF v2.5 request (`VRFV2PlusClient`): a tag and whether the subscription
/// pays in the native token, encoded the way Chainlink's coordinator decodes them.
library VrfV2PlusClient {
    /// @notice `bytes4(keccak256("VRF ExtraArgsV1"))`.
    bytes4 internal constant EXTRA_ARGS_V1_TAG = bytes4(keccak256("VRF ExtraArgsV1"));

    /// @notice Chainlink's `ExtraArgsV1`.
    struct ExtraArgsV1 {
        bool nativePayment;
    }

    /// @notice The encoded extra arguments.
    /// @param extraArgs The arguments.
    /// @return The bytes for {IVrfCoordinatorV2Plus.RandomWordsRequest.extraArgs}.
    function argsToBytes(ExtraArgsV1 memory extraArgs) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(EXTRA_ARGS_V1_TAG, extraArgs);
    }
}
