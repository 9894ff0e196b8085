// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title StakeTree
/// @notice A 4-ary sum tree of stake weights with O(log n) updates and stake-weighted draws, and copy-on-write
/// snapshots so that a draw can read the weights as they were when its snapshot opened.
/// @dev Node (level, index) lives in one word: four 56-bit child sums (child c at bits 56c) and, in the top 32 bits,
/// the epoch of the snapshot that was open when the node last changed. Level 0 nodes hold leaf weights; level l
/// nodes hold the sums of level l-1 nodes; the root is node (depth-1, 0). While a snapshot of epoch S is open
/// (`pending > 0`), the first change to a node in S first copies the node's sums to `snap` and stamps it with S; a
/// draw in S reads `snap` for nodes stamped S and the live word for the others, which have not changed since S
/// opened. Only one snapshot is open at a time; filings while it is open join it (their draws read weights from
/// before their filing, never after), and it closes when its last pending draw is done.
library StakeTree {
    /// @notice Bits of one child sum.
    uint256 internal constant SUM_BITS = 56;
    /// @notice The largest child sum.
    uint256 internal constant SUM_MASK = (1 << SUM_BITS) - 1;
    /// @notice The most levels; 4^8 = 65,536 leaves.
    uint8 internal constant MAX_DEPTH = 8;
    uint256 private constant EPOCH_SHIFT = 224;
    uint256 private constant SUMS_MASK = (1 << EPOCH_SHIFT) - 1;

    /// @notice A sum over a node exceeded 56 bits, or the tree is full.
    error StakeTreeOverflow();

    /// @notice The tree. `depth`, the snapshot fields and the leaf count share one slot.
    struct Tree {
        mapping(uint256 key => uint256 word) live;
        mapping(uint256 key => uint256 word) snap;
        uint8 depth;
        uint8 snapDepth;
        uint32 snapEpoch;
        uint32 pending;
        uint32 leafCount;
    }

    /// @notice Adds a leaf of weight 0.
    /// @param tree The tree.
    /// @return leaf The new leaf's index.
    function addLeaf(Tree storage tree) internal returns (uint256 leaf) {
        leaf = tree.leafCount;
        uint8 depth = tree.depth;
        if (depth == 0 || leaf == 1 << (2 * uint256(depth))) {
            if (depth == MAX_DEPTH) revert StakeTreeOverflow();
            if (depth != 0) {
                // The old root becomes child 0 of a new root one level up.
                tree.live[_key(depth, 0)] = _sum(tree.live[_key(depth - 1, 0)]);
            }
            tree.depth = depth + 1;
        }
        tree.leafCount = uint32(leaf + 1);
    }

    /// @notice Sets leaf `leaf`'s weight.
    /// @param tree The tree.
    /// @param leaf The leaf.
    /// @param weight The new weight (below 2^56).
    function set(Tree storage tree, uint256 leaf, uint256 weight) internal {
        if (weight > SUM_MASK) revert StakeTreeOverflow();
        uint256 depth = tree.depth;
        bool snapshotOpen = tree.pending != 0;
        uint256 epoch = tree.snapEpoch;
        uint256 old;
        for (uint256 level = 0; level < depth; ++level) {
            uint256 key = _key(level, leaf >> (2 * (level + 1)));
            uint256 shift = ((leaf >> (2 * level)) & 3) * SUM_BITS;
            uint256 word = tree.live[key];
            uint256 child = (word >> shift) & SUM_MASK;
            if (level == 0) {
                old = child;
                if (old == weight) return;
            }
            if (snapshotOpen && word >> EPOCH_SHIFT != epoch) {
                tree.snap[key] = word & SUMS_MASK;
                word = (word & SUMS_MASK) | (epoch << EPOCH_SHIFT);
            }
            if (level == 0) {
                child = weight;
            } else if (weight > old) {
                child += weight - old;
                if (child > SUM_MASK) revert StakeTreeOverflow();
            } else {
                child -= old - weight;
            }
            tree.live[key] = (word & ~(SUM_MASK << shift)) | (child << shift);
        }
    }

    /// @notice Leaf `leaf`'s weight now.
    /// @param tree The tree.
    /// @param leaf The leaf.
    /// @return The weight.
    function weightOf(Tree storage tree, uint256 leaf) internal view returns (uint256) {
        return (tree.live[_key(0, leaf >> 2)] >> ((leaf & 3) * SUM_BITS)) & SUM_MASK;
    }

    /// @notice The sum of all weights now.
    /// @param tree The tree.
    /// @return The total.
    function total(Tree storage tree) internal view returns (uint256) {
        uint256 depth = tree.depth;
        return depth == 0 ? 0 : _sum(tree.live[_key(depth - 1, 0)]);
    }

    /// @notice Opens a snapshot, or joins the open one.
    /// @param tree The tree.
    /// @return epoch The snapshot's epoch.
    /// @return pending Draws waiting on it, this one included.
    function openSnapshot(Tree storage tree) internal returns (uint32 epoch, uint32 pending) {
        pending = tree.pending;
        epoch = tree.snapEpoch;
        if (pending == 0) {
            ++epoch;
            tree.snapEpoch = epoch;
            tree.snapDepth = tree.depth;
        }
        ++pending;
        tree.pending = pending;
    }

    /// @notice Marks one pending draw of the open snapshot done; the snapshot closes with the last one.
    /// @param tree The tree.
    /// @return pending Draws still waiting.
    function releaseSnapshot(Tree storage tree) internal returns (uint32 pending) {
        pending = tree.pending - 1;
        tree.pending = pending;
    }

    /// @notice The sum of all weights in the open snapshot.
    /// @param tree The tree.
    /// @return The total.
    function snapshotTotal(Tree storage tree) internal view returns (uint256) {
        uint256 depth = tree.snapDepth;
        return depth == 0 ? 0 : _sum(_sumsAt(tree, _key(depth - 1, 0), tree.snapEpoch));
    }

    /// @notice The leaf whose weight range in the open snapshot holds `point`.
    /// @param tree The tree.
    /// @param point A number below {snapshotTotal}.
    /// @return leaf The leaf drawn.
    function drawFromSnapshot(Tree storage tree, uint256 point) internal view returns (uint256 leaf) {
        uint256 epoch = tree.snapEpoch;
        uint256 level = tree.snapDepth;
        while (level != 0) {
            --level;
            uint256 sums = _sumsAt(tree, _key(level, leaf), epoch);
            uint256 child = 0;
            uint256 s = sums & SUM_MASK;
            while (point >= s && child < 3) {
                point -= s;
                ++child;
                s = (sums >> (child * SUM_BITS)) & SUM_MASK;
            }
            leaf = leaf * 4 + child;
        }
    }

    function _sumsAt(Tree storage tree, uint256 key, uint256 epoch) private view returns (uint256) {
        uint256 word = tree.live[key];
        return word >> EPOCH_SHIFT == epoch ? tree.snap[key] : word & SUMS_MASK;
    }

    function _sum(uint256 word) private pure returns (uint256) {
        return (word & SUM_MASK) + ((word >> SUM_BITS) & SUM_MASK) + ((word >> (2 * SUM_BITS)) & SUM_MASK)
            + ((word >> (3 * SUM_BITS)) & SUM_MASK);
    }

    function _key(uint256 level, uint256 index) private pure returns (uint256) {
        return (level << 32) | index;
    }
}
