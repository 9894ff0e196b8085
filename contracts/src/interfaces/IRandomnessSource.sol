// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IRandomnessSource
/// @notice Randomness for committee draws: a consumer requests a value, waits until it is ready,
/// then consumes it. Implementations: VrfRandomnessSource (a Chainlink VRF v2.5 coordinator; the network's) and
/// LocalRandomnessSource (prevrandao; tests only).
/// @dev The consumer must mix its own context (for example the dispute id and round) into the value, because a source
/// may hand two requests made in one block the same value.
interface IRandomnessSource {
    /// @notice The value is not ready yet.
    error RandomnessNotReady(uint256 requestId, uint256 readyAtBlock);
    /// @notice The request was not consumed in time; request a new value.
    error RandomnessExpired(uint256 requestId);
    /// @notice Only the account that requested a value may consume it.
    error RandomnessNotRequester(uint256 requestId, address caller);

    /// @notice A value was requested; it will be ready at block `readyAtBlock`.
    event RandomnessRequested(uint256 indexed requestId, address indexed requester, uint256 readyAtBlock);
    /// @notice A value was consumed (the audit trail of every draw).
    event RandomnessConsumed(uint256 indexed requestId, bytes32 value);

    /// @notice Requests a value.
    /// @return requestId The request, to pass to {consumeRandomness}. Below 2^208: the DisputeManager keeps a pending
    /// request in 208 bits of the round's storage word (a VRF adapter numbers its own requests).
    /// @dev LocalRandomnessSource's ids (`readyAtBlock << 160 | requester`) stay below 2^208 while block numbers are
    /// below 2^48.
    function requestRandomness() external returns (uint256 requestId);

    /// @notice Whether the request can be consumed now, and whether it has expired.
    /// @param requestId The request.
    /// @return ready The value can be consumed in this block.
    /// @return expired The request can never be consumed; request again.
    function status(uint256 requestId) external view returns (bool ready, bool expired);

    /// @notice Returns the requested value. Only the requester. A source may let it be read again (VrfRandomnessSource
    /// keeps it); the consumer uses each request's value once.
    /// @param requestId The request.
    /// @return value The random value.
    function consumeRandomness(uint256 requestId) external returns (bytes32 value);
}
