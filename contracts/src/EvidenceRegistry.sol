// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IEvidenceRegistry} from "./interfaces/IEvidenceRegistry.sol";
import {MerkleVerifier} from "./libraries/MerkleVerifier.sol";

/// @title EvidenceRegistry
/// @notice Bonded evidence collectors anchor checkpoints of their RFC 9162 logs; equivocation costs the whole bond.
/// @dev Trust assumptions: none beyond the token. Anchors are the collector's claims: the registry checks only that a
/// log's sizes grow and that the log is the caller's. Whether two anchors belong to one append-only log is checked
/// when someone proves otherwise ({proveEquivocation}), which anybody holding the log's data can do. An anchor costs
/// one new storage word (the root at its size) and one update of the log's head.
contract EvidenceRegistry is IEvidenceRegistry {
    using SafeERC20 for IERC20;

    struct Head {
        address collector;
        uint64 latestSize;
    }

    IERC20 private immutable _token;
    uint96 private immutable _minBond;
    uint64 private immutable _unbondingDelay;
    mapping(address collector => Collector) private _collectors;
    mapping(bytes32 logId => Head) private _heads;
    mapping(bytes32 logId => mapping(uint64 treeSize => bytes32 root)) private _roots;

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
        Head memory head = _heads[logId];
        if (head.collector == address(0)) {
            head.collector = msg.sender;
        } else if (head.collector != msg.sender) {
            revert EvidenceLogNotOwned(logId, head.collector);
        }
        if (treeSize <= head.latestSize) revert EvidenceSizeNotGrowing(logId, head.latestSize, treeSize);
        _heads[logId] = Head({collector: msg.sender, latestSize: treeSize});
        _roots[logId][treeSize] = root;
        emit CheckpointAnchored(logId, msg.sender, treeSize, root);
    }

    /// @inheritdoc IEvidenceRegistry
    function proveEquivocation(bytes32 logId, uint64 size1, uint64 size2, bytes32 impliedRoot1, bytes32[] calldata proof)
        external
    {
        bytes32 anchored1 = _anchored(logId, size1);
        bytes32 anchored2 = _anchored(logId, size2);
        if (impliedRoot1 == anchored1 || !MerkleVerifier.verifyConsistency(size1, size2, impliedRoot1, anchored2, proof)) {
            revert EvidenceNoEquivocation();
        }
        address collector = _heads[logId].collector;
        Collector memory c = _collectors[collector];
        _collectors[collector] = Collector({status: CollectorStatus.Slashed, bond: 0, unbondableAt: c.unbondableAt});
        emit CollectorEquivocated(collector, logId, size1, anchored1, impliedRoot1, msg.sender, c.bond);
        if (c.bond != 0) _token.safeTransfer(msg.sender, c.bond);
    }

    /// @inheritdoc IEvidenceRegistry
    function getCollector(address collector) external view returns (Collector memory) {
        return _collectors[collector];
    }

    /// @inheritdoc IEvidenceRegistry
    function logHead(bytes32 logId) external view returns (address collector, uint64 latestSize) {
        Head memory head = _heads[logId];
        return (head.collector, head.latestSize);
    }

    /// @inheritdoc IEvidenceRegistry
    function rootAt(bytes32 logId, uint64 treeSize) external view returns (bytes32) {
        return _roots[logId][treeSize];
    }

    /// @inheritdoc IEvidenceRegistry
    function verifyInclusion(bytes32 logId, uint64 treeSize, uint64 leafIndex, bytes32 leafHash, bytes32[] calldata proof)
        external
        view
        returns (bool)
    {
        bytes32 root = _roots[logId][treeSize];
        return root != bytes32(0) && MerkleVerifier.verifyInclusion(leafHash, leafIndex, treeSize, proof, root);
    }

    /// @inheritdoc IEvidenceRegistry
    function verifyConsistency(bytes32 logId, uint64 size1, uint64 size2, bytes32[] calldata proof) external view returns (bool) {
        bytes32 root1 = _roots[logId][size1];
        bytes32 root2 = _roots[logId][size2];
        return root1 != bytes32(0) && root2 != bytes32(0)
            && MerkleVerifier.verifyConsistency(size1, size2, root1, root2, proof);
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

    function _anchored(bytes32 logId, uint64 treeSize) private view returns (bytes32 root) {
        root = _roots[logId][treeSize];
        if (root == bytes32(0)) revert EvidenceNotAnchored(logId, treeSize);
    }
}
