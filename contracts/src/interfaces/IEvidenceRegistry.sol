// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IEvidenceRegistry
/// @notice Evidence collectors bond VPN tokens and anchor checkpoints of their RFC 9162 Merkle logs (log id, tree
/// size, root). A log's anchored sizes only grow. A collector whose anchors are not all views of one append-only log
/// (two different roots for one size: one anchored, one implied by a consistency proof to a later anchor) can be
/// proven to have equivocated, and loses its bond to the prover.
/// @dev A log id belongs to the collector that anchors it first. The registry keeps, per log, its owner, latest size,
/// anchor count and a hash chain over every anchor: `chain_0 = 0`, `chain_k = keccak256(abi.encode(chain_(k-1),
/// treeSize_k, root_k))`. Whoever needs anchored roots on-chain passes them as an {AnchorProof} (rebuilt from the
/// {CheckpointAnchored} events), which the registry folds into the chain. A proof must end at the log's latest anchor
/// or at a chain value someone stored with {checkpointChain}, so later anchors cannot make a pending proof stale.
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

    /// @notice One anchor of a log.
    // An ABI and hash layout, not storage: field order is fixed.
    // solhint-disable-next-line gas-struct-packing
    struct Anchor {
        uint64 treeSize;
        bytes32 root;
    }

    /// @notice Consecutive anchors of a log.
    /// @param chainBefore The log's chain value before `anchors[0]` (0 when `anchors[0]` is the log's first anchor).
    /// @param end The log's anchor count after the last of `anchors`: its current count, or a count whose chain value
    /// was stored with {checkpointChain}.
    /// @param anchors The anchors, oldest first.
    // An ABI layout, not storage.
    // solhint-disable-next-line gas-struct-packing
    struct AnchorProof {
        bytes32 chainBefore;
        uint32 end;
        Anchor[] anchors;
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
    /// @notice Nothing was ever anchored for this log.
    error EvidenceUnknownLog(bytes32 logId);
    /// @notice The anchors passed are not consecutive anchors of the log ending at the chain value of `end`.
    error EvidenceAnchorProofInvalid(bytes32 logId, uint32 end);
    /// @notice The consistency proof does not show a different root for the earlier size.
    error EvidenceNoEquivocation();

    /// @notice A collector registered with `bond`.
    event CollectorRegistered(address indexed collector, uint96 bond);
    /// @notice A collector stopped anchoring; its bond can be withdrawn from `unbondableAt`.
    event CollectorUnbondRequested(address indexed collector, uint64 unbondableAt);
    /// @notice A collector withdrew its bond.
    event CollectorBondWithdrawn(address indexed collector, uint96 amount);
    /// @notice `collector` anchored log `logId` at `treeSize` leaves with `root` (the log's next anchor in its chain).
    event CheckpointAnchored(bytes32 indexed logId, address indexed collector, uint64 treeSize, bytes32 root);
    /// @notice The chain value of `logId` after `anchors` anchors was stored; proofs may end there from now on.
    event AnchorChainCheckpointed(bytes32 indexed logId, uint32 anchors, bytes32 chain);
    /// @notice `collector` was proven to have equivocated on `logId` at `size1` and lost `bond` to `prover`.
    event CollectorEquivocated(
        address indexed collector, bytes32 indexed logId, uint64 size1, bytes32 anchoredRoot1, bytes32 impliedRoot1, address prover, uint96 bond
    );

    /// @notice Registers the caller as a collector with `bond` tokens (approved to the registry).
    /// @param bond At least {minBond}.
    function registerCollector(uint96 bond) external;

    /// @notice Stops anchoring; the bond can be withdrawn after {unbondingDelay}. The collector's logs are frozen from
    /// now on, so proofs against them never go stale.
    function requestUnbond() external;

    /// @notice Withdraws the bond after the delay.
    function withdrawBond() external;

    /// @notice Anchors a checkpoint of one of the caller's logs.
    /// @param logId The log (the first anchor claims it for the caller).
    /// @param treeSize Leaves in the log; larger than the last anchored size.
    /// @param root The RFC 9162 root at `treeSize`.
    function anchor(bytes32 logId, uint64 treeSize, bytes32 root) external;

    /// @notice Stores the log's current chain value under its current anchor count, so that proofs ending there stay
    /// valid whatever the collector anchors next (a watcher calls it before proving equivocation). Anyone may call.
    /// @param logId The log.
    function checkpointChain(bytes32 logId) external;

    /// @notice Proves that the log's collector equivocated: the anchor `proof.anchors[second]` is consistent with a
    /// tree of `proof.anchors[first].treeSize` leaves whose root `impliedRoot1` differs from the root anchored at that
    /// size. Slashes the whole bond to the caller.
    /// @dev Untrusted entry point: anyone.
    /// @param logId The log.
    /// @param proof Consecutive anchors of the log that include both.
    /// @param first The index in `proof.anchors` of the earlier anchor.
    /// @param second The index of the later anchor (larger than `first`).
    /// @param impliedRoot1 The root at the earlier size the consistency proof leads to.
    /// @param consistencyProof The RFC 9162 consistency proof from (earlier size, `impliedRoot1`) to the later anchor.
    function proveEquivocation(
        bytes32 logId,
        AnchorProof calldata proof,
        uint256 first,
        uint256 second,
        bytes32 impliedRoot1,
        bytes32[] calldata consistencyProof
    ) external;

    /// @notice What the registry holds about `collector`.
    /// @param collector The collector.
    /// @return The collector (status None when unknown).
    function getCollector(address collector) external view returns (Collector memory);

    /// @notice A log's owner and latest anchored size.
    /// @param logId The log.
    /// @return collector The owner (zero when never anchored).
    /// @return latestSize The largest anchored size.
    function logHead(bytes32 logId) external view returns (address collector, uint64 latestSize);

    /// @notice A log's anchor count and current chain value.
    /// @param logId The log.
    /// @return anchors How many anchors the log has.
    /// @return chain The chain over all of them (0 when none).
    function anchorChain(bytes32 logId) external view returns (uint32 anchors, bytes32 chain);

    /// @notice The log's chain value after `anchors` anchors, when it is the current one or was checkpointed.
    /// @param logId The log.
    /// @param anchors An anchor count.
    /// @return chain The chain value (0 when unknown).
    function chainAt(bytes32 logId, uint32 anchors) external view returns (bytes32 chain);

    /// @notice Whether `proof.anchors` are consecutive anchors of the log ending at the chain value of `proof.end`.
    /// @param logId The log.
    /// @param proof The anchors.
    /// @return Whether they are.
    function verifyAnchors(bytes32 logId, AnchorProof calldata proof) external view returns (bool);

    /// @notice Whether leaf `leafHash` is leaf `leafIndex` of the log as anchored in `proof.anchors[index]`.
    /// @param logId The log.
    /// @param proof Anchors of the log (see {verifyAnchors}).
    /// @param index The index of the anchor in `proof.anchors`.
    /// @param leafIndex The leaf's index.
    /// @param leafHash `SHA-256(0x00 ‖ leaf)`.
    /// @param auditPath The RFC 9162 inclusion proof.
    /// @return Whether the anchors and the inclusion proof hold.
    function verifyInclusion(
        bytes32 logId,
        AnchorProof calldata proof,
        uint256 index,
        uint64 leafIndex,
        bytes32 leafHash,
        bytes32[] calldata auditPath
    ) external view returns (bool);

    /// @notice Whether the anchors `proof.anchors[first]` and `proof.anchors[second]` of the log are consistent (one
    /// log, append-only).
    /// @param logId The log.
    /// @param proof Anchors of the log (see {verifyAnchors}).
    /// @param first The index of the earlier anchor.
    /// @param second The index of the later anchor.
    /// @param consistencyProof The RFC 9162 consistency proof.
    /// @return Whether the anchors and the consistency proof hold.
    function verifyConsistency(
        bytes32 logId,
        AnchorProof calldata proof,
        uint256 first,
        uint256 second,
        bytes32[] calldata consistencyProof
    ) external view returns (bool);

    /// @notice The smallest collector bond.
    function minBond() external view returns (uint96);

    /// @notice Seconds between {requestUnbond} and {withdrawBond}.
    function unbondingDelay() external view returns (uint64);

    /// @notice The VPN token.
    function token() external view returns (address);
}
