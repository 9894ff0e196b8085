// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAggregatorV3} from "../interfaces/IAggregatorV3.sol";

/// @title FixedAnswerFeed
/// @notice Test double (never deployed by the network deployer): a feed that answers whatever its deployer set, even
/// a non-positive price, to show that consumers refuse it.
/// @dev Trust assumptions: none; it lies on purpose.
contract FixedAnswerFeed is IAggregatorV3 {
    int256 private immutable _answer;

    /// @param answer_ The answer of every round.
    constructor(int256 answer_) {
        _answer = answer_;
    }

    /// @inheritdoc IAggregatorV3
    function decimals() external pure returns (uint8) {
        return 18;
    }

    /// @inheritdoc IAggregatorV3
    function description() external pure returns (string memory) {
        return "fixed";
    }

    /// @inheritdoc IAggregatorV3
    function version() external pure returns (uint256) {
        return 1;
    }

    /// @inheritdoc IAggregatorV3
    function getRoundData(uint80 roundId_) external view returns (uint80, int256, uint256, uint256, uint80) {
        return (roundId_, _answer, block.timestamp, block.timestamp, roundId_);
    }

    /// @inheritdoc IAggregatorV3
    function latestRoundData() external view returns (uint80, int256, uint256, uint256, uint80) {
        return (1, _answer, block.timestamp, block.timestamp, 1);
    }
}
