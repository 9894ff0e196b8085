// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title StakeTree
/// @notice A 4-ary sum tree of stake weights with O(log n) updates and stake-weighted draws, and copy-on-write
/// snapshots so that a draw can read the weights as they were when its snapshot opened.
/// @dev Node (level, index) lives in one word: four 56-bit child sums (child c at bits 56c) and, in the top 32 bits,
/// the epoch that was current when the node last changed. Level 0 nodes hold leaf weights; level l nodes hold the sums
/// of level l-1 nodes; the root is node (depth-1, 0). Snapshots are numbered epochs; the current epoch C and the one
/// before it, C-1, can be read while younger than the lifetime the caller gives, older ones cannot. While C is younger
/// than its lifetime, the first change to a node in epoch C copies the node's sums (its value when C opened) into one
/// of two copy slots, chosen by the parity of C and tagged with C, and stamps the node with C; afterwards nothing
/// reads C or C-1 any more and changes are not copied. Reading epoch E: a node stamped before E has not changed since E opened (its
/// live sums); one stamped E has its copy tagged E; one stamped E+1 has a copy tagged E if it changed during E, else
/// its value at E's opening equals its value at E+1's opening, the copy tagged E+1. Opening epoch C+1 reuses the
/// parity slot of C-1, which is no longer readable. A new epoch opens when a draw asks for a snapshot and the current
/// one is older than the join window, or a draw of it could not fill its committee (`exhausted`); nothing holds an
/// epoch open, so no filing can pin old weights.
library StakeTree {
    /// @notice Bits of one child sum.
    uint256 internal constant SUM_BITS = 56;
    /// @notice The largest child sum.
    uint256 internal constant SUM_MASK = (1 << SUM_BITS) - 1;
    /// @notice The most levels; 4^8 = 65,536 leaves.
    uint8 internal constant MAX_DEPTH = 8;
    uint256 private constant EPOCH_SHIFT = 224;
    uint256 private constant SUMS_MASK = (1 << EPOCH_SHIFT) - 1;
    uint256 private constant PARITY_SHIFT = 40;

    /// @notice A sum over a node exceeded 56 bits, or the tree is full.
    error StakeTreeOverflow();

    /// @notice The tree. `depth`, the snapshot fields and the leaf count share one slot.
    /// @param snapDepth The depth when the current epoch opened; `prevSnapDepth` the previous epoch's.
    /// @param snapEpoch The current epoch (0 before the first snapshot).
    /// @param openedAt When the current epoch opened; `prevOpenedAt` when the previous one did.
    /// @param exhausted A draw of the current epoch could not fill its committee: the next snapshot is a new epoch.
    struct Tree {
        mapping(uint256 key => uint256 word) live;
        mapping(uint256 key => uint256 word) snap;
        uint8 depth;
        uint8 snapDepth;
        uint8 prevSnapDepth;
        uint32 snapEpoch;
        uint40 openedAt;
        uint40 prevOpenedAt;
        bool exhausted;
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
                // The old root becomes child 0 of a new root one level up (no snapshot reads the new root).
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
    /// @param lifetime Seconds an epoch stays readable (the same for every call).
    function set(Tree storage tree, uint256 leaf, uint256 weight, uint256 lifetime) internal {
        if (weight > SUM_MASK) revert StakeTreeOverflow();
        uint256 depth = tree.depth;
        // No copies once the current epoch (and so the previous one) can no longer be read.
        uint256 epoch = block.timestamp < uint256(tree.openedAt) + lifetime ? tree.snapEpoch : 0;
        uint256 parity = (epoch & 1) << PARITY_SHIFT;
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
            if (epoch != 0 && word >> EPOCH_SHIFT != epoch) {
                // The node's value when the current epoch opened, tagged with the epoch.
                tree.snap[key | parity] = (word & SUMS_MASK) | (epoch << EPOCH_SHIFT);
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

    /// @notice The snapshot a new draw uses: the current epoch while it is younger than `joinWindow` and not
    /// exhausted, else a new epoch opened now (the current one stays readable as the previous epoch).
    /// @param tree The tree.
    /// @param joinWindow Seconds during which new draws join the current epoch.
    /// @return epoch The snapshot's epoch.
    function openSnapshot(Tree storage tree, uint256 joinWindow) internal returns (uint32 epoch) {
        epoch = tree.snapEpoch;
        if (epoch != 0 && !tree.exhausted && block.timestamp < uint256(tree.openedAt) + joinWindow) return epoch;
        ++epoch;
        tree.prevSnapDepth = tree.snapDepth;
        tree.prevOpenedAt = tree.openedAt;
        tree.snapDepth = tree.depth;
        tree.snapEpoch = epoch;
        tree.openedAt = uint40(block.timestamp);
        tree.exhausted = false;
    }

    /// @notice Marks the current epoch exhausted (one of its draws could not fill a committee): the next snapshot is a
    /// new epoch of the weights then.
    /// @param tree The tree.
    function exhaust(Tree storage tree) internal {
        tree.exhausted = true;
    }

    /// @notice Whether epoch `epoch` can still be read: the current epoch or the one before, younger than `lifetime`.
    /// @param tree The tree.
    /// @param epoch The epoch.
    /// @param lifetime Seconds an epoch stays readable.
    /// @return Whether draws may use it.
    function readable(Tree storage tree, uint256 epoch, uint256 lifetime) internal view returns (bool) {
        uint256 current = tree.snapEpoch;
        if (epoch == 0) return false;
        if (epoch == current) return block.timestamp < uint256(tree.openedAt) + lifetime;
        return epoch + 1 == current && block.timestamp < uint256(tree.prevOpenedAt) + lifetime;
    }

    /// @notice The sum of all weights in snapshot `epoch` (a readable one).
    /// @param tree The tree.
    /// @param epoch The epoch.
    /// @return The total.
    function snapshotTotal(Tree storage tree, uint256 epoch) internal view returns (uint256) {
        uint256 depth = epoch == tree.snapEpoch ? tree.snapDepth : tree.prevSnapDepth;
        return depth == 0 ? 0 : _sum(_sumsAt(tree, _key(depth - 1, 0), epoch));
    }

    /// @notice The leaf whose weight range in snapshot `epoch` (a readable one) holds `point`, and its weight there.
    /// @param tree The tree.
    /// @param epoch The epoch.
    /// @param point A number below {snapshotTotal}.
    /// @return leaf The leaf drawn.
    /// @return weight The leaf's weight in the snapshot.
    function drawFromSnapshot(Tree storage tree, uint256 epoch, uint256 point)
        internal
        view
        returns (uint256 leaf, uint256 weight)
    {
        uint256 level = epoch == tree.snapEpoch ? tree.snapDepth : tree.prevSnapDepth;
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
            weight = s;
        }
    }

    /// A node's sums as they were when `epoch` (the current or the previous epoch) opened.
    function _sumsAt(Tree storage tree, uint256 key, uint256 epoch) private view returns (uint256) {
        uint256 word = tree.live[key];
        uint256 stamp = word >> EPOCH_SHIFT;
        if (stamp < epoch) return word & SUMS_MASK;
        uint256 copy = tree.snap[key | ((epoch & 1) << PARITY_SHIFT)];
        // Stamped `epoch`: its copy is tagged `epoch`. Stamped `epoch + 1` (the current epoch, `epoch` the previous):
        // the copy tagged `epoch` if it changed during `epoch`, else the one tagged `epoch + 1`.
        if (stamp == epoch || copy >> EPOCH_SHIFT == epoch) return copy & SUMS_MASK;
        return tree.snap[key | (((epoch + 1) & 1) << PARITY_SHIFT)] & SUMS_MASK;
    }

    function _sum(uint256 word) private pure returns (uint256) {
        return (word & SUM_MASK) + ((word >> SUM_BITS) & SUM_MASK) + ((word >> (2 * SUM_BITS)) & SUM_MASK)
            + ((word >> (3 * SUM_BITS)) & SUM_MASK);
    }

    function _key(uint256 level, uint256 index) private pure returns (uint256) {
        return (level << 32) | index;
    }
}
