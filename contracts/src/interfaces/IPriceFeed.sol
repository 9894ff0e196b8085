// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAggregatorV3} from "./IAggregatorV3.sol";

/// @title IPriceFeed
/// @notice A price reported by staked oracles in rounds: each round collects one report per oracle and is finalized
/// with the median of the first `quorum` reports. Readable through the Chainlink `AggregatorV3Interface` functions.
/// @dev Prices are the value of one whole unit of the base asset in the quote asset, scaled by `10**decimals()`:
/// the "VPN / ETH" feed answers ETH per VPN token, the "BTC / ETH" feed answers ETH per bitcoin.
interface IPriceFeed is IAggregatorV3 {
    /// @notice The reporter is not a registered oracle (its stake is below the registry's minimum).
    error PriceFeedNotOracle(address reporter);
    /// @notice Reports go to the open round only.
    error PriceFeedWrongRound(uint80 expected, uint80 given);
    /// @notice The reporter already reported in this round.
    error PriceFeedAlreadyReported(address reporter, uint80 roundId);
    /// @notice Prices are positive.
    error PriceFeedInvalidAnswer(int256 answer);
    /// @notice The round has not been finalized (or does not exist).
    error PriceFeedNoData(uint80 roundId);
    /// @notice The quorum must be between 1 and the feed's maximum.
    error PriceFeedInvalidQuorum(uint8 quorum);

    /// @notice Chainlink-compatible: a round received its first report.
    event NewRound(uint256 indexed roundId, address indexed startedBy, uint256 startedAt);
    /// @notice Chainlink-compatible: a round was finalized with `current` at `updatedAt`.
    event AnswerUpdated(int256 indexed current, uint256 indexed roundId, uint256 updatedAt);
    /// @notice An oracle reported `answer` in round `roundId`.
    event PriceReported(uint80 indexed roundId, address indexed reporter, int256 answer);
    /// @notice The open round timed out before reaching its quorum; its reports were discarded and it starts again.
    event RoundRestarted(uint80 indexed roundId, uint256 startedAt);

    /// @notice Reports a price for the open round. The round is finalized when this is its `quorum`-th report.
    /// @dev Untrusted entry point: any registered oracle. One outlier cannot move the median of three or more reports.
    /// @param roundId The open round, `latestRound() + 1`.
    /// @param answer The price, scaled by `10**decimals()`; positive.
    function report(uint80 roundId, int256 answer) external;

    /// @notice The open round: its id, when its current attempt started and how many reports it holds.
    /// @return roundId The round reports go to.
    /// @return startedAt When its first report arrived (0 when it has none).
    /// @return reports How many reports it holds.
    function openRound() external view returns (uint80 roundId, uint64 startedAt, uint8 reports);

    /// @notice The id of the latest finalized round (0 before the first).
    function latestRound() external view returns (uint80);

    /// @notice How many reports finalize a round.
    function quorum() external view returns (uint8);

    /// @notice How long a round may collect reports before they are discarded, in seconds.
    function roundTimeout() external view returns (uint64);

    /// @notice The staking registry whose oracles may report.
    function oracleRegistry() external view returns (address);
}
