// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IRandomnessSource} from "./interfaces/IRandomnessSource.sol";

/// @title LocalRandomnessSource
/// @notice Randomness from the `prevrandao` of a block after the request: for tests of the randomness interface only.
/// Networks (the devnet included) use VrfRandomnessSource.
/// @dev Stateless: a request id is `readyAtBlock << 160 | requester`. The value is `keccak256(prevrandao, requestId)`
/// of the first block in [readyAtBlock, readyAtBlock + MAX_LAG] in which the requester consumes it.
/// Bias limits (see docs/contracts.md): on a Hardhat chain prevrandao is a public hash chain (each block's value is the
/// keccak of the previous one, the same on every fresh node), so anyone can compute the value of any future block, and
/// whoever triggers the consumption (for a dispute: anyone calling `draw`) chooses the block among MAX_LAG + 1
/// candidates, or lets the request expire and starts over: a party with a modest share of the stake can seat a
/// majority of its own. On a proof-of-stake chain B's prevrandao is public once B-1 is, with the same choice of
/// block, and the proposer of a block can withhold it to change its mix.
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
