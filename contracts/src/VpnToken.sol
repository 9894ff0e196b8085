// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {IVpnToken} from "./interfaces/IVpnToken.sol";

/// @title VpnToken
/// @notice ERC-20 with EIP-2612 permit. New tokens exist only through the minter (the TokenExchange).
/// @dev Trust assumptions: the deployer is trusted to set the minter once, right after deployment; from then
/// on nobody, the deployer included, can mint except the minter contract, whose rules are public.
contract VpnToken is ERC20, ERC20Permit, IVpnToken {
    address private immutable _deployer;
    address private _minter;

    constructor() ERC20("Oracle VPN Token", "VPN") ERC20Permit("Oracle VPN Token") {
        _deployer = msg.sender;
    }

    /// @inheritdoc IVpnToken
    function minter() external view returns (address) {
        return _minter;
    }

    /// @inheritdoc IVpnToken
    function setMinter(address minter_) external {
        if (msg.sender != _deployer) revert VpnTokenUnauthorizedMinter(msg.sender);
        if (_minter != address(0)) revert VpnTokenMinterAlreadySet(_minter);
        if (minter_ == address(0)) revert VpnTokenInvalidMinter();
        _minter = minter_;
        emit MinterSet(minter_);
    }

    /// @inheritdoc IVpnToken
    function mint(address to, uint256 amount) external {
        if (msg.sender != _minter) revert VpnTokenUnauthorizedMinter(msg.sender);
        _mint(to, amount);
    }

    /// @inheritdoc IVpnToken
    function burn(uint256 amount) external {
        if (msg.sender != _minter) revert VpnTokenUnauthorizedMinter(msg.sender);
        _burn(msg.sender, amount);
    }

    /// @inheritdoc ERC20Permit
    function nonces(address owner) public view override(ERC20Permit, IERC20Permit) returns (uint256) {
        return super.nonces(owner);
    }
}
