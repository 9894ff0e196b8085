// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title ITokenExchange
/// @notice Sells VPN tokens for ETH or wrapped BTC at the oracle price, and buys them back, with a fee. The only way
/// VPN tokens are created (bought) or destroyed (sold back).
/// @dev Every trade takes a minimum-out argument (slippage protection) and reverts when a feed is stale. Circuit
/// breaker: each feed has a reference price, the answer of a round the exchange accepted (at deployment, the feed's
/// latest round). A newer round within `maxPriceJumpBps` of the reference trades at once; it becomes the reference
/// only when the reference is at least `priceJumpDelay` old, so the reference moves at most once per delay and quick
/// in-band rounds cannot walk the price further than one band from it. A round further away is a jump: trades using
/// that feed revert with {ExchangePriceJumpUnconfirmed} until `priceJumpDelay` has passed since the first round of
/// the run of rounds outside the band (the honest oracles' time to report a corrective round; a corrective round back
/// inside the band ends the pause at once, as it is compared with the reference, not with the jump). A round that is
/// not (yet) the reference trades at the worse of itself and the reference for the trader: a buy of VPN pays at least
/// the reference price, a sale gets at most it (for wrapped BTC: the BTC side likewise), so swinging rounds inside the
/// band cannot buy low and sell high around one reference.
interface ITokenExchange {
    /// @notice A trade of zero.
    error ExchangeZeroAmount();
    /// @notice The feed's latest round is older than `maxPriceAge`.
    error ExchangeStalePrice(address feed, uint256 updatedAt);
    /// @notice The feed answered a non-positive price.
    error ExchangeInvalidPrice(address feed, int256 answer);
    /// @notice The trade would return less than the caller's minimum.
    error ExchangeSlippage(uint256 amountOut, uint256 minAmountOut);
    /// @notice The exchange holds too little of the asset to buy the tokens back.
    error ExchangeInsufficientReserve(uint256 needed, uint256 available);
    /// @notice Sending ETH failed.
    error ExchangeEthTransferFailed(address to, uint256 amount);
    /// @notice The fee is at most 10%.
    error ExchangeInvalidFee(uint16 feeBps);
    /// @notice The feed's latest answer moved more than `maxPriceJumpBps` away from the exchange's reference price;
    /// trades using the feed resume at `confirmsAt` (`updatedAt` of the first round outside the band plus
    /// `priceJumpDelay`) unless a round back inside the band arrives first.
    error ExchangePriceJumpUnconfirmed(address feed, uint256 updatedAt, uint256 confirmsAt);
    /// @notice The price band is 1 to 10,000 basis points.
    error ExchangeInvalidPriceJump(uint16 maxPriceJumpBps);
    /// @notice The jump delay is positive and shorter than the largest price age (else a jump goes stale first).
    error ExchangeInvalidPriceJumpDelay(uint64 priceJumpDelay, uint64 maxPriceAge);

    /// @notice `buyer` paid `paid` of `asset` (address 0 = ETH) and received `vpnOut` tokens; `fee` of the payment was
    /// kept as the exchange's fee; `price` is the VPN price in that asset (18 decimals).
    event VpnBought(address indexed buyer, address indexed asset, uint256 paid, uint256 fee, uint256 vpnOut, uint256 price);
    /// @notice `seller` sold `vpnIn` tokens for `received` of `asset`; `fee` of the proceeds was kept.
    event VpnSold(address indexed seller, address indexed asset, uint256 vpnIn, uint256 fee, uint256 received, uint256 price);
    /// @notice The owner withdrew accrued fees.
    event FeesWithdrawn(address indexed to, uint256 eth, uint256 btc);

    /// @notice Buys VPN tokens with the ETH sent.
    /// @dev Untrusted entry point (as are the other three trades): reverts while the feed's latest round is an
    /// unconfirmed jump (see the interface's circuit breaker).
    /// @param minVpnOut The least the caller accepts.
    /// @return vpnOut Tokens minted to the caller.
    function buyWithEth(uint256 minVpnOut) external payable returns (uint256 vpnOut);

    /// @notice Sells `vpnIn` of the caller's tokens (approved to the exchange) for ETH.
    /// @param vpnIn Tokens to sell.
    /// @param minEthOut The least ETH the caller accepts.
    /// @return ethOut ETH sent to the caller.
    function sellForEth(uint256 vpnIn, uint256 minEthOut) external returns (uint256 ethOut);

    /// @notice Buys VPN tokens with `btcIn` wrapped BTC (approved to the exchange).
    /// @param btcIn Wrapped BTC to pay, in its own base units.
    /// @param minVpnOut The least the caller accepts.
    /// @return vpnOut Tokens minted to the caller.
    function buyWithBtc(uint256 btcIn, uint256 minVpnOut) external returns (uint256 vpnOut);

    /// @notice Sells `vpnIn` of the caller's tokens for wrapped BTC.
    /// @param vpnIn Tokens to sell.
    /// @param minBtcOut The least wrapped BTC the caller accepts.
    /// @return btcOut Wrapped BTC sent to the caller.
    function sellForBtc(uint256 vpnIn, uint256 minBtcOut) external returns (uint256 btcOut);

    /// @notice The owner sends the accrued fees to `to`.
    /// @param to The recipient.
    function withdrawFees(address payable to) external;

    /// @notice Tokens `ethIn` buys now, after the fee.
    /// @param ethIn ETH to pay.
    /// @return vpnOut Tokens received.
    function quoteBuyWithEth(uint256 ethIn) external view returns (uint256 vpnOut);

    /// @notice ETH `vpnIn` tokens sell for now, after the fee.
    /// @param vpnIn Tokens to sell.
    /// @return ethOut ETH received.
    function quoteSellForEth(uint256 vpnIn) external view returns (uint256 ethOut);

    /// @notice Tokens `btcIn` wrapped BTC buys now, after the fee.
    /// @param btcIn Wrapped BTC to pay.
    /// @return vpnOut Tokens received.
    function quoteBuyWithBtc(uint256 btcIn) external view returns (uint256 vpnOut);

    /// @notice Wrapped BTC `vpnIn` tokens sell for now, after the fee.
    /// @param vpnIn Tokens to sell.
    /// @return btcOut Wrapped BTC received.
    function quoteSellForBtc(uint256 vpnIn) external view returns (uint256 btcOut);

    /// @notice The VPN token.
    function token() external view returns (address);

    /// @notice The wrapped BTC token.
    function wrappedBtc() external view returns (address);

    /// @notice The VPN / ETH feed.
    function vpnEthFeed() external view returns (address);

    /// @notice The BTC / ETH feed.
    function btcEthFeed() external view returns (address);

    /// @notice The fee on every trade, in basis points.
    function feeBps() external view returns (uint16);

    /// @notice The oldest feed round a trade accepts, in seconds.
    function maxPriceAge() external view returns (uint64);

    /// @notice The largest move of a feed's answer from the exchange's reference price accepted without delay, in basis
    /// points of the reference.
    function maxPriceJumpBps() external view returns (uint16);

    /// @notice How long a jump outside the band must stand before trades accept it, in seconds.
    function priceJumpDelay() external view returns (uint64);

    /// @notice The reference price of `feed` (one of the exchange's two feeds): the round the exchange last adopted
    /// as the centre of its band. It moves to a newer round traded at only once it is `priceJumpDelay` old, or to a
    /// confirmed jump.
    /// @param feed The VPN / ETH or BTC / ETH feed.
    /// @return roundId The reference round.
    /// @return answer Its answer, in the feed's decimals.
    /// @return acceptedAt When it became the reference (block timestamp).
    function referencePrice(address feed) external view returns (uint80 roundId, uint256 answer, uint256 acceptedAt);

    /// @notice ETH available to buy tokens back (fees excluded).
    function ethReserve() external view returns (uint256);

    /// @notice Wrapped BTC available to buy tokens back (fees excluded).
    function btcReserve() external view returns (uint256);

    /// @notice Fees accrued and not yet withdrawn.
    /// @return eth ETH fees.
    /// @return btc Wrapped BTC fees.
    function accruedFees() external view returns (uint256 eth, uint256 btc);
}
