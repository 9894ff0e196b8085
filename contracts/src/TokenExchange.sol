// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IAggregatorV3} from "./interfaces/IAggregatorV3.sol";
import {ITokenExchange} from "./interfaces/ITokenExchange.sol";
import {IVpnToken} from "./interfaces/IVpnToken.sol";

/// @title TokenExchange
/// @notice Sells VPN tokens (minting them) for ETH at the VPN/ETH feed price and for wrapped BTC at the BTC/ETH and
/// VPN/ETH prices, and buys them back (burning them) from its reserves, with a fee.
/// @dev Trust assumptions: trusts its two price feeds (see PriceFeed) and refuses their rounds older than
/// `maxPriceAge`. It does not trust a single round: a feed's quorum of Sybil reporters can finalize any price in one
/// round, so a round more than `maxPriceJumpBps` away from the reference price only trades after the run of such
/// rounds has stood for `priceJumpDelay`, which gives the honest oracles that long to finalize a corrective round; an
/// attacker who holds a feed for longer than that still sets its price. The reference moves at most once per
/// `priceJumpDelay` (a round inside the band trades at once but replaces the reference only when the reference is at
/// least that old). Until then a trade gets the worse of the latest round and the reference for the trader: buyers
/// pay at least the reference, sellers get at most it, so rounds swinging inside the band (−20 %, +20 %, …) never make
/// a round trip profitable within one reference window. What a feed's quorum can still take is the walk: the
/// reference moves by at most one band per `priceJumpDelay`, so VPN bought at one reference sells at most (1 + band)
/// times dearer one delay later (docs/contracts.md states the worst case). The walk over the run
/// reads at most 8 rounds (older ones make the pause longer, never shorter) and assumes consecutive round ids, as
/// PriceFeed has. The owner can only withdraw the accrued fees, never the reserves, and cannot change the fee, the
/// feeds or the tokens. The only minter of the VPN token. Selling pays ETH to the seller (the caller) last, under a
/// reentrancy guard.
contract TokenExchange is ITokenExchange, Ownable2Step, ReentrancyGuard {
    using SafeERC20 for IERC20;

    uint16 private constant MAX_FEE_BPS = 1000;
    uint256 private constant BPS = 10_000;
    uint256 private constant ONE = 1e18;
    uint256 private constant JUMP_LOOKBACK = 8;

    /// The round of a feed the exchange last adopted as its reference for the jump check, and when (one slot).
    struct Reference {
        uint80 roundId;
        uint128 answer;
        uint48 acceptedAt;
    }

    IVpnToken private immutable _vpn;
    IERC20 private immutable _wbtc;
    IAggregatorV3 private immutable _vpnEth;
    IAggregatorV3 private immutable _btcEth;
    uint16 private immutable _feeBps;
    uint64 private immutable _maxPriceAge;
    uint256 private immutable _btcScale;
    uint256 private immutable _vpnEthScale;
    uint256 private immutable _btcEthScale;
    uint16 private immutable _maxPriceJumpBps;
    uint64 private immutable _priceJumpDelay;
    Reference private _vpnEthRef;
    Reference private _btcEthRef;
    uint256 private _ethFees;
    uint256 private _btcFees;

    /// @param vpn The VPN token (this exchange must be its minter).
    /// @param wbtc The wrapped BTC token (at most 18 decimals).
    /// @param vpnEth The VPN / ETH feed (at most 18 decimals).
    /// @param btcEth The BTC / ETH feed (at most 18 decimals).
    /// @param feeBps_ The fee, at most 10%.
    /// @param maxPriceAge_ The oldest feed round a trade accepts, seconds.
    /// @param maxPriceJumpBps_ The band around the reference price inside which a new round trades at once, 1 to
    /// 10,000 basis points.
    /// @param priceJumpDelay_ How long a jump outside the band pauses trading, seconds; positive and below
    /// `maxPriceAge_`.
    /// @param owner_ Who may withdraw the fees.
    constructor(
        IVpnToken vpn,
        IERC20Metadata wbtc,
        IAggregatorV3 vpnEth,
        IAggregatorV3 btcEth,
        uint16 feeBps_,
        uint64 maxPriceAge_,
        uint16 maxPriceJumpBps_,
        uint64 priceJumpDelay_,
        address owner_
    ) Ownable(owner_) {
        if (feeBps_ > MAX_FEE_BPS) revert ExchangeInvalidFee(feeBps_);
        if (maxPriceJumpBps_ == 0 || maxPriceJumpBps_ > BPS) revert ExchangeInvalidPriceJump(maxPriceJumpBps_);
        if (priceJumpDelay_ == 0 || priceJumpDelay_ >= maxPriceAge_) {
            revert ExchangeInvalidPriceJumpDelay(priceJumpDelay_, maxPriceAge_);
        }
        _vpn = vpn;
        _wbtc = IERC20(address(wbtc));
        _vpnEth = vpnEth;
        _btcEth = btcEth;
        _feeBps = feeBps_;
        _maxPriceAge = maxPriceAge_;
        _btcScale = 10 ** (18 - wbtc.decimals());
        _vpnEthScale = 10 ** (18 - vpnEth.decimals());
        _btcEthScale = 10 ** (18 - btcEth.decimals());
        _maxPriceJumpBps = maxPriceJumpBps_;
        _priceJumpDelay = priceJumpDelay_;
        _vpnEthRef = _initialReference(vpnEth);
        _btcEthRef = _initialReference(btcEth);
    }

    /// @inheritdoc ITokenExchange
    function buyWithEth(uint256 minVpnOut) external payable nonReentrant returns (uint256 vpnOut) {
        if (msg.value == 0) revert ExchangeZeroAmount();
        uint256 vpnPrice = _acceptPrice(_vpnEth, _vpnEthScale, _vpnEthRef, true);
        uint256 fee = msg.value * _feeBps / BPS;
        vpnOut = (msg.value - fee) * ONE / vpnPrice;
        if (vpnOut < minVpnOut || vpnOut == 0) revert ExchangeSlippage(vpnOut, minVpnOut);
        _ethFees += fee;
        emit VpnBought(msg.sender, address(0), msg.value, fee, vpnOut, vpnPrice);
        _vpn.mint(msg.sender, vpnOut);
    }

    /// @inheritdoc ITokenExchange
    function sellForEth(uint256 vpnIn, uint256 minEthOut) external nonReentrant returns (uint256 ethOut) {
        if (vpnIn == 0) revert ExchangeZeroAmount();
        uint256 vpnPrice = _acceptPrice(_vpnEth, _vpnEthScale, _vpnEthRef, false);
        uint256 gross = vpnIn * vpnPrice / ONE;
        uint256 fee = gross * _feeBps / BPS;
        ethOut = gross - fee;
        uint256 reserve = address(this).balance - _ethFees;
        if (gross > reserve) revert ExchangeInsufficientReserve(gross, reserve);
        if (ethOut < minEthOut || ethOut == 0) revert ExchangeSlippage(ethOut, minEthOut);
        _ethFees += fee;
        emit VpnSold(msg.sender, address(0), vpnIn, fee, ethOut, vpnPrice);
        IERC20(address(_vpn)).safeTransferFrom(msg.sender, address(this), vpnIn);
        _vpn.burn(vpnIn);
        _sendEth(payable(msg.sender), ethOut);
    }

    /// @inheritdoc ITokenExchange
    function buyWithBtc(uint256 btcIn, uint256 minVpnOut) external nonReentrant returns (uint256 vpnOut) {
        if (btcIn == 0) revert ExchangeZeroAmount();
        (uint256 vpnPrice, uint256 btcPrice) = _acceptPrices(true);
        uint256 fee = btcIn * _feeBps / BPS;
        vpnOut = Math.mulDiv((btcIn - fee) * _btcScale, btcPrice, vpnPrice);
        if (vpnOut < minVpnOut || vpnOut == 0) revert ExchangeSlippage(vpnOut, minVpnOut);
        _btcFees += fee;
        emit VpnBought(msg.sender, address(_wbtc), btcIn, fee, vpnOut, Math.mulDiv(vpnPrice, ONE, btcPrice));
        _wbtc.safeTransferFrom(msg.sender, address(this), btcIn);
        _vpn.mint(msg.sender, vpnOut);
    }

    /// @inheritdoc ITokenExchange
    function sellForBtc(uint256 vpnIn, uint256 minBtcOut) external nonReentrant returns (uint256 btcOut) {
        if (vpnIn == 0) revert ExchangeZeroAmount();
        (uint256 vpnPrice, uint256 btcPrice) = _acceptPrices(false);
        uint256 gross = Math.mulDiv(vpnIn, vpnPrice, btcPrice * _btcScale);
        uint256 fee = gross * _feeBps / BPS;
        btcOut = gross - fee;
        uint256 reserve = _wbtc.balanceOf(address(this)) - _btcFees;
        if (gross > reserve) revert ExchangeInsufficientReserve(gross, reserve);
        if (btcOut < minBtcOut || btcOut == 0) revert ExchangeSlippage(btcOut, minBtcOut);
        _btcFees += fee;
        emit VpnSold(msg.sender, address(_wbtc), vpnIn, fee, btcOut, Math.mulDiv(vpnPrice, ONE, btcPrice));
        IERC20(address(_vpn)).safeTransferFrom(msg.sender, address(this), vpnIn);
        _vpn.burn(vpnIn);
        _wbtc.safeTransfer(msg.sender, btcOut);
    }

    /// @inheritdoc ITokenExchange
    function withdrawFees(address payable to) external onlyOwner nonReentrant {
        uint256 eth = _ethFees;
        uint256 btc = _btcFees;
        _ethFees = 0;
        _btcFees = 0;
        emit FeesWithdrawn(to, eth, btc);
        if (btc != 0) _wbtc.safeTransfer(to, btc);
        if (eth != 0) _sendEth(to, eth);
    }

    /// @inheritdoc ITokenExchange
    function quoteBuyWithEth(uint256 ethIn) external view returns (uint256) {
        return (ethIn - ethIn * _feeBps / BPS) * ONE / _price(_vpnEth, _vpnEthScale, _vpnEthRef, true);
    }

    /// @inheritdoc ITokenExchange
    function quoteSellForEth(uint256 vpnIn) external view returns (uint256) {
        uint256 gross = vpnIn * _price(_vpnEth, _vpnEthScale, _vpnEthRef, false) / ONE;
        return gross - gross * _feeBps / BPS;
    }

    /// @inheritdoc ITokenExchange
    function quoteBuyWithBtc(uint256 btcIn) external view returns (uint256) {
        (uint256 vpnPrice, uint256 btcPrice) = _prices(true);
        return Math.mulDiv((btcIn - btcIn * _feeBps / BPS) * _btcScale, btcPrice, vpnPrice);
    }

    /// @inheritdoc ITokenExchange
    function quoteSellForBtc(uint256 vpnIn) external view returns (uint256) {
        (uint256 vpnPrice, uint256 btcPrice) = _prices(false);
        uint256 gross = Math.mulDiv(vpnIn, vpnPrice, btcPrice * _btcScale);
        return gross - gross * _feeBps / BPS;
    }

    /// @inheritdoc ITokenExchange
    function token() external view returns (address) {
        return address(_vpn);
    }

    /// @inheritdoc ITokenExchange
    function wrappedBtc() external view returns (address) {
        return address(_wbtc);
    }

    /// @inheritdoc ITokenExchange
    function vpnEthFeed() external view returns (address) {
        return address(_vpnEth);
    }

    /// @inheritdoc ITokenExchange
    function btcEthFeed() external view returns (address) {
        return address(_btcEth);
    }

    /// @inheritdoc ITokenExchange
    function feeBps() external view returns (uint16) {
        return _feeBps;
    }

    /// @inheritdoc ITokenExchange
    function maxPriceAge() external view returns (uint64) {
        return _maxPriceAge;
    }

    /// @inheritdoc ITokenExchange
    function maxPriceJumpBps() external view returns (uint16) {
        return _maxPriceJumpBps;
    }

    /// @inheritdoc ITokenExchange
    function priceJumpDelay() external view returns (uint64) {
        return _priceJumpDelay;
    }

    /// @inheritdoc ITokenExchange
    function referencePrice(address feed) external view returns (uint80 roundId, uint256 answer, uint256 acceptedAt) {
        Reference memory r =
            feed == address(_vpnEth) ? _vpnEthRef : feed == address(_btcEth) ? _btcEthRef : Reference(0, 0, 0);
        return (r.roundId, r.answer, r.acceptedAt);
    }

    /// @inheritdoc ITokenExchange
    function ethReserve() external view returns (uint256) {
        return address(this).balance - _ethFees;
    }

    /// @inheritdoc ITokenExchange
    function btcReserve() external view returns (uint256) {
        return _wbtc.balanceOf(address(this)) - _btcFees;
    }

    /// @inheritdoc ITokenExchange
    function accruedFees() external view returns (uint256 eth, uint256 btc) {
        return (_ethFees, _btcFees);
    }

    /// The VPN and BTC prices of a wrapped-BTC trade: `buying` VPN (paying BTC) takes the high VPN price and the low
    /// BTC price, selling the other way round (see {_checkedPrice}).
    function _prices(bool buying) private view returns (uint256 vpnPrice, uint256 btcPrice) {
        vpnPrice = _price(_vpnEth, _vpnEthScale, _vpnEthRef, buying);
        btcPrice = _price(_btcEth, _btcEthScale, _btcEthRef, !buying);
    }

    function _acceptPrices(bool buying) private returns (uint256 vpnPrice, uint256 btcPrice) {
        vpnPrice = _acceptPrice(_vpnEth, _vpnEthScale, _vpnEthRef, buying);
        btcPrice = _acceptPrice(_btcEth, _btcEthScale, _btcEthRef, !buying);
    }

    /// {_price}, and the round becomes the feed's reference when it may move (an effect, before the trade's
    /// interactions).
    function _acceptPrice(IAggregatorV3 feed, uint256 scale, Reference storage ref, bool high) private returns (uint256) {
        (uint256 price, uint80 roundId, uint256 answer, bool advance) = _checkedPrice(feed, scale, ref, high);
        if (advance) {
            ref.roundId = roundId;
            ref.answer = uint128(answer);
            ref.acceptedAt = uint48(block.timestamp);
        }
        return price;
    }

    function _price(IAggregatorV3 feed, uint256 scale, Reference storage ref, bool high) private view returns (uint256 price) {
        (price,,,) = _checkedPrice(feed, scale, ref, high);
    }

    /// The price a trade uses, in 18 decimals, refusing stale or non-positive answers and unconfirmed jumps, and whether
    /// the feed's latest round replaces the reference: a newer round does once the reference is `priceJumpDelay` old,
    /// or when it is a confirmed jump (which stood that long after the reference was accepted). Until the round is the
    /// reference the trade gets the worse of the round and the reference for the trader (`high`: the higher of the two,
    /// for the asset the exchange sells), so rounds that swing inside the band around one reference never let a round
    /// trip buy low and sell high: every buy pays at least the reference, every sale gets at most it.
    function _checkedPrice(IAggregatorV3 feed, uint256 scale, Reference storage ref, bool high)
        private
        view
        returns (uint256 price, uint80 roundId, uint256 answer, bool advance)
    {
        int256 signed;
        uint256 updatedAt;
        (roundId, signed,, updatedAt,) = feed.latestRoundData();
        if (signed <= 0 || signed > int256(uint256(type(uint128).max))) revert ExchangeInvalidPrice(address(feed), signed);
        if (block.timestamp > updatedAt + _maxPriceAge) revert ExchangeStalePrice(address(feed), updatedAt);
        answer = uint256(signed);
        price = answer * scale;
        Reference memory r = ref;
        if (roundId == r.roundId) return (price, roundId, answer, false);
        if (_withinBand(answer, r.answer)) {
            advance = block.timestamp >= uint256(r.acceptedAt) + _priceJumpDelay;
        } else {
            _requireConfirmedJump(feed, roundId, updatedAt, r);
            advance = true;
        }
        if (!advance && r.answer != 0) {
            uint256 refPrice = uint256(r.answer) * scale;
            if (high ? refPrice > price : refPrice < price) price = refPrice;
        }
    }

    /// Reverts unless the run of rounds outside the band that ends with the latest one (`roundId`) began at least
    /// `priceJumpDelay` ago. Walks back at most {JUMP_LOOKBACK} rounds and never past the reference round; a longer run
    /// is dated by its oldest round read, which can only make the pause longer.
    function _requireConfirmedJump(IAggregatorV3 feed, uint80 roundId, uint256 updatedAt, Reference memory r) private view {
        uint256 firstOutside = updatedAt;
        for (uint256 i = 1; i < JUMP_LOOKBACK && roundId > i && roundId - i > r.roundId; ++i) {
            (, int256 earlier,, uint256 earlierAt,) = feed.getRoundData(uint80(roundId - i));
            if (earlier > 0 && _withinBand(uint256(earlier), r.answer)) break;
            firstOutside = earlierAt;
        }
        uint256 confirmsAt = firstOutside + _priceJumpDelay;
        if (block.timestamp < confirmsAt) revert ExchangePriceJumpUnconfirmed(address(feed), firstOutside, confirmsAt);
    }

    /// Whether `answer` is within `maxPriceJumpBps` of `refAnswer` (no reference yet: every answer is).
    function _withinBand(uint256 answer, uint256 refAnswer) private view returns (bool) {
        if (refAnswer == 0) return true;
        uint256 diff = answer > refAnswer ? answer - refAnswer : refAnswer - answer;
        return diff * BPS <= refAnswer * _maxPriceJumpBps;
    }

    /// The feed's latest round as the first reference, accepted now (none when its answer is unusable; trades then
    /// refuse it anyway).
    function _initialReference(IAggregatorV3 feed) private view returns (Reference memory) {
        (uint80 roundId, int256 answer,,,) = feed.latestRoundData();
        if (answer <= 0 || answer > int256(uint256(type(uint128).max))) return Reference(0, 0, 0);
        return Reference(roundId, uint128(uint256(answer)), uint48(block.timestamp));
    }

    function _sendEth(address payable to, uint256 amount) private {
        (bool ok,) = to.call{value: amount}("");
        if (!ok) revert ExchangeEthTransferFailed(to, amount);
    }
}
