// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IEvidenceRegistry
/// @notice Evidence collectors bond VPN tokens and anchor checkpoints of their RFC 9162 Merkle logs (log id, tree
/// size, root). A log's anchored sizes only grow. A collector whose anchored roots are not all views of one
/// append-only log (two different roots for one size, one of them implied by a consistency proof from a later
/// anchor) can be proven to have equivocated, and loses its bond to the prover.
/// @dev A log id belongs to the collector that anchors it first. Roots of every anchored size are kept, so
/// inclusion and consistency can be checked against any anchor.
interface IEvidenceRegistry {
    /// @notice A collector's life cycle.
    enum CollectorStatus {
        None,
        Active,
        Unbonding,
        Slashed
    }

    /// @notice What the registry holds about a collector.
    struct Collector {
        CollectorStatus status;
        uint96 bond;
        uint64 unbondableAt;
    }

    /// @notice The caller is already registered.
    error EvidenceCollectorAlreadyRegistered(address collector);
    /// @notice The caller is not an Active collector.
    error EvidenceCollectorNotActive(address collector);
    /// @notice The bond is below the minimum.
    error EvidenceBondTooLow(uint256 bond, uint256 minimum);
    /// @notice The unbonding delay has not passed (or unbonding was not requested).
    error EvidenceStillUnbonding(uint64 unbondableAt);
    /// @notice The log id belongs to another collector.
    error EvidenceLogNotOwned(bytes32 logId, address owner);
    /// @notice Anchored sizes only grow.
    error EvidenceSizeNotGrowing(bytes32 logId, uint64 latestSize, uint64 treeSize);
    /// @notice Nothing is anchored for this log at this size.
    error EvidenceNotAnchored(bytes32 logId, uint64 treeSize);
    /// @notice The consistency proof does not show a different root for the earlier size.
    error EvidenceNoEquivocation();

    /// @notice A collector registered with `bond`.
    event CollectorRegistered(address indexed collector, uint96 bond);
    /// @notice A collector stopped anchoring; its bond can be withdrawn from `unbondableAt`.
    event CollectorUnbondRequested(address indexed collector, uint64 unbondableAt);
    /// @notice A collector withdrew its bond.
    event CollectorBondWithdrawn(address indexed collector, uint96 amount);
    /// @notice `collector` anchored log `logId` at `treeSize` leaves with `root`.
    event CheckpointAnchored(bytes32 indexed logId, address indexed collector, uint64 treeSize, bytes32 root);
    /// @notice `collector` was proven to have equivocated on `logId` at `size1` and lost `bond` to `prover`.
    event CollectorEquivocated(
        address indexed collector, bytes32 indexed logId, uint64 size1, bytes32 anchoredRoot1, bytes32 impliedRoot1, address prover, uint96 bond
    );

    /// @notice Registers the caller as a collector with `bond` tokens (approved to the registry).
    /// @param bond At least {minBond}.
    function registerCollector(uint96 bond) external;

    /// @notice Stops anchoring; the bond can be withdrawn after {unbondingDelay}.
    function requestUnbond() external;

    /// @notice Withdraws the bond after the delay.
    function withdrawBond() external;

    /// @notice Anchors a checkpoint of one of the caller's logs.
    /// @param logId The log (the first anchor claims it for the caller).
    /// @param treeSize Leaves in the log; larger than the last anchored size.
    /// @param root The RFC 9162 root at `treeSize`.
    function anchor(bytes32 logId, uint64 treeSize, bytes32 root) external;

    /// @notice Proves that the log's collector equivocated: the root anchored at `size2` is consistent with a tree of
    /// `size1` leaves whose root `impliedRoot1` differs from the root anchored at `size1`. Slashes the whole bond to
    /// the caller.
    /// @dev Untrusted entry point: anyone.
    /// @param logId The log.
    /// @param size1 An anchored size.
    /// @param size2 A larger anchored size.
    /// @param impliedRoot1 The root at `size1` the consistency proof leads to.
    /// @param proof The RFC 9162 consistency proof from (`size1`, `impliedRoot1`) to the anchor at `size2`.
    function proveEquivocation(bytes32 logId, uint64 size1, uint64 size2, bytes32 impliedRoot1, bytes32[] calldata proof)
        external;

    /// @notice What the registry holds about `collector`.
    /// @param collector The collector.
    /// @return The collector (status None when unknown).
    function getCollector(address collector) external view returns (Collector memory);

    /// @notice A log's owner and latest anchored size.
    /// @param logId The log.
    /// @return collector The owner (zero when never anchored).
    /// @return latestSize The largest anchored size.
    function logHead(bytes32 logId) external view returns (address collector, uint64 latestSize);

    /// @notice The root anchored for `logId` at `treeSize` (zero when none).
    /// @param logId The log.
    /// @param treeSize The size.
    /// @return The root.
    function rootAt(bytes32 logId, uint64 treeSize) external view returns (bytes32);

    /// @notice Whether leaf `leafHash` is leaf `leafIndex` of the log as anchored at `treeSize`.
    /// @param logId The log.
    /// @param treeSize An anchored size.
    /// @param leafIndex The leaf's index.
    /// @param leafHash `SHA-256(0x00 ‖ leaf)`.
    /// @param proof The RFC 9162 inclusion proof.
    /// @return Whether the proof holds.
    function verifyInclusion(bytes32 logId, uint64 treeSize, uint64 leafIndex, bytes32 leafHash, bytes32[] calldata proof)
        external
        view
        returns (bool);

    /// @notice Whether the log's anchors at `size1` and `size2` are consistent (one log, append-only).
    /// @param logId The log.
    /// @param size1 An anchored size.
    /// @param size2 A larger anchored size.
    /// @param proof The RFC 9162 consistency proof.
    /// @return Whether the proof holds.
    function verifyConsistency(bytes32 logId, uint64 size1, uint64 size2, bytes32[] calldata proof) external view returns (bool);

    /// @notice The smallest collector bond.
    function minBond() external view returns (uint96);

    /// @notice Seconds between {requestUnbond} and {withdrawBond}.
    function unbondingDelay() external view returns (uint64);

    /// @notice The VPN token.
    function token() external view returns (address);
}
