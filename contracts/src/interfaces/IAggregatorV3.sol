// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IAggregatorV3
/// @notice The read side of Chainlink's `AggregatorV3Interface`, function for function, so that existing tools and
/// libraries that read Chainlink feeds can read an Oracle price feed unchanged.
interface IAggregatorV3 {
    /// @notice The number of decimals of `answer`.
    function decimals() external view returns (uint8);

    /// @notice What the feed prices, for example "VPN / ETH".
    function description() external view returns (string memory);

    /// @notice The feed implementation's version.
    function version() external view returns (uint256);

    /// @notice A finalized round.
    /// @param roundId_ The round.
    /// @return roundId The round.
    /// @return answer The median of the round's reports.
    /// @return startedAt When the round's first report arrived.
    /// @return updatedAt When the round reached its quorum and was finalized.
    /// @return answeredInRound Equal to `roundId` (every finalized round has its own answer).
    function getRoundData(uint80 roundId_)
        external
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound);

    /// @notice The latest finalized round (same fields as {getRoundData}).
    /// @return roundId The round.
    /// @return answer The median of the round's reports.
    /// @return startedAt When the round's first report arrived.
    /// @return updatedAt When the round was finalized.
    /// @return answeredInRound Equal to `roundId`.
    function latestRoundData()
        external
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound);
}
