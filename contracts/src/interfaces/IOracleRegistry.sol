// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IOracleRegistry
/// @notice Oracle staking. Oracles stake VPN tokens to report prices and to be drawn into dispute committees, with
/// a probability proportional to their stake. Stake drawn into a dispute is locked until the dispute settles; only
/// the dispute manager can lock, unlock and slash.
/// @dev Draws walk a 4-ary sum tree in O(log n). A draw picks from a snapshot of the tree taken before its randomness
/// was requested (joined while younger than {snapshotJoinWindow}, else a new one), and seats an oracle only with
/// probability min(1, live weight / snapshot weight): stake added after the snapshot is not drawn, stake that left
/// after it does not count (see docs/contracts.md).
interface IOracleRegistry {
    /// @notice What the registry holds about an oracle.
    /// @param stake Staked tokens (drawable, slashable when locked).
    /// @param locked Part of `stake` locked by open disputes.
    /// @param unstaking Tokens on their way out.
    /// @param unstakableAt When `unstaking` can be withdrawn.
    struct OracleInfo {
        uint96 stake;
        uint96 locked;
        uint96 unstaking;
        uint64 unstakableAt;
    }

    /// @notice A stake or unstake of zero.
    error OracleRegistryZeroAmount();
    /// @notice The snapshot join window must be positive and the lifetime at least as long.
    error OracleRegistryInvalidSnapshotWindows(uint64 joinWindow, uint64 lifetime);
    /// @notice The stake would end up above zero but below the minimum.
    error OracleRegistryBelowMinimum(uint256 stake, uint256 minimum);
    /// @notice More was asked than the free (unlocked) stake.
    error OracleRegistryInsufficientFreeStake(uint256 requested, uint256 free);
    /// @notice Nothing is unstaking, or its delay has not passed.
    error OracleRegistryNotUnstakable(uint64 unstakableAt);
    /// @notice Only the dispute manager.
    error OracleRegistryUnauthorized(address caller);
    /// @notice More was to be unlocked or slashed than is locked.
    error OracleRegistryLockUnderflow(address oracle, uint96 amount, uint96 locked);
    /// @notice The dispute manager was already set (it can be set once, by the deployer).
    error OracleRegistryDisputeManagerAlreadySet();

    /// @notice `oracle`'s stake grew by `amount` to `stake`.
    event Staked(address indexed oracle, address indexed payer, uint96 amount, uint96 stake);
    /// @notice `amount` left the stake and can be withdrawn from `unstakableAt`.
    event UnstakeRequested(address indexed oracle, uint96 amount, uint96 stake, uint64 unstakableAt);
    /// @notice `amount` was withdrawn.
    event Unstaked(address indexed oracle, uint96 amount);
    /// @notice A dispute locked `amount` of the oracle's stake (panels; drawn seats appear in the dispute manager's
    /// CommitteeDrawn, each locking the dispute's lock per seat).
    event StakeLocked(address indexed oracle, uint96 amount, uint96 locked);
    /// @notice A dispute released `amount`.
    event StakeUnlocked(address indexed oracle, uint96 amount, uint96 locked);
    /// @notice A ruling took `amount` of the oracle's locked stake (sent to the dispute manager).
    event StakeSlashed(address indexed oracle, uint96 amount, uint96 stake);
    /// @notice The dispute manager was set.
    event DisputeManagerSet(address indexed disputeManager);

    /// @notice Stakes `amount` tokens (approved to the registry) for the caller.
    /// @param amount Tokens to add.
    function stake(uint96 amount) external;

    /// @notice Stakes `amount` of the caller's tokens for `oracle` (a staking service funding an oracle key).
    /// @param oracle The oracle credited; only it can unstake.
    /// @param amount Tokens to add.
    function stakeFor(address oracle, uint96 amount) external;

    /// @notice Moves `amount` of the caller's free stake out; it can be withdrawn after {unbondingDelay}.
    /// @dev The rest must be zero or at least {minStake}. Unstaking adds to an earlier request and restarts its delay.
    /// @param amount Tokens to unstake.
    function requestUnstake(uint96 amount) external;

    /// @notice Withdraws the caller's unstaked tokens once the delay has passed.
    function withdraw() external;

    /// @notice The snapshot the next draw uses: the current one while it is younger than {snapshotJoinWindow} and no
    /// draw of it failed, else a new one of the weights now. Only the dispute manager, before it requests the draw's
    /// randomness.
    /// @return epoch The snapshot to pass to {drawCommittee}.
    function openSnapshot() external returns (uint32 epoch);

    /// @notice Draws `seats` seats stake-weighted from snapshot `epoch` and locks `lockPerSeat` for each seat.
    /// Only the dispute manager. An oracle can hold several seats; `excludeA` and `excludeB` (the dispute's
    /// parties) and oracles without `lockPerSeat` of free stake are skipped; an oracle whose stake fell below its
    /// snapshot weight is seated with probability stake / weight. Nothing is drawn (an empty committee) when the
    /// snapshot is no longer readable (neither the current nor the previous snapshot, or older than
    /// {snapshotLifetime}), or when it cannot fill the committee (the current snapshot is then exhausted: the next
    /// {openSnapshot} opens a fresh one).
    /// @param epoch The snapshot the dispute opened.
    /// @param seed The dispute's randomness.
    /// @param seats Seats to fill.
    /// @param lockPerSeat Stake locked per seat (the most a seat can be slashed).
    /// @param excludeA A party of the dispute.
    /// @param excludeB The other party.
    /// @return committee One address per seat, in draw order; empty when nothing was drawn.
    function drawCommittee(uint32 epoch, bytes32 seed, uint256 seats, uint96 lockPerSeat, address excludeA, address excludeB)
        external
        returns (address[] memory committee);

    /// @notice Locks `lockPerSeat` for each member of a panel the parties named. Only the dispute manager.
    /// @param panel The named oracles.
    /// @param lockPerSeat Stake locked per member.
    /// @return ok False (and nothing locked) when a member lacks free stake; the dispute then draws instead.
    function lockPanel(address[] calldata panel, uint96 lockPerSeat) external returns (bool ok);

    /// @notice Releases `amount` of `oracle`'s locked stake. Only the dispute manager.
    /// @param oracle The oracle.
    /// @param amount Tokens to release.
    function unlock(address oracle, uint96 amount) external;

    /// @notice Takes `amount` of `oracle`'s locked stake and sends it to the dispute manager. Only the dispute manager.
    /// @param oracle The oracle.
    /// @param amount Tokens to take.
    function slash(address oracle, uint96 amount) external;

    /// @notice Sets the dispute manager. Once, by the deployer.
    /// @param disputeManager The dispute manager.
    function setDisputeManager(address disputeManager) external;

    /// @notice What the registry holds about `oracle`.
    /// @param oracle The oracle.
    /// @return The oracle's stake, locked stake and unstaking tokens.
    function oracleInfo(address oracle) external view returns (OracleInfo memory);

    /// @notice Whether `oracle` holds at least {minStake} (may report prices and be drawn).
    /// @param oracle The oracle.
    /// @return Whether it is an oracle.
    function isOracle(address oracle) external view returns (bool);

    /// @notice The total drawable weight now, in stake units of 10^15 base units (0.001 token).
    function totalWeight() external view returns (uint256);

    /// @notice The current snapshot (epoch 0 before the first); it and the one before it are readable.
    /// @return epoch The current epoch.
    /// @return openedAt When it opened.
    /// @return exhausted Whether a draw of it failed (the next draw opens a new epoch).
    function snapshotInfo() external view returns (uint32 epoch, uint64 openedAt, bool exhausted);

    /// @notice Seconds after a snapshot opens during which new draws join it.
    function snapshotJoinWindow() external view returns (uint64);

    /// @notice Seconds after a snapshot opens during which draws can read it (and stake changes are copied for it).
    function snapshotLifetime() external view returns (uint64);

    /// @notice How many oracles have ever staked (leaves of the draw tree).
    function oracleCount() external view returns (uint256);

    /// @notice The smallest stake an oracle holds.
    function minStake() external view returns (uint96);

    /// @notice Seconds between {requestUnstake} and {withdraw}.
    function unbondingDelay() external view returns (uint64);

    /// @notice The VPN token.
    function token() external view returns (address);

    /// @notice The dispute manager (zero until set).
    function disputeManager() external view returns (address);
}
