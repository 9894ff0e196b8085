// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title DevWrappedBtc
/// @notice A stand-in for wrapped bitcoin (8 decimals like WBTC) on local networks only: its deployer mints.
/// @dev Trust assumptions: the deployer can mint at will. Never deploy it where a real wrapped BTC exists.
contract DevWrappedBtc is ERC20 {
    address private immutable _deployer;

    /// @notice Only the deployer mints.
    error DevWrappedBtcUnauthorized(address caller);

    constructor() ERC20("Devnet Wrapped BTC", "dWBTC") {
        _deployer = msg.sender;
    }

    /// @notice Mints `amount` to `to`. Only the deployer.
    /// @param to The recipient.
    /// @param amount Base units (8 decimals).
    function mint(address to, uint256 amount) external {
        if (msg.sender != _deployer) revert DevWrappedBtcUnauthorized(msg.sender);
        _mint(to, amount);
    }

    /// @inheritdoc ERC20
    function decimals() public pure override returns (uint8) {
        return 8;
    }
}
