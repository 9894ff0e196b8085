// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAggregatorV3} from "./interfaces/IAggregatorV3.sol";
import {IOracleRegistry} from "./interfaces/IOracleRegistry.sol";
import {IPriceFeed} from "./interfaces/IPriceFeed.sol";

/// @title PriceFeed
/// @notice A price reported by staked oracles in rounds, finalized with the median of `quorum` reports, readable as
/// a Chainlink `AggregatorV3Interface`.
/// @dev Trust assumptions: reporters are the OracleRegistry's oracles (stake at least the minimum). With a quorum of
/// 2k+1, the median stays within the honest reports' range while at most k reporters lie, so one outlier cannot
/// move it; a Sybil holding `quorum` minimum stakes could set the price, which is why the exchange also refuses
/// stale rounds and the quorum should grow with the value at stake. A round whose reports arrive too slowly is
/// restarted so that no stale report survives into a finalized round. Round 1 is the deployer's genesis price.
contract PriceFeed is IPriceFeed {
    /// @notice The largest quorum.
    uint8 public constant MAX_QUORUM = 15;
    uint8 private constant DECIMALS = 18;
    uint256 private constant VERSION = 1;

    struct RoundData {
        int128 answer;
        uint64 startedAt;
        uint64 updatedAt;
    }

    IOracleRegistry private immutable _registry;
    uint8 private immutable _quorum;
    uint64 private immutable _roundTimeout;
    string private _description;

    // One slot: the latest finalized round and the open round's attempt.
    uint80 private _latestRound;
    uint64 private _openStartedAt;
    uint8 private _openReports;
    uint32 private _attempt;
    mapping(uint80 roundId => RoundData) private _rounds;
    mapping(uint256 index => int256 answer) private _reports;
    mapping(address reporter => uint32 attempt) private _lastAttempt;

    /// @param registry_ The oracle registry whose oracles report.
    /// @param description_ What is priced, for example "VPN / ETH".
    /// @param quorum_ Reports that finalize a round, 1 to {MAX_QUORUM} (odd is best).
    /// @param roundTimeout_ Seconds a round may take to reach its quorum before it restarts.
    /// @param genesisAnswer The deployer's price, round 1: it lets the first oracles buy the tokens they stake, and goes
    /// stale like any round (the exchange refuses it after its `maxPriceAge`).
    constructor(
        IOracleRegistry registry_,
        string memory description_,
        uint8 quorum_,
        uint64 roundTimeout_,
        int256 genesisAnswer
    ) {
        if (quorum_ == 0 || quorum_ > MAX_QUORUM) revert PriceFeedInvalidQuorum(quorum_);
        if (genesisAnswer <= 0 || genesisAnswer > type(int128).max) revert PriceFeedInvalidAnswer(genesisAnswer);
        _registry = registry_;
        _description = description_;
        _quorum = quorum_;
        _roundTimeout = roundTimeout_;
        _rounds[1] = RoundData({answer: int128(genesisAnswer), startedAt: uint64(block.timestamp), updatedAt: uint64(block.timestamp)});
        _latestRound = 1;
        emit NewRound(1, msg.sender, block.timestamp);
        emit AnswerUpdated(genesisAnswer, 1, block.timestamp);
    }

    /// @inheritdoc IPriceFeed
    function report(uint80 roundId, int256 answer) external {
        if (!_registry.isOracle(msg.sender)) revert PriceFeedNotOracle(msg.sender);
        if (answer <= 0 || answer > type(int128).max) revert PriceFeedInvalidAnswer(answer);
        uint80 expected = _latestRound + 1;
        if (roundId != expected) revert PriceFeedWrongRound(expected, roundId);
        uint8 count = _openReports;
        uint32 attempt = _attempt;
        if (count != 0 && block.timestamp >= _openStartedAt + _roundTimeout) {
            count = 0;
            emit RoundRestarted(roundId, block.timestamp);
        }
        if (count == 0) {
            ++attempt;
            _attempt = attempt;
            _openStartedAt = uint64(block.timestamp);
            emit NewRound(roundId, msg.sender, block.timestamp);
        }
        if (_lastAttempt[msg.sender] == attempt) revert PriceFeedAlreadyReported(msg.sender, roundId);
        _lastAttempt[msg.sender] = attempt;
        _reports[count] = answer;
        ++count;
        emit PriceReported(roundId, msg.sender, answer);
        if (count < _quorum) {
            _openReports = count;
            return;
        }
        int256 median = _median(count);
        _rounds[roundId] = RoundData({answer: int128(median), startedAt: _openStartedAt, updatedAt: uint64(block.timestamp)});
        _latestRound = roundId;
        _openReports = 0;
        emit AnswerUpdated(median, roundId, block.timestamp);
    }

    /// @inheritdoc IAggregatorV3
    function getRoundData(uint80 roundId_)
        external
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
    {
        return _round(roundId_);
    }

    /// @inheritdoc IAggregatorV3
    function latestRoundData()
        external
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
    {
        return _round(_latestRound);
    }

    /// @inheritdoc IPriceFeed
    function openRound() external view returns (uint80 roundId, uint64 startedAt, uint8 reports) {
        roundId = _latestRound + 1;
        reports = _openReports;
        if (reports != 0 && block.timestamp >= _openStartedAt + _roundTimeout) reports = 0;
        startedAt = reports == 0 ? 0 : _openStartedAt;
    }

    /// @inheritdoc IPriceFeed
    function latestRound() external view returns (uint80) {
        return _latestRound;
    }

    /// @inheritdoc IAggregatorV3
    function decimals() external pure returns (uint8) {
        return DECIMALS;
    }

    /// @inheritdoc IAggregatorV3
    function description() external view returns (string memory) {
        return _description;
    }

    /// @inheritdoc IAggregatorV3
    function version() external pure returns (uint256) {
        return VERSION;
    }

    /// @inheritdoc IPriceFeed
    function quorum() external view returns (uint8) {
        return _quorum;
    }

    /// @inheritdoc IPriceFeed
    function roundTimeout() external view returns (uint64) {
        return _roundTimeout;
    }

    /// @inheritdoc IPriceFeed
    function oracleRegistry() external view returns (address) {
        return address(_registry);
    }

    function _round(uint80 roundId)
        private
        view
        returns (uint80, int256, uint256, uint256, uint80)
    {
        RoundData memory r = _rounds[roundId];
        if (r.updatedAt == 0) revert PriceFeedNoData(roundId);
        return (roundId, r.answer, r.startedAt, r.updatedAt, roundId);
    }

    function _median(uint256 count) private view returns (int256) {
        int256[] memory values = new int256[](count);
        for (uint256 i = 0; i < count; ++i) {
            int256 v = _reports[i];
            uint256 j = i;
            while (j != 0 && values[j - 1] > v) {
                values[j] = values[j - 1];
                --j;
            }
            values[j] = v;
        }
        uint256 mid = count / 2;
        return count % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }
}
