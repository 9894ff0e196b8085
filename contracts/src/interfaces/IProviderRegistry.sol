// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IProviderRegistry
/// @notice Gateway operators (providers) register how to reach their gateway, what it costs, the policy it enforces,
/// and a bond in VPN tokens that a ruling against them pays from. Clients discover providers from the events
/// (indexed by region) or by enumerating {providerAt}.
/// @dev A provider is identified by its operator address, which is also the key whose EIP-712 signatures count as
/// the provider's gateway (Checkpoint) and which closes sessions. Regions are ISO 3166-1 alpha-2 codes or ISO 3166-2
/// subdivision codes ("DE", "US-CA"), ASCII upper case, left-aligned and zero-padded to 8 bytes.
interface IProviderRegistry {
    /// @notice What a provider publishes (everything but the bond).
    struct ProviderInfo {
        string endpoint;
        bytes32 tunnelPublicKey;
        bytes8 region;
        uint96 pricePerMiB;
        bytes32 policyHash;
        string policyUri;
    }

    /// @notice A provider's life cycle. Only Active providers can be chosen for new sessions.
    enum ProviderStatus {
        None,
        Active,
        Unbonding
    }

    /// @notice Everything the registry holds about a provider.
    struct Provider {
        ProviderInfo info;
        ProviderStatus status;
        uint96 bond;
        uint96 lockedBond;
        uint64 registeredAt;
        uint64 unbondableAt;
    }

    /// @notice The caller is already registered.
    error ProviderAlreadyRegistered(address provider);
    /// @notice The address is not a registered provider (or is unbonding, where Active is needed).
    error ProviderNotActive(address provider);
    /// @notice The address is not registered at all.
    error ProviderNotRegistered(address provider);
    /// @notice The bond is below the registry's minimum.
    error ProviderBondTooLow(uint256 bond, uint256 minimum);
    /// @notice A field of the registration is malformed (empty endpoint, zero key, zero price or policy hash).
    error ProviderInvalidInfo(string field);
    /// @notice The unbonding delay has not passed.
    error ProviderStillUnbonding(uint64 unbondableAt);
    /// @notice Part of the bond is locked by open disputes.
    error ProviderBondLocked(uint96 lockedBond);
    /// @notice Only the dispute manager may lock, unlock or slash bonds.
    error ProviderUnauthorized(address caller);
    /// @notice More bond was to be unlocked or slashed than is locked.
    error ProviderLockUnderflow(uint96 amount, uint96 locked);
    /// @notice The dispute manager was already set (it can be set once, by the deployer).
    error ProviderDisputeManagerAlreadySet();

    /// @notice A provider registered. `region` is indexed so clients can filter by it.
    event ProviderRegistered(
        address indexed provider,
        bytes8 indexed region,
        uint96 pricePerMiB,
        bytes32 policyHash,
        bytes32 tunnelPublicKey,
        string endpoint,
        string policyUri,
        uint96 bond
    );
    /// @notice A provider changed what it publishes; sessions opened before keep their price and policy hash.
    event ProviderUpdated(
        address indexed provider,
        bytes8 indexed region,
        uint96 pricePerMiB,
        bytes32 policyHash,
        bytes32 tunnelPublicKey,
        string endpoint,
        string policyUri
    );
    /// @notice A provider added to its bond.
    event BondAdded(address indexed provider, uint96 amount, uint96 bond);
    /// @notice A provider stopped taking sessions; its bond can be withdrawn from `unbondableAt`.
    event UnbondRequested(address indexed provider, uint64 unbondableAt);
    /// @notice A provider withdrew its bond and left the registry.
    event BondWithdrawn(address indexed provider, uint96 amount);
    /// @notice A dispute locked part of a provider's bond.
    event BondLocked(address indexed provider, uint96 amount, uint96 lockedBond);
    /// @notice A dispute released its lock.
    event BondUnlocked(address indexed provider, uint96 amount, uint96 lockedBond);
    /// @notice A ruling took `amount` of the bond and sent it to `to` (the dispute manager, which credits the winner).
    event BondSlashed(address indexed provider, uint96 amount, address indexed to);
    /// @notice The dispute manager was set.
    event DisputeManagerSet(address indexed disputeManager);

    /// @notice Registers the caller as a provider with `bond` tokens (approved to the registry).
    /// @param info What the provider publishes.
    /// @param bond The bond, at least {minBond}.
    function register(ProviderInfo calldata info, uint96 bond) external;

    /// @notice Replaces what the caller publishes. Sessions already open keep the price and policy they opened with.
    /// @param info What the provider publishes.
    function update(ProviderInfo calldata info) external;

    /// @notice Adds `amount` tokens (approved to the registry) to the caller's bond.
    /// @param amount Tokens to add.
    function addBond(uint96 amount) external;

    /// @notice Stops taking new sessions; the bond can be withdrawn after {unbondingDelay}.
    function requestUnbond() external;

    /// @notice Withdraws the whole bond once unbonded and unlocked, and leaves the registry.
    function withdrawBond() external;

    /// @notice Locks up to `amount` of `provider`'s free bond for a dispute. Only the dispute manager.
    /// @param provider The provider.
    /// @param amount The most to lock.
    /// @return locked What was locked (less than `amount` when the free bond is smaller).
    function lockBond(address provider, uint96 amount) external returns (uint96 locked);

    /// @notice Releases `amount` of a lock. Only the dispute manager.
    /// @param provider The provider.
    /// @param amount The amount to release.
    function unlockBond(address provider, uint96 amount) external;

    /// @notice Takes `amount` of the locked bond and sends it to the dispute manager. Only the dispute manager.
    /// @param provider The provider.
    /// @param amount The amount to take (at most what is locked).
    function slashBond(address provider, uint96 amount) external;

    /// @notice Sets the dispute manager. Once, by the deployer.
    /// @param disputeManager The dispute manager.
    function setDisputeManager(address disputeManager) external;

    /// @notice Everything about `provider`.
    /// @param provider The provider.
    /// @return The provider (status None when unknown).
    function getProvider(address provider) external view returns (Provider memory);

    /// @notice The values a session is opened with: price, policy hash, and whether the provider is Active.
    /// @param provider The provider.
    /// @return pricePerMiB VPN base units per MiB.
    /// @return policyHash The policy document's hash.
    /// @return active Whether the provider takes new sessions.
    function sessionTerms(address provider) external view returns (uint96 pricePerMiB, bytes32 policyHash, bool active);

    /// @notice How many providers are registered (Active or Unbonding).
    function providerCount() external view returns (uint256);

    /// @notice The `index`-th registered provider (order changes when providers leave).
    /// @param index Index below {providerCount}.
    /// @return The provider's address.
    function providerAt(uint256 index) external view returns (address);

    /// @notice The smallest bond a provider registers with.
    function minBond() external view returns (uint96);

    /// @notice Seconds between {requestUnbond} and {withdrawBond}; longer than a session may last plus the dispute window.
    function unbondingDelay() external view returns (uint64);

    /// @notice The VPN token.
    function token() external view returns (address);

    /// @notice The dispute manager (zero until set).
    function disputeManager() external view returns (address);
}
