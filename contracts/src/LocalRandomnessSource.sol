// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IRandomnessSource} from "./interfaces/IRandomnessSource.sol";

/// @title LocalRandomnessSource
/// @notice Randomness from the `prevrandao` of a block after the request: for the local chain and for tests. Replace
/// it with a VRF on a public chain.
/// @dev Stateless: a request id is `readyAtBlock << 160 | requester`. The value is `keccak256(prevrandao, requestId)`
/// of the first block in [readyAtBlock, readyAtBlock + MAX_LAG] in which the requester consumes it.
/// Bias limits (see docs/contracts.md): nobody knows the value when the request is made (it depends on a later
/// block's RANDAO mix). Once block B-1 is public, everyone knows B's prevrandao, so whoever triggers the consumption
/// (for a dispute: anyone calling `draw`) may choose the block among at most MAX_LAG + 1 candidates, or let the
/// request expire and start over, unless somebody else consumes first; and the proposer of a block can withhold it to
/// change that block's mix (one bit of influence per block it proposes, at the price of its block reward).
contract LocalRandomnessSource is IRandomnessSource {
    /// @notice Blocks between a request and the first block whose prevrandao may serve it.
    uint256 public constant DELAY = 1;
    /// @notice Blocks after `readyAtBlock` during which the request can still be consumed.
    uint256 public constant MAX_LAG = 32;

    /// @inheritdoc IRandomnessSource
    function requestRandomness() external returns (uint256 requestId) {
        uint256 readyAt = block.number + DELAY;
        requestId = (readyAt << 160) | uint256(uint160(msg.sender));
        emit RandomnessRequested(requestId, msg.sender, readyAt);
    }

    /// @inheritdoc IRandomnessSource
    function status(uint256 requestId) external view returns (bool ready, bool expired) {
        uint256 readyAt = requestId >> 160;
        expired = block.number > readyAt + MAX_LAG;
        ready = !expired && block.number >= readyAt;
    }

    /// @inheritdoc IRandomnessSource
    function consumeRandomness(uint256 requestId) external returns (bytes32 value) {
        if (address(uint160(requestId)) != msg.sender) revert RandomnessNotRequester(requestId, msg.sender);
        uint256 readyAt = requestId >> 160;
        if (block.number < readyAt) revert RandomnessNotReady(requestId, readyAt);
        if (block.number > readyAt + MAX_LAG) revert RandomnessExpired(requestId);
        value = keccak256(abi.encode(block.prevrandao, requestId));
        emit RandomnessConsumed(requestId, value);
    }
}
