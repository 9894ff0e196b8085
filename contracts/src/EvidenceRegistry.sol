// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IEvidenceRegistry} from "./interfaces/IEvidenceRegistry.sol";
import {MerkleVerifier} from "./libraries/MerkleVerifier.sol";

/// @title EvidenceRegistry
/// @notice Bonded evidence collectors anchor checkpoints of their RFC 9162 logs; equivocation costs the whole bond.
/// @dev Trust assumptions: none beyond the token. Anchors are the collector's claims: the registry checks only that a
/// log's sizes grow and that the log is the caller's. Whether the anchors belong to one append-only log is checked
/// when someone proves otherwise ({proveEquivocation}), which anybody holding the log's data can do. An anchor updates
/// two words (the log's head and its hash chain) and creates none: every anchored root stays provable through the
/// chain (an {AnchorProof} rebuilt from the events), not through a storage word of its own.
contract EvidenceRegistry is IEvidenceRegistry {
    using SafeERC20 for IERC20;

    struct Log {
        address collector;
        uint64 latestSize;
        uint32 anchors;
    }

    IERC20 private immutable _token;
    uint96 private immutable _minBond;
    uint64 private immutable _unbondingDelay;
    mapping(address collector => Collector) private _collectors;
    mapping(bytes32 logId => Log) private _logs;
    mapping(bytes32 logId => bytes32 chain) private _chains;
    mapping(bytes32 logId => mapping(uint32 anchors => bytes32 chain)) private _checkpoints;

    /// @param token_ The VPN token.
    /// @param minBond_ The smallest collector bond.
    /// @param unbondingDelay_ Seconds from an unbond request to the withdrawal (time for watchers to prove equivocation).
    constructor(IERC20 token_, uint96 minBond_, uint64 unbondingDelay_) {
        _token = token_;
        _minBond = minBond_;
        _unbondingDelay = unbondingDelay_;
    }

    /// @inheritdoc IEvidenceRegistry
    function registerCollector(uint96 bond) external {
        if (_collectors[msg.sender].status != CollectorStatus.None) revert EvidenceCollectorAlreadyRegistered(msg.sender);
        if (bond < _minBond) revert EvidenceBondTooLow(bond, _minBond);
        _collectors[msg.sender] = Collector({status: CollectorStatus.Active, bond: bond, unbondableAt: 0});
        emit CollectorRegistered(msg.sender, bond);
        _token.safeTransferFrom(msg.sender, address(this), bond);
    }

    /// @inheritdoc IEvidenceRegistry
    function requestUnbond() external {
        Collector storage c = _collectors[msg.sender];
        if (c.status != CollectorStatus.Active) revert EvidenceCollectorNotActive(msg.sender);
        uint64 unbondableAt = uint64(block.timestamp) + _unbondingDelay;
        c.status = CollectorStatus.Unbonding;
        c.unbondableAt = unbondableAt;
        emit CollectorUnbondRequested(msg.sender, unbondableAt);
    }

    /// @inheritdoc IEvidenceRegistry
    function withdrawBond() external {
        Collector memory c = _collectors[msg.sender];
        if (c.status != CollectorStatus.Unbonding || block.timestamp < c.unbondableAt) {
            revert EvidenceStillUnbonding(c.unbondableAt);
        }
        // The record stays (status None would let the address register again and reuse its logs' history).
        _collectors[msg.sender] = Collector({status: CollectorStatus.Unbonding, bond: 0, unbondableAt: c.unbondableAt});
        emit CollectorBondWithdrawn(msg.sender, c.bond);
        _token.safeTransfer(msg.sender, c.bond);
    }

    /// @inheritdoc IEvidenceRegistry
    function anchor(bytes32 logId, uint64 treeSize, bytes32 root) external {
        if (_collectors[msg.sender].status != CollectorStatus.Active) revert EvidenceCollectorNotActive(msg.sender);
        Log memory log = _logs[logId];
        if (log.collector != msg.sender && log.collector != address(0)) revert EvidenceLogNotOwned(logId, log.collector);
        if (treeSize <= log.latestSize) revert EvidenceSizeNotGrowing(logId, log.latestSize, treeSize);
        // 2^32 anchors of one log would take 136 years at one a second.
        _logs[logId] = Log({collector: msg.sender, latestSize: treeSize, anchors: log.anchors + 1});
        _chains[logId] = _link(_chains[logId], treeSize, root);
        emit CheckpointAnchored(logId, msg.sender, treeSize, root);
    }

    /// @inheritdoc IEvidenceRegistry
    function checkpointChain(bytes32 logId) external {
        uint32 anchors = _logs[logId].anchors;
        if (anchors == 0) revert EvidenceUnknownLog(logId);
        bytes32 chain = _chains[logId];
        _checkpoints[logId][anchors] = chain;
        emit AnchorChainCheckpointed(logId, anchors, chain);
    }

    /// @inheritdoc IEvidenceRegistry
    function proveEquivocation(
        bytes32 logId,
        AnchorProof calldata proof,
        uint256 first,
        uint256 second,
        bytes32 impliedRoot1,
        bytes32[] calldata consistencyProof
    ) external {
        if (!_anchored(logId, proof)) revert EvidenceAnchorProofInvalid(logId, proof.end);
        if (first >= second || second >= proof.anchors.length) revert EvidenceNoEquivocation();
        Anchor calldata a1 = proof.anchors[first];
        Anchor calldata a2 = proof.anchors[second];
        // Sizes grow along the chain, so a1.treeSize < a2.treeSize.
        if (
            impliedRoot1 == a1.root
                || !MerkleVerifier.verifyConsistency(a1.treeSize, a2.treeSize, impliedRoot1, a2.root, consistencyProof)
        ) {
            revert EvidenceNoEquivocation();
        }
        address collector = _logs[logId].collector;
        Collector memory c = _collectors[collector];
        _collectors[collector] = Collector({status: CollectorStatus.Slashed, bond: 0, unbondableAt: c.unbondableAt});
        emit CollectorEquivocated(collector, logId, a1.treeSize, a1.root, impliedRoot1, msg.sender, c.bond);
        if (c.bond != 0) _token.safeTransfer(msg.sender, c.bond);
    }

    /// @inheritdoc IEvidenceRegistry
    function getCollector(address collector) external view returns (Collector memory) {
        return _collectors[collector];
    }

    /// @inheritdoc IEvidenceRegistry
    function logHead(bytes32 logId) external view returns (address collector, uint64 latestSize) {
        Log memory log = _logs[logId];
        return (log.collector, log.latestSize);
    }

    /// @inheritdoc IEvidenceRegistry
    function anchorChain(bytes32 logId) external view returns (uint32 anchors, bytes32 chain) {
        return (_logs[logId].anchors, _chains[logId]);
    }

    /// @inheritdoc IEvidenceRegistry
    function chainAt(bytes32 logId, uint32 anchors) external view returns (bytes32) {
        return _chainAt(logId, anchors);
    }

    /// @inheritdoc IEvidenceRegistry
    function verifyAnchors(bytes32 logId, AnchorProof calldata proof) external view returns (bool) {
        return _anchored(logId, proof);
    }

    /// @inheritdoc IEvidenceRegistry
    function verifyInclusion(
        bytes32 logId,
        AnchorProof calldata proof,
        uint256 index,
        uint64 leafIndex,
        bytes32 leafHash,
        bytes32[] calldata auditPath
    ) external view returns (bool) {
        if (index >= proof.anchors.length || !_anchored(logId, proof)) return false;
        Anchor calldata a = proof.anchors[index];
        return MerkleVerifier.verifyInclusion(leafHash, leafIndex, a.treeSize, auditPath, a.root);
    }

    /// @inheritdoc IEvidenceRegistry
    function verifyConsistency(
        bytes32 logId,
        AnchorProof calldata proof,
        uint256 first,
        uint256 second,
        bytes32[] calldata consistencyProof
    ) external view returns (bool) {
        if (first >= second || second >= proof.anchors.length || !_anchored(logId, proof)) return false;
        Anchor calldata a1 = proof.anchors[first];
        Anchor calldata a2 = proof.anchors[second];
        return MerkleVerifier.verifyConsistency(a1.treeSize, a2.treeSize, a1.root, a2.root, consistencyProof);
    }

    /// @inheritdoc IEvidenceRegistry
    function minBond() external view returns (uint96) {
        return _minBond;
    }

    /// @inheritdoc IEvidenceRegistry
    function unbondingDelay() external view returns (uint64) {
        return _unbondingDelay;
    }

    /// @inheritdoc IEvidenceRegistry
    function token() external view returns (address) {
        return address(_token);
    }

    /// Whether `proof.anchors` fold from `proof.chainBefore` into the log's chain value after `proof.end` anchors.
    function _anchored(bytes32 logId, AnchorProof calldata proof) private view returns (bool) {
        uint256 n = proof.anchors.length;
        if (n == 0) return false;
        bytes32 chain = proof.chainBefore;
        for (uint256 i = 0; i < n; ++i) {
            chain = _link(chain, proof.anchors[i].treeSize, proof.anchors[i].root);
        }
        return chain == _chainAt(logId, proof.end);
    }

    function _chainAt(bytes32 logId, uint32 anchors) private view returns (bytes32) {
        return anchors == _logs[logId].anchors ? _chains[logId] : _checkpoints[logId][anchors];
    }

    /// `keccak256(abi.encode(chain, treeSize, root))`, the chain after one more anchor.
    function _link(bytes32 chain, uint64 treeSize, bytes32 root) private pure returns (bytes32) {
        return keccak256(abi.encode(chain, treeSize, root));
    }
}
