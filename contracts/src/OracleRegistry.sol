// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IOracleRegistry} from "./interfaces/IOracleRegistry.sol";
import {StakeTree} from "./libraries/StakeTree.sol";

/// @title OracleRegistry
/// @notice Oracle staking with stake-weighted committee draws in O(log n) from snapshots of a sum tree.
/// @dev Trust assumptions: the deployer sets the dispute manager once; from then on only it can open snapshots,
/// draw, lock, unlock and slash, and it can slash only stake it locked. An oracle's draw weight is its stake in
/// units of 10^15 base units when the stake is at least the minimum, else 0. A draw picks oracles by the weights of
/// a snapshot taken before its randomness was requested (StakeTree: the current epoch while it is younger than the
/// join window, else a new one), so stake added after that cannot be placed to win a known draw; and it seats an
/// oracle picked with snapshot weight s and live weight l < s only with probability l / s, so the effective weight
/// is min(snapshot, live): stake that left after the snapshot never counts. A snapshot is readable while it is the
/// current or the previous one and younger than its lifetime; a draw whose snapshot is no longer readable, or that
/// could not fill its committee, gets a fresh one (and fresh randomness from its caller). Locked stake can neither be unstaked nor withdrawn. The randomness is the
/// caller's.
contract OracleRegistry is IOracleRegistry {
    using SafeERC20 for IERC20;
    using StakeTree for StakeTree.Tree;

    /// @notice Base units per unit of draw weight (0.001 token).
    uint256 public constant WEIGHT_UNIT = 1e15;
    uint256 private constant MAX_DRAW_ATTEMPTS_PER_SEAT = 8;

    struct Oracle {
        uint96 stake;
        uint96 locked;
        uint32 leafPlusOne;
    }

    struct Unstaking {
        uint96 amount;
        uint64 unstakableAt;
    }

    IERC20 private immutable _token;
    address private immutable _deployer;
    uint96 private immutable _minStake;
    uint64 private immutable _unbondingDelay;
    uint64 private immutable _snapshotJoinWindow;
    uint64 private immutable _snapshotLifetime;
    address private _disputeManager;
    StakeTree.Tree private _tree;
    mapping(address oracle => Oracle) private _oracles;
    mapping(address oracle => Unstaking) private _unstaking;
    mapping(uint256 leaf => address oracle) private _leafOwners;

    modifier onlyDisputeManager() {
        if (msg.sender != _disputeManager || msg.sender == address(0)) revert OracleRegistryUnauthorized(msg.sender);
        _;
    }

    /// @param token_ The VPN token.
    /// @param minStake_ The smallest stake of an oracle (must exceed any lock per seat the disputes use).
    /// @param unbondingDelay_ Seconds between an unstake request and the withdrawal.
    /// @param snapshotJoinWindow_ Seconds after a snapshot opens during which new draws join it (positive): a draw's
    /// weights are at most that much older than its randomness request.
    /// @param snapshotLifetime_ Seconds a snapshot can be read after it opened (at least the join window): the dispute
    /// manager's deployer makes it cover every round's drawing deadline (join window + appeal period + drawing period).
    constructor(
        IERC20 token_,
        uint96 minStake_,
        uint64 unbondingDelay_,
        uint64 snapshotJoinWindow_,
        uint64 snapshotLifetime_
    ) {
        if (snapshotJoinWindow_ == 0 || snapshotLifetime_ < snapshotJoinWindow_) {
            revert OracleRegistryInvalidSnapshotWindows(snapshotJoinWindow_, snapshotLifetime_);
        }
        _token = token_;
        _deployer = msg.sender;
        _minStake = minStake_;
        _unbondingDelay = unbondingDelay_;
        _snapshotJoinWindow = snapshotJoinWindow_;
        _snapshotLifetime = snapshotLifetime_;
    }

    /// @inheritdoc IOracleRegistry
    function setDisputeManager(address disputeManager_) external {
        if (msg.sender != _deployer) revert OracleRegistryUnauthorized(msg.sender);
        if (_disputeManager != address(0)) revert OracleRegistryDisputeManagerAlreadySet();
        _disputeManager = disputeManager_;
        emit DisputeManagerSet(disputeManager_);
    }

    /// @inheritdoc IOracleRegistry
    function stake(uint96 amount) external {
        _stake(msg.sender, amount);
    }

    /// @inheritdoc IOracleRegistry
    function stakeFor(address oracle, uint96 amount) external {
        _stake(oracle, amount);
    }

    /// @inheritdoc IOracleRegistry
    function requestUnstake(uint96 amount) external {
        if (amount == 0) revert OracleRegistryZeroAmount();
        Oracle memory o = _oracles[msg.sender];
        uint96 free = o.stake - o.locked;
        if (amount > free) revert OracleRegistryInsufficientFreeStake(amount, free);
        uint96 remaining = o.stake - amount;
        if (remaining != 0 && remaining < _minStake) revert OracleRegistryBelowMinimum(remaining, _minStake);
        _oracles[msg.sender].stake = remaining;
        _updateWeight(o.leafPlusOne, remaining);
        Unstaking storage u = _unstaking[msg.sender];
        uint64 unstakableAt = uint64(block.timestamp) + _unbondingDelay;
        u.amount += amount;
        u.unstakableAt = unstakableAt;
        emit UnstakeRequested(msg.sender, amount, remaining, unstakableAt);
    }

    /// @inheritdoc IOracleRegistry
    function withdraw() external {
        Unstaking memory u = _unstaking[msg.sender];
        if (u.amount == 0 || block.timestamp < u.unstakableAt) revert OracleRegistryNotUnstakable(u.unstakableAt);
        delete _unstaking[msg.sender];
        emit Unstaked(msg.sender, u.amount);
        _token.safeTransfer(msg.sender, u.amount);
    }

    /// @inheritdoc IOracleRegistry
    function openSnapshot() external onlyDisputeManager returns (uint32 epoch) {
        // No event: the dispute manager's RoundStarted carries the epoch.
        epoch = _tree.openSnapshot(_snapshotJoinWindow);
    }

    /// @inheritdoc IOracleRegistry
    function drawCommittee(uint32 epoch, bytes32 seed, uint256 seats, uint96 lockPerSeat, address excludeA, address excludeB)
        external
        onlyDisputeManager
        returns (address[] memory committee)
    {
        // A snapshot two epochs old can no longer be read: the caller asks again (a fresh snapshot, fresh randomness).
        if (!_tree.readable(epoch, _snapshotLifetime)) return new address[](0);
        committee = _select(epoch, seed, seats, lockPerSeat, excludeA, excludeB);
        if (committee.length == 0) {
            // The current snapshot cannot fill this committee: the next draw takes a fresh one of the live stake.
            if (epoch == _tree.snapEpoch) _tree.exhaust();
            return committee;
        }
        // No StakeLocked per seat: the dispute manager's CommitteeDrawn lists the seats, each locking lockPerSeat.
        for (uint256 i = 0; i < seats; ++i) {
            _oracles[committee[i]].locked += lockPerSeat;
        }
    }

    /// @inheritdoc IOracleRegistry
    function lockPanel(address[] calldata panel, uint96 lockPerSeat) external onlyDisputeManager returns (bool ok) {
        uint256 n = panel.length;
        for (uint256 i = 0; i < n; ++i) {
            Oracle memory o = _oracles[panel[i]];
            if (o.stake < _minStake || o.stake - o.locked < lockPerSeat) return false;
        }
        for (uint256 i = 0; i < n; ++i) {
            Oracle storage o = _oracles[panel[i]];
            uint96 locked = o.locked + lockPerSeat;
            o.locked = locked;
            emit StakeLocked(panel[i], lockPerSeat, locked);
        }
        return true;
    }

    /// @inheritdoc IOracleRegistry
    function unlock(address oracle, uint96 amount) external onlyDisputeManager {
        Oracle storage o = _oracles[oracle];
        uint96 locked = o.locked;
        if (amount > locked) revert OracleRegistryLockUnderflow(oracle, amount, locked);
        o.locked = locked - amount;
        emit StakeUnlocked(oracle, amount, locked - amount);
    }

    /// @inheritdoc IOracleRegistry
    function slash(address oracle, uint96 amount) external onlyDisputeManager {
        Oracle memory o = _oracles[oracle];
        if (amount > o.locked) revert OracleRegistryLockUnderflow(oracle, amount, o.locked);
        uint96 remaining = o.stake - amount;
        _oracles[oracle] = Oracle({stake: remaining, locked: o.locked - amount, leafPlusOne: o.leafPlusOne});
        _updateWeight(o.leafPlusOne, remaining);
        emit StakeSlashed(oracle, amount, remaining);
        _token.safeTransfer(msg.sender, amount);
    }

    /// @inheritdoc IOracleRegistry
    function oracleInfo(address oracle) external view returns (OracleInfo memory info) {
        Oracle memory o = _oracles[oracle];
        Unstaking memory u = _unstaking[oracle];
        info = OracleInfo({stake: o.stake, locked: o.locked, unstaking: u.amount, unstakableAt: u.unstakableAt});
    }

    /// @inheritdoc IOracleRegistry
    function isOracle(address oracle) external view returns (bool) {
        return _oracles[oracle].stake >= _minStake;
    }

    /// @inheritdoc IOracleRegistry
    function totalWeight() external view returns (uint256) {
        return _tree.total();
    }

    /// @inheritdoc IOracleRegistry
    function snapshotInfo() external view returns (uint32 epoch, uint64 openedAt, bool exhausted) {
        return (_tree.snapEpoch, _tree.openedAt, _tree.exhausted);
    }

    /// @inheritdoc IOracleRegistry
    function snapshotJoinWindow() external view returns (uint64) {
        return _snapshotJoinWindow;
    }

    /// @inheritdoc IOracleRegistry
    function snapshotLifetime() external view returns (uint64) {
        return _snapshotLifetime;
    }

    /// @inheritdoc IOracleRegistry
    function oracleCount() external view returns (uint256) {
        return _tree.leafCount;
    }

    /// @inheritdoc IOracleRegistry
    function minStake() external view returns (uint96) {
        return _minStake;
    }

    /// @inheritdoc IOracleRegistry
    function unbondingDelay() external view returns (uint64) {
        return _unbondingDelay;
    }

    /// @inheritdoc IOracleRegistry
    function token() external view returns (address) {
        return address(_token);
    }

    /// @inheritdoc IOracleRegistry
    function disputeManager() external view returns (address) {
        return _disputeManager;
    }

    function _stake(address oracle, uint96 amount) private {
        if (amount == 0) revert OracleRegistryZeroAmount();
        Oracle memory o = _oracles[oracle];
        uint96 total = o.stake + amount;
        if (total < _minStake) revert OracleRegistryBelowMinimum(total, _minStake);
        if (o.leafPlusOne == 0) {
            uint256 leaf = _tree.addLeaf();
            o.leafPlusOne = uint32(leaf + 1);
            _leafOwners[leaf] = oracle;
        }
        _oracles[oracle] = Oracle({stake: total, locked: o.locked, leafPlusOne: o.leafPlusOne});
        _updateWeight(o.leafPlusOne, total);
        emit Staked(oracle, msg.sender, amount, total);
        _token.safeTransferFrom(msg.sender, address(this), amount);
    }

    function _updateWeight(uint32 leafPlusOne, uint96 stake_) private {
        if (leafPlusOne == 0) return;
        _tree.set(leafPlusOne - 1, stake_ >= _minStake ? stake_ / WEIGHT_UNIT : 0, _snapshotLifetime);
    }

    /// Picks `seats` oracles from snapshot `epoch`, each with `lockPerSeat` free per seat it holds; none when the
    /// snapshot cannot fill the committee within a bounded number of attempts. An oracle picked with snapshot weight
    /// s and live weight l < s is seated with probability l / s (an independent coin from the seed): its effective
    /// weight is min(s, l).
    function _select(uint256 epoch, bytes32 seed, uint256 seats, uint96 lockPerSeat, address excludeA, address excludeB)
        private
        view
        returns (address[] memory committee)
    {
        committee = new address[](seats);
        uint256 snapshotTotal = _tree.snapshotTotal(epoch);
        if (snapshotTotal == 0) return new address[](0);
        uint256 filled = 0;
        uint256 maxAttempts = seats * MAX_DRAW_ATTEMPTS_PER_SEAT;
        for (uint256 attempt = 0; attempt < maxAttempts && filled < seats; ++attempt) {
            uint256 point = uint256(keccak256(abi.encode(seed, attempt))) % snapshotTotal;
            (uint256 leaf, uint256 snapWeight) = _tree.drawFromSnapshot(epoch, point);
            address oracle = _leafOwners[leaf];
            if (oracle == excludeA || oracle == excludeB) continue;
            Oracle memory o = _oracles[oracle];
            uint256 liveWeight = o.stake >= _minStake ? o.stake / WEIGHT_UNIT : 0;
            if (liveWeight < snapWeight && uint256(keccak256(abi.encode(seed, attempt, 1))) % snapWeight >= liveWeight) {
                continue;
            }
            uint256 held = 0;
            for (uint256 i = 0; i < filled; ++i) {
                if (committee[i] == oracle) ++held;
            }
            if (uint256(o.stake) - o.locked < uint256(lockPerSeat) * (held + 1)) continue;
            committee[filled] = oracle;
            ++filled;
        }
        if (filled < seats) return new address[](0);
    }
}
