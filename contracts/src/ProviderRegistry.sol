// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IProviderRegistry} from "./interfaces/IProviderRegistry.sol";

/// @title ProviderRegistry
/// @notice Gateway operators register their endpoint, tunnel key, region, price, policy and a bond in VPN tokens.
/// @dev Trust assumptions: the deployer sets the session manager once; from then on only the session manager can
/// reserve, release or take a bond, and it can take only what is reserved. Each session reserves its penalty when it
/// opens and releases what is left once no claim against the provider can come any more, so the reservations never
/// exceed the bond and every upheld claim is paid in full whatever other sessions and filings do. A provider whose
/// bond fell below the minimum (slashed) takes no new session until it adds bond. Registration data is self-declared
/// and unverified: clients and gateways check the policy document against its hash themselves. The unbonding delay
/// must exceed the longest session plus the dispute window (the deployer's choice), and a withdrawal takes only what no
/// session reserves (the reserved rest follows when its sessions release it).
contract ProviderRegistry is IProviderRegistry {
    using SafeERC20 for IERC20;

    // Slot 0 holds what SessionManager reads on every open; the rule cannot see that the order is deliberate.
    // solhint-disable-next-line gas-struct-packing
    struct Record {
        uint96 pricePerMiB;
        bytes8 region;
        ProviderStatus status;
        uint64 registeredAt;
        // slot 1
        bytes32 policyHash;
        // slot 2
        uint96 bond;
        uint96 reservedBond;
        uint64 unbondableAt;
        // slot 3..
        bytes32 tunnelPublicKey;
        string endpoint;
        string policyUri;
    }

    IERC20 private immutable _token;
    address private immutable _deployer;
    uint96 private immutable _minBond;
    uint64 private immutable _unbondingDelay;
    address private _sessionManager;
    mapping(address provider => Record) private _records;
    // Registered providers for enumeration (OpenZeppelin's EnumerableSet names a function `at`, which solc 0.8.37
    // warns about, and the build fails on warnings): an array plus each provider's position + 1.
    address[] private _providers;
    mapping(address provider => uint256 position) private _positions;

    modifier onlySessionManager() {
        if (msg.sender != _sessionManager || msg.sender == address(0)) revert ProviderUnauthorized(msg.sender);
        _;
    }

    /// @param token_ The VPN token.
    /// @param minBond_ The smallest bond.
    /// @param unbondingDelay_ Seconds from an unbond request to the withdrawal.
    constructor(IERC20 token_, uint96 minBond_, uint64 unbondingDelay_) {
        _token = token_;
        _deployer = msg.sender;
        _minBond = minBond_;
        _unbondingDelay = unbondingDelay_;
    }

    /// @inheritdoc IProviderRegistry
    function setSessionManager(address sessionManager_) external {
        if (msg.sender != _deployer) revert ProviderUnauthorized(msg.sender);
        if (_sessionManager != address(0)) revert ProviderSessionManagerAlreadySet();
        _sessionManager = sessionManager_;
        emit SessionManagerSet(sessionManager_);
    }

    /// @inheritdoc IProviderRegistry
    function register(ProviderInfo calldata info, uint96 bond) external {
        Record storage r = _records[msg.sender];
        if (r.status != ProviderStatus.None) revert ProviderAlreadyRegistered(msg.sender);
        if (bond < _minBond) revert ProviderBondTooLow(bond, _minBond);
        _validate(info);
        _store(r, info);
        r.status = ProviderStatus.Active;
        r.registeredAt = uint64(block.timestamp);
        r.bond = bond;
        _providers.push(msg.sender);
        _positions[msg.sender] = _providers.length;
        emit ProviderRegistered(
            msg.sender, info.region, info.pricePerMiB, info.policyHash, info.tunnelPublicKey, info.endpoint, info.policyUri, bond
        );
        _token.safeTransferFrom(msg.sender, address(this), bond);
    }

    /// @inheritdoc IProviderRegistry
    function update(ProviderInfo calldata info) external {
        Record storage r = _records[msg.sender];
        if (r.status != ProviderStatus.Active) revert ProviderNotActive(msg.sender);
        _validate(info);
        _store(r, info);
        emit ProviderUpdated(
            msg.sender, info.region, info.pricePerMiB, info.policyHash, info.tunnelPublicKey, info.endpoint, info.policyUri
        );
    }

    /// @inheritdoc IProviderRegistry
    function addBond(uint96 amount) external {
        Record storage r = _records[msg.sender];
        if (r.status != ProviderStatus.Active) revert ProviderNotActive(msg.sender);
        if (amount == 0) revert ProviderBondTooLow(0, 1);
        uint96 bond = r.bond + amount;
        r.bond = bond;
        emit BondAdded(msg.sender, amount, bond);
        _token.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @inheritdoc IProviderRegistry
    function requestUnbond() external {
        Record storage r = _records[msg.sender];
        if (r.status != ProviderStatus.Active) revert ProviderNotActive(msg.sender);
        uint64 unbondableAt = uint64(block.timestamp) + _unbondingDelay;
        r.status = ProviderStatus.Unbonding;
        r.unbondableAt = unbondableAt;
        emit UnbondRequested(msg.sender, unbondableAt);
    }

    /// @inheritdoc IProviderRegistry
    function withdrawBond() external {
        Record storage r = _records[msg.sender];
        if (r.status != ProviderStatus.Unbonding) revert ProviderNotRegistered(msg.sender);
        if (block.timestamp < r.unbondableAt) revert ProviderStillUnbonding(r.unbondableAt);
        uint96 reserved = r.reservedBond;
        uint96 amount = r.bond - reserved;
        if (amount == 0) revert ProviderBondReserved(reserved);
        if (reserved == 0) {
            delete _records[msg.sender];
            _removeFromList(msg.sender);
        } else {
            // Sessions still reserve part of it (their claims may come): that part stays until they release it.
            r.bond = reserved;
        }
        emit BondWithdrawn(msg.sender, amount);
        _token.safeTransfer(msg.sender, amount);
    }

    /// @inheritdoc IProviderRegistry
    function reserveBond(address provider, uint96 amount)
        external
        onlySessionManager
        returns (uint96 pricePerMiB, bytes32 policyHash, bool active, uint96 freeBond_)
    {
        Record storage r = _records[provider];
        pricePerMiB = r.pricePerMiB;
        policyHash = r.policyHash;
        uint96 bond = r.bond;
        uint96 reserved = r.reservedBond;
        active = r.status == ProviderStatus.Active && bond >= _minBond;
        freeBond_ = bond - reserved;
        if (active && amount != 0 && amount <= freeBond_) {
            reserved += amount;
            r.reservedBond = reserved;
            emit BondReserved(provider, amount, reserved);
        }
    }

    /// @inheritdoc IProviderRegistry
    function releaseBond(address provider, uint96 amount) external onlySessionManager {
        Record storage r = _records[provider];
        uint96 reserved = r.reservedBond;
        if (amount > reserved) revert ProviderReservationUnderflow(amount, reserved);
        r.reservedBond = reserved - amount;
        emit BondReleased(provider, amount, reserved - amount);
    }

    /// @inheritdoc IProviderRegistry
    function slashBond(address provider, uint96 amount, address to) external onlySessionManager {
        Record storage r = _records[provider];
        uint96 reserved = r.reservedBond;
        if (amount > reserved) revert ProviderReservationUnderflow(amount, reserved);
        r.reservedBond = reserved - amount;
        // reserved <= bond always (a reservation never exceeds the free bond), so this cannot underflow.
        r.bond -= amount;
        emit BondSlashed(provider, amount, to);
        _token.safeTransfer(to, amount);
    }

    /// @inheritdoc IProviderRegistry
    function getProvider(address provider) external view returns (Provider memory p) {
        Record storage r = _records[provider];
        p.info = ProviderInfo({
            endpoint: r.endpoint,
            tunnelPublicKey: r.tunnelPublicKey,
            region: r.region,
            pricePerMiB: r.pricePerMiB,
            policyHash: r.policyHash,
            policyUri: r.policyUri
        });
        p.status = r.status;
        p.bond = r.bond;
        p.reservedBond = r.reservedBond;
        p.registeredAt = r.registeredAt;
        p.unbondableAt = r.unbondableAt;
    }

    /// @inheritdoc IProviderRegistry
    function sessionTerms(address provider) external view returns (uint96 pricePerMiB, bytes32 policyHash, bool active) {
        Record storage r = _records[provider];
        return (r.pricePerMiB, r.policyHash, r.status == ProviderStatus.Active && r.bond >= _minBond);
    }

    /// @inheritdoc IProviderRegistry
    function freeBond(address provider) external view returns (uint96) {
        Record storage r = _records[provider];
        return r.bond - r.reservedBond;
    }

    /// @inheritdoc IProviderRegistry
    function providerCount() external view returns (uint256) {
        return _providers.length;
    }

    /// @inheritdoc IProviderRegistry
    function providerAt(uint256 index) external view returns (address) {
        return _providers[index];
    }

    /// @inheritdoc IProviderRegistry
    function minBond() external view returns (uint96) {
        return _minBond;
    }

    /// @inheritdoc IProviderRegistry
    function unbondingDelay() external view returns (uint64) {
        return _unbondingDelay;
    }

    /// @inheritdoc IProviderRegistry
    function token() external view returns (address) {
        return address(_token);
    }

    /// @inheritdoc IProviderRegistry
    function sessionManager() external view returns (address) {
        return _sessionManager;
    }

    function _store(Record storage r, ProviderInfo calldata info) private {
        r.pricePerMiB = info.pricePerMiB;
        r.region = info.region;
        r.policyHash = info.policyHash;
        r.tunnelPublicKey = info.tunnelPublicKey;
        r.endpoint = info.endpoint;
        r.policyUri = info.policyUri;
    }

    function _removeFromList(address provider) private {
        uint256 position = _positions[provider];
        uint256 last = _providers.length;
        if (position != last) {
            address moved = _providers[last - 1];
            _providers[position - 1] = moved;
            _positions[moved] = position;
        }
        _providers.pop();
        delete _positions[provider];
    }

    function _validate(ProviderInfo calldata info) private pure {
        if (bytes(info.endpoint).length == 0) revert ProviderInvalidInfo("endpoint");
        if (info.tunnelPublicKey == bytes32(0)) revert ProviderInvalidInfo("tunnelPublicKey");
        if (info.region == bytes8(0)) revert ProviderInvalidInfo("region");
        if (info.pricePerMiB == 0) revert ProviderInvalidInfo("pricePerMiB");
        if (info.policyHash == bytes32(0)) revert ProviderInvalidInfo("policyHash");
    }
}
