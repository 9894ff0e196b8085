// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title FlowRecordHeader
/// @notice Reads the fixed header every evidence log leaf (flow record) starts with, docs/protocol.md §5.1 and §7.3:
/// `version u8 ‖ sessionId u64 ‖ verdict u8 ‖ ruleId u32`, big-endian, 14 bytes. The rest of the record is opaque here;
/// a version 1 record is exactly 95 bytes.
library FlowRecordHeader {
    /// @notice The header is 14 bytes.
    uint256 internal constant LENGTH = 14;
    /// @notice A version 1 record is 95 bytes (docs/protocol.md §5.1).
    uint256 internal constant RECORD_LENGTH_V1 = 95;
    /// @notice The record format this header describes.
    uint8 internal constant VERSION = 1;
    /// @notice The verdict of a flow the policy denied.
    uint8 internal constant VERDICT_DENIED = 1;

    /// @notice The header's fields, or `ok == false` when the record is not a version 1 record of the right length.
    /// @param leaf The record.
    /// @return ok Whether the header could be read.
    /// @return sessionId The session.
    /// @return ruleId The rule that matched.
    /// @return verdict 0 allowed, 1 denied.
    function read(bytes calldata leaf) internal pure returns (bool ok, uint64 sessionId, uint32 ruleId, uint8 verdict) {
        if (leaf.length != RECORD_LENGTH_V1 || uint8(leaf[0]) != VERSION) return (false, 0, 0, 0);
        sessionId = uint64(bytes8(leaf[1:9]));
        verdict = uint8(leaf[9]);
        ruleId = uint32(bytes4(leaf[10:14]));
        ok = true;
    }
}
