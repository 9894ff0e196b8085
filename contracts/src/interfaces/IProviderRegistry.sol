// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IProviderRegistry
/// @notice Gateway operators (providers) register how to reach their gateway, what it costs, the policy it enforces,
/// and a bond in VPN tokens that a ruling against them pays from. Every open session reserves its penalty from the
/// bond, so whatever other sessions and filings do, an upheld claim is paid in full. Clients discover providers from
/// the events (indexed by region) or by enumerating {providerAt}.
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
    /// @param reservedBond The part of `bond` reserved by sessions whose claims may still come (the sum of their
    /// penalties not yet paid or released); `bond - reservedBond` is free.
    struct Provider {
        ProviderInfo info;
        ProviderStatus status;
        uint96 bond;
        uint96 reservedBond;
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
    /// @notice All the bond left is reserved by sessions whose claims may still come ({ISessionManager-releaseBond}).
    error ProviderBondReserved(uint96 reservedBond);
    /// @notice Only the session manager may reserve, release or slash bonds (and set it: only the deployer).
    error ProviderUnauthorized(address caller);
    /// @notice More bond was to be released or slashed than is reserved.
    error ProviderReservationUnderflow(uint96 amount, uint96 reserved);
    /// @notice The session manager was already set (it can be set once, by the deployer).
    error ProviderSessionManagerAlreadySet();

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
    /// @notice A provider withdrew `amount` of its bond (and left the registry when nothing stayed reserved).
    event BondWithdrawn(address indexed provider, uint96 amount);
    /// @notice A session reserved `amount` (its penalty) of the bond.
    event BondReserved(address indexed provider, uint96 amount, uint96 reservedBond);
    /// @notice A session whose claims can no longer come released what it still reserved.
    event BondReleased(address indexed provider, uint96 amount, uint96 reservedBond);
    /// @notice A ruling took `amount` of a session's reservation and sent it to `to` (the dispute manager, which
    /// credits the winner).
    event BondSlashed(address indexed provider, uint96 amount, address indexed to);
    /// @notice The session manager was set.
    event SessionManagerSet(address indexed sessionManager);

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

    /// @notice Once unbonded, withdraws the bond that no session reserves; with nothing reserved any more the provider
    /// leaves the registry, else it stays (Unbonding) with the reserved part until its sessions release it and it
    /// withdraws again. So reservations, however small, never hold the rest of the bond.
    function withdrawBond() external;

    /// @notice A session opens: reserves `amount` of `provider`'s free bond when the provider takes sessions (Active,
    /// bond at least {minBond}) and the free bond covers it; returns the terms the session opens with. Only the
    /// session manager, which refuses the session unless `active` and `amount <= freeBond`.
    /// @param provider The provider.
    /// @param amount The session's penalty.
    /// @return pricePerMiB The provider's price.
    /// @return policyHash The provider's policy hash.
    /// @return active Whether the provider takes new sessions (nothing is reserved when it does not).
    /// @return freeBond The free bond before this reservation (nothing is reserved when `amount` exceeds it).
    function reserveBond(address provider, uint96 amount)
        external
        returns (uint96 pricePerMiB, bytes32 policyHash, bool active, uint96 freeBond);

    /// @notice Releases `amount` of the reservation (a session whose claims can no longer come). Only the session
    /// manager.
    /// @param provider The provider.
    /// @param amount The amount to release.
    function releaseBond(address provider, uint96 amount) external;

    /// @notice Takes `amount` of the reserved bond and sends it to `to`. Only the session manager (for a ruling of the
    /// dispute manager, `to`).
    /// @param provider The provider.
    /// @param amount The amount to take (at most what is reserved).
    /// @param to Who receives it.
    function slashBond(address provider, uint96 amount, address to) external;

    /// @notice Sets the session manager. Once, by the deployer.
    /// @param sessionManager The session manager.
    function setSessionManager(address sessionManager) external;

    /// @notice Everything about `provider`.
    /// @param provider The provider.
    /// @return The provider (status None when unknown).
    function getProvider(address provider) external view returns (Provider memory);

    /// @notice The values a session is opened with: price, policy hash, and whether the provider takes new sessions
    /// (Active and a bond of at least {minBond}).
    /// @param provider The provider.
    /// @return pricePerMiB VPN base units per MiB.
    /// @return policyHash The policy document's hash.
    /// @return active Whether the provider takes new sessions.
    function sessionTerms(address provider) external view returns (uint96 pricePerMiB, bytes32 policyHash, bool active);

    /// @notice The bond not reserved by sessions: the largest penalty a new session may have.
    /// @param provider The provider.
    /// @return The free bond.
    function freeBond(address provider) external view returns (uint96);

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

    /// @notice The session manager (zero until set).
    function sessionManager() external view returns (address);
}
