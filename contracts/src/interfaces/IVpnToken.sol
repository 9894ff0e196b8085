// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";

/// @title IVpnToken
/// @notice The VPN token that pays for bandwidth, bonds providers and stakes oracles.
interface IVpnToken is IERC20, IERC20Permit {
    /// @notice The caller is not the token's minter.
    error VpnTokenUnauthorizedMinter(address caller);
    /// @notice The minter was already set; it can be set only once.
    error VpnTokenMinterAlreadySet(address minter);
    /// @notice The zero address cannot be the minter.
    error VpnTokenInvalidMinter();

    /// @notice Emitted once, when the minter (the token exchange) is set.
    event MinterSet(address indexed minter);

    /// @notice The only address that can create or destroy tokens (the TokenExchange).
    function minter() external view returns (address);

    /// @notice Sets the minter. Callable once, by the deployer.
    function setMinter(address minter_) external;

    /// @notice Creates `amount` tokens for `to`. Only the minter.
    function mint(address to, uint256 amount) external;

    /// @notice Destroys `amount` of the minter's own tokens. Only the minter.
    function burn(uint256 amount) external;
}
