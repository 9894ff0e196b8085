// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IRandomnessSource} from "../interfaces/IRandomnessSource.sol";

/// @title WideIdRandomnessSource
/// @notice Test double (never deployed by the network deployer): a source whose request ids use all 256 bits, to show
/// that the DisputeManager (which keeps 208 bits of a request id) refuses it instead of losing the request.
/// @dev Trust assumptions: none; it breaks the interface's id bound on purpose.
contract WideIdRandomnessSource is IRandomnessSource {
    /// @inheritdoc IRandomnessSource
    function requestRandomness() external pure returns (uint256 requestId) {
        return type(uint256).max;
    }

    /// @inheritdoc IRandomnessSource
    function status(uint256) external pure returns (bool ready, bool expired) {
        return (true, false);
    }

    /// @inheritdoc IRandomnessSource
    function consumeRandomness(uint256) external pure returns (bytes32 value) {
        return bytes32(0);
    }
}
