// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ITokenExchange} from "../interfaces/ITokenExchange.sol";

/// @title ReentrantSeller
/// @notice Test double (never deployed by the network deployer): sells VPN tokens for ETH and, when the ETH arrives,
/// tries to sell again inside the payout, the classic reentrancy on a payout.
/// @dev Trust assumptions: none; it attacks the exchange it is given.
contract ReentrantSeller {
    ITokenExchange private immutable _exchange;
    uint256 private _reentries;

    /// @param exchange The exchange to attack.
    constructor(ITokenExchange exchange) {
        _exchange = exchange;
    }

    /// @notice Approves the exchange and sells `amount` of this contract's tokens, reentering once from `receive`.
    /// @param amount Tokens to sell (the contract must hold twice as many).
    function attack(uint256 amount) external {
        IERC20(_exchange.token()).approve(address(_exchange), type(uint256).max);
        _reentries = 1;
        _exchange.sellForEth(amount, 1);
    }

    // A test double whose whole purpose is a complex receive.
    // solhint-disable-next-line no-complex-fallback
    receive() external payable {
        if (_reentries == 0) return;
        _reentries = 0;
        // Bubble the guard's revert up, so the outer payout fails visibly.
        _exchange.sellForEth(1e18, 1);
    }
}
