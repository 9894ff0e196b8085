// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {IProviderRegistry} from "./interfaces/IProviderRegistry.sol";
import {ISessionManager} from "./interfaces/ISessionManager.sol";

/// @title SessionManager
/// @notice Sessions between a client and a provider, paid through a one-way payment channel of EIP-712 vouchers.
/// @dev Trust assumptions: the deployer sets the dispute manager once; only it can hold a session open for a dispute
/// and take a ruling's penalty, from the deposit or from the session's reservation of the provider's bond, never more
/// than the session's penalty per side over all rulings. The provider registry trusts this contract to reserve, release
/// and take bonds (set once by the deployer): a session reserves its penalty when it opens (or is refused) and releases
/// the rest only when no claim against the provider can come any more, so every upheld claim is paid in full. A named
/// panel needs the provider's signed acceptance; the client's is its own transaction. Vouchers are the client's word
/// and checkpoints the provider's; the contract checks signatures and never the byte counts, which are the parties'
/// business (and the dispute system's). The token is the VPN token, which has no transfer hooks, so paying out
/// inside a call cannot re-enter; every state change precedes the transfers all the same.
/// Storage: one word per session, `top 216 bits of keccak256(abi.encode(session)) ‖ closedAt u32 ‖ status u2 ‖
/// bondReleased u1 ‖ openDisputes u5`, plus a ledger word written only by settlements, client closes and penalties,
/// and a word of bond taken written only by rulings against the provider.
contract SessionManager is ISessionManager, EIP712 {
    using SafeERC20 for IERC20;

    bytes32 private constant VOUCHER_TYPEHASH =
        keccak256("Voucher(uint64 sessionId,uint256 cumulativeAmount,uint64 cumulativeBytes,uint64 logSize,bytes32 logRoot)");
    bytes32 private constant CHECKPOINT_TYPEHASH =
        keccak256("Checkpoint(uint64 sessionId,uint64 treeSize,bytes32 root,uint64 epochTime,uint64 captureDrops)");
    bytes32 private constant PANEL_ACCEPTANCE_TYPEHASH =
        keccak256("PanelAcceptance(address client,uint96 penalty,uint8 committeeSize,bytes32 panelHash,uint64 deadline)");
    uint8 private constant MAX_COMMITTEE_SIZE = 15;
    uint8 private constant MAX_OPEN_DISPUTES = 31;
    uint256 private constant HASH_MASK = ~uint256(0xFF_FFFF_FFFF);
    uint256 private constant RELEASED = 1 << 5;
    uint256 private constant OPEN_DISPUTES_MASK = 31;

    struct Ledger {
        uint96 paid;
        uint96 penalized;
        uint64 closeDeadline;
    }

    IERC20 private immutable _token;
    IProviderRegistry private immutable _providers;
    address private immutable _deployer;
    uint64 private immutable _challengeWindow;
    uint64 private immutable _maxSessionDuration;
    uint64 private immutable _disputeWindow;
    // One slot: the dispute manager and the session counter.
    address private _disputeManager;
    uint64 private _nextSessionId = 1;
    mapping(uint64 sessionId => uint256 word) private _sessions;
    mapping(uint64 sessionId => Ledger) private _ledgers;
    mapping(uint64 sessionId => uint96 taken) private _bondTaken;
    mapping(bytes32 digest => bool used) private _usedAcceptances;

    modifier onlyDisputeManager() {
        if (msg.sender != _disputeManager || msg.sender == address(0)) revert SessionUnauthorized(msg.sender);
        _;
    }

    /// @param token_ The VPN token.
    /// @param providers_ The provider registry.
    /// @param challengeWindow_ Seconds the provider has to answer a client's close.
    /// @param maxSessionDuration_ Seconds a session may be served.
    /// @param disputeWindow_ Seconds after a session's end for claims against the provider.
    constructor(
        IERC20 token_,
        IProviderRegistry providers_,
        uint64 challengeWindow_,
        uint64 maxSessionDuration_,
        uint64 disputeWindow_
    ) EIP712("Oracle SessionManager", "1") {
        _token = token_;
        _providers = providers_;
        _deployer = msg.sender;
        _challengeWindow = challengeWindow_;
        _maxSessionDuration = maxSessionDuration_;
        _disputeWindow = disputeWindow_;
    }

    /// @inheritdoc ISessionManager
    function setDisputeManager(address disputeManager_) external {
        if (msg.sender != _deployer) revert SessionUnauthorized(msg.sender);
        if (_disputeManager != address(0)) revert SessionDisputeManagerAlreadySet();
        _disputeManager = disputeManager_;
        emit DisputeManagerSet(disputeManager_);
    }

    /// @inheritdoc ISessionManager
    function openSession(OpenParams calldata params) external returns (uint64) {
        return _open(params, false);
    }

    /// @inheritdoc ISessionManager
    function openSessionWithPanel(OpenParams calldata params, uint64 acceptanceDeadline, bytes calldata providerSignature)
        external
        returns (uint64)
    {
        if (params.panel.length == 0) revert SessionInvalidPanel();
        if (block.timestamp > acceptanceDeadline) revert SessionAcceptanceExpired(acceptanceDeadline);
        bytes32 digest = _hashTypedDataV4(
            keccak256(
                abi.encode(
                    PANEL_ACCEPTANCE_TYPEHASH,
                    msg.sender,
                    params.penalty,
                    params.committeeSize,
                    keccak256(abi.encodePacked(params.panel)),
                    acceptanceDeadline
                )
            )
        );
        (address signer, ECDSA.RecoverError err,) = ECDSA.tryRecoverCalldata(digest, providerSignature);
        if (err != ECDSA.RecoverError.NoError || signer != params.provider) {
            revert SessionInvalidSignature(params.provider, signer);
        }
        if (_usedAcceptances[digest]) revert SessionAcceptanceUsed(digest);
        _usedAcceptances[digest] = true;
        return _open(params, true);
    }

    /// @inheritdoc ISessionManager
    function openSessionWithPermit(OpenParams calldata params, uint256 deadline, uint8 v, bytes32 r, bytes32 s)
        external
        returns (uint64)
    {
        // A permit someone front-ran is already spent; the allowance it set is what matters (OpenZeppelin's advice).
        // solhint-disable-next-line no-empty-blocks
        try IERC20Permit(address(_token)).permit(msg.sender, address(this), params.deposit, deadline, v, r, s) {} catch {}
        return _open(params, false);
    }

    /// @inheritdoc ISessionManager
    function settleVoucher(uint64 sessionId, Session calldata session, Voucher calldata voucher, bytes calldata signature)
        external
    {
        uint256 word = _load(sessionId, session);
        SessionStatus status = _status(word);
        if (status != SessionStatus.Open && status != SessionStatus.Closing) revert SessionWrongStatus(sessionId, status);
        Ledger memory ledger = _ledgers[sessionId];
        if (status == SessionStatus.Closing) {
            // The provider's answer to a client's close: bounded by the challenge window, not by the session's end.
            if (block.timestamp >= ledger.closeDeadline) revert SessionChallengeWindowClosed(ledger.closeDeadline);
        } else {
            uint256 endsAt = session.openedAt + uint256(_maxSessionDuration);
            if (block.timestamp >= endsAt) revert SessionExpired(sessionId, endsAt);
        }
        _checkVoucher(sessionId, session.client, voucher, signature);
        uint96 target = _payable(session, ledger, voucher.cumulativeAmount);
        if (target <= ledger.paid) return;
        uint96 pay = target - ledger.paid;
        _ledgers[sessionId].paid = target;
        emit VoucherSettled(
            sessionId,
            session.client,
            session.provider,
            voucher.cumulativeAmount,
            pay,
            voucher.cumulativeBytes,
            voucher.logSize,
            voucher.logRoot
        );
        _token.safeTransfer(session.provider, pay);
    }

    /// @inheritdoc ISessionManager
    function closeSession(uint64 sessionId, Session calldata session, Voucher calldata voucher, bytes calldata signature)
        external
    {
        if (msg.sender != session.provider) revert SessionUnauthorized(msg.sender);
        uint256 word = _load(sessionId, session);
        SessionStatus status = _status(word);
        if (status != SessionStatus.Open && status != SessionStatus.Closing) revert SessionWrongStatus(sessionId, status);
        if (_openDisputes(word) != 0) revert SessionDisputeOpen(sessionId, _openDisputes(word));
        Ledger memory ledger = _ledgers[sessionId];
        if (status == SessionStatus.Closing && block.timestamp >= ledger.closeDeadline) {
            revert SessionChallengeWindowClosed(ledger.closeDeadline);
        }
        uint96 target = ledger.paid;
        if (voucher.cumulativeAmount != 0) {
            _checkVoucher(sessionId, session.client, voucher, signature);
            uint96 voucherTarget = _payable(session, ledger, voucher.cumulativeAmount);
            if (voucherTarget > target) target = voucherTarget;
        }
        uint96 pay = target - ledger.paid;
        uint96 refund = session.deposit - ledger.penalized - target;
        _sessions[sessionId] = _pack(word, SessionStatus.Closed, uint32(block.timestamp), 0);
        emit SessionClosed(sessionId, session.client, session.provider, pay, refund, uint64(block.timestamp));
        if (pay != 0) _token.safeTransfer(session.provider, pay);
        if (refund != 0) _token.safeTransfer(session.client, refund);
    }

    /// @inheritdoc ISessionManager
    function startClose(uint64 sessionId, Session calldata session) external {
        if (msg.sender != session.client) revert SessionUnauthorized(msg.sender);
        uint256 word = _load(sessionId, session);
        SessionStatus status = _status(word);
        if (status != SessionStatus.Open) revert SessionWrongStatus(sessionId, status);
        uint64 deadline = uint64(block.timestamp) + _challengeWindow;
        _sessions[sessionId] = _pack(word, SessionStatus.Closing, 0, _openDisputes(word));
        _ledgers[sessionId].closeDeadline = deadline;
        emit CloseStarted(sessionId, session.client, session.provider, deadline);
    }

    /// @inheritdoc ISessionManager
    function finalizeClose(uint64 sessionId, Session calldata session) external {
        uint256 word = _load(sessionId, session);
        SessionStatus status = _status(word);
        if (status != SessionStatus.Closing) revert SessionWrongStatus(sessionId, status);
        Ledger memory ledger = _ledgers[sessionId];
        if (block.timestamp < ledger.closeDeadline) revert SessionChallengeWindowOpen(ledger.closeDeadline);
        if (_openDisputes(word) != 0) revert SessionDisputeOpen(sessionId, _openDisputes(word));
        uint96 refund = session.deposit - ledger.penalized - ledger.paid;
        _sessions[sessionId] = _pack(word, SessionStatus.Closed, uint32(block.timestamp), 0);
        emit SessionClosed(sessionId, session.client, session.provider, 0, refund, uint64(block.timestamp));
        if (refund != 0) _token.safeTransfer(session.client, refund);
    }

    /// @inheritdoc ISessionManager
    function disputeFiled(uint64 sessionId, Session calldata session, bool againstClient) external onlyDisputeManager {
        uint256 word = _load(sessionId, session);
        SessionStatus status = _status(word);
        if (againstClient) {
            if (status != SessionStatus.Open && status != SessionStatus.Closing) {
                revert SessionWrongStatus(sessionId, status);
            }
        } else if (block.timestamp > _claimsEnd(session, word) + _disputeWindow) {
            revert SessionDisputeWindowClosed(sessionId);
        }
        uint8 open = _openDisputes(word);
        if (open == MAX_OPEN_DISPUTES) revert SessionTooManyDisputes(sessionId);
        _sessions[sessionId] = word + 1;
        emit SessionDisputed(sessionId, open + 1);
    }

    /// @inheritdoc ISessionManager
    function disputeResolved(uint64 sessionId, Session calldata session, bool againstClient, bool upheld)
        external
        onlyDisputeManager
        returns (uint256 taken)
    {
        uint256 word = _load(sessionId, session);
        uint8 open = _openDisputes(word);
        // The dispute manager resolves only what it filed, so `open` is at least 1 here.
        _sessions[sessionId] = word - 1;
        if (upheld) {
            if (againstClient) {
                Ledger memory ledger = _ledgers[sessionId];
                // Every ruling against the client takes at most what the earlier ones left of the penalty.
                uint96 left = session.penalty - ledger.penalized;
                uint96 available = session.deposit - ledger.penalized - ledger.paid;
                uint96 t = left < available ? left : available;
                if (t != 0) _ledgers[sessionId].penalized = ledger.penalized + t;
                taken = t;
            } else {
                // The session's reservation is whole until rulings take from it (no release while a dispute is open).
                uint96 t = session.penalty - _bondTaken[sessionId];
                if (t != 0) {
                    _bondTaken[sessionId] = session.penalty;
                    emit SessionDisputeResolved(sessionId, open - 1, t);
                    _providers.slashBond(session.provider, t, msg.sender);
                    return t;
                }
            }
        }
        emit SessionDisputeResolved(sessionId, open - 1, taken);
        if (taken != 0) _token.safeTransfer(msg.sender, taken);
    }

    /// @inheritdoc ISessionManager
    function releaseBond(uint64 sessionId, Session calldata session) external {
        uint256 word = _load(sessionId, session);
        if (word & RELEASED != 0) revert SessionBondAlreadyReleased(sessionId);
        if (_openDisputes(word) != 0) revert SessionDisputeOpen(sessionId, _openDisputes(word));
        // The same end as {disputeFiled}'s for claims against the provider.
        uint256 until = _claimsEnd(session, word) + _disputeWindow;
        if (block.timestamp <= until) revert SessionClaimsStillOpen(sessionId, until);
        _sessions[sessionId] = word | RELEASED;
        uint96 amount = session.penalty - _bondTaken[sessionId];
        emit SessionBondReleased(sessionId, session.provider, amount);
        if (amount != 0) _providers.releaseBond(session.provider, amount);
    }

    /// @inheritdoc ISessionManager
    function sessionState(uint64 sessionId) external view returns (SessionState memory state) {
        uint256 word = _sessions[sessionId];
        Ledger memory ledger = _ledgers[sessionId];
        state.status = _status(word);
        state.openDisputes = _openDisputes(word);
        state.closedAt = _closedAt(word);
        state.paid = ledger.paid;
        state.penalized = ledger.penalized;
        state.closeDeadline = ledger.closeDeadline;
        state.bondTaken = _bondTaken[sessionId];
        state.bondReleased = word & RELEASED != 0;
    }

    /// @inheritdoc ISessionManager
    function isSession(uint64 sessionId, Session calldata session) external view returns (bool) {
        uint256 word = _sessions[sessionId];
        return word != 0 && word & HASH_MASK == uint256(keccak256(abi.encode(session))) & HASH_MASK;
    }

    /// @inheritdoc ISessionManager
    function nextSessionId() external view returns (uint64) {
        return _nextSessionId;
    }

    /// @inheritdoc ISessionManager
    function hashVoucher(Voucher calldata voucher) public view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(
                abi.encode(
                    VOUCHER_TYPEHASH,
                    voucher.sessionId,
                    voucher.cumulativeAmount,
                    voucher.cumulativeBytes,
                    voucher.logSize,
                    voucher.logRoot
                )
            )
        );
    }

    /// @inheritdoc ISessionManager
    function hashPanelAcceptance(PanelAcceptance calldata acceptance) external view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(
                abi.encode(
                    PANEL_ACCEPTANCE_TYPEHASH,
                    acceptance.client,
                    acceptance.penalty,
                    acceptance.committeeSize,
                    acceptance.panelHash,
                    acceptance.deadline
                )
            )
        );
    }

    /// @inheritdoc ISessionManager
    function hashCheckpoint(Checkpoint calldata checkpoint) public view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(
                abi.encode(
                    CHECKPOINT_TYPEHASH,
                    checkpoint.sessionId,
                    checkpoint.treeSize,
                    checkpoint.root,
                    checkpoint.epochTime,
                    checkpoint.captureDrops
                )
            )
        );
    }

    /// @inheritdoc ISessionManager
    function voucherSigner(Voucher calldata voucher, bytes calldata signature) external view returns (address) {
        (address signer, ECDSA.RecoverError err,) = ECDSA.tryRecoverCalldata(hashVoucher(voucher), signature);
        return err == ECDSA.RecoverError.NoError ? signer : address(0);
    }

    /// @inheritdoc ISessionManager
    function checkpointSigner(Checkpoint calldata checkpoint, bytes calldata signature) external view returns (address) {
        (address signer, ECDSA.RecoverError err,) = ECDSA.tryRecoverCalldata(hashCheckpoint(checkpoint), signature);
        return err == ECDSA.RecoverError.NoError ? signer : address(0);
    }

    /// @inheritdoc ISessionManager
    function domainSeparator() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    /// @inheritdoc ISessionManager
    function challengeWindow() external view returns (uint64) {
        return _challengeWindow;
    }

    /// @inheritdoc ISessionManager
    function maxSessionDuration() external view returns (uint64) {
        return _maxSessionDuration;
    }

    /// @inheritdoc ISessionManager
    function disputeWindow() external view returns (uint64) {
        return _disputeWindow;
    }

    /// @inheritdoc ISessionManager
    function maxCommitteeSize() external pure returns (uint8) {
        return MAX_COMMITTEE_SIZE;
    }

    /// @inheritdoc ISessionManager
    function token() external view returns (address) {
        return address(_token);
    }

    /// @inheritdoc ISessionManager
    function providerRegistry() external view returns (address) {
        return address(_providers);
    }

    /// @inheritdoc ISessionManager
    function disputeManager() external view returns (address) {
        return _disputeManager;
    }

    /// Opens a session; `accepted` when the provider accepted its panel (a panel without acceptance is refused).
    function _open(OpenParams calldata p, bool accepted) private returns (uint64 sessionId) {
        if (!accepted && p.panel.length != 0) revert SessionPanelNotAccepted();
        if (p.provider == msg.sender) revert SessionUnauthorized(msg.sender);
        if (p.deposit == 0 || p.penalty > p.deposit) revert SessionInvalidDeposit(p.deposit, p.penalty);
        uint96 price;
        bytes32 policyHash;
        bool active;
        if (p.penalty == 0) {
            // Nothing to reserve: the registry's view suffices.
            (price, policyHash, active) = _providers.sessionTerms(p.provider);
        } else {
            uint96 free;
            // Reserves the penalty when the provider is active and its free bond covers it; every refusal below reverts.
            (price, policyHash, active, free) = _providers.reserveBond(p.provider, p.penalty);
            if (active && p.penalty > free) revert SessionPenaltyNotCovered(p.penalty, free);
        }
        if (!active) revert SessionProviderNotActive(p.provider);
        if (price != p.pricePerMiB || policyHash != p.policyHash) revert SessionTermsChanged(price, policyHash);
        bytes32 panelHash = _checkCommittee(p);
        Session memory session = Session({
            client: msg.sender,
            provider: p.provider,
            deposit: p.deposit,
            pricePerMiB: price,
            penalty: p.penalty,
            committeeSize: p.committeeSize,
            openedAt: uint64(block.timestamp),
            policyHash: policyHash,
            panelHash: panelHash
        });
        sessionId = _nextSessionId;
        _nextSessionId = sessionId + 1;
        _sessions[sessionId] = (uint256(keccak256(abi.encode(session))) & HASH_MASK) | (uint256(SessionStatus.Open) << 6);
        _emitOpened(sessionId, session, p.panel);
        _token.safeTransferFrom(msg.sender, address(this), p.deposit);
    }

    function _emitOpened(uint64 sessionId, Session memory s, address[] calldata panel) private {
        emit SessionOpened(
            sessionId,
            s.client,
            s.provider,
            s.deposit,
            s.pricePerMiB,
            s.penalty,
            s.committeeSize,
            s.openedAt,
            s.policyHash,
            s.panelHash,
            panel
        );
    }

    function _checkCommittee(OpenParams calldata p) private view returns (bytes32 panelHash) {
        uint8 size = p.committeeSize;
        uint256 panelLength = p.panel.length;
        if (size < 3 || size > MAX_COMMITTEE_SIZE || size % 2 == 0 || (panelLength != 0 && panelLength != size)) {
            revert SessionInvalidCommittee(size, panelLength);
        }
        if (panelLength == 0) return bytes32(0);
        address previous = address(0);
        for (uint256 i = 0; i < panelLength; ++i) {
            address member = p.panel[i];
            if (member < previous || member == previous || member == msg.sender || member == p.provider) {
                revert SessionInvalidPanel();
            }
            previous = member;
        }
        panelHash = keccak256(abi.encodePacked(p.panel));
    }

    function _checkVoucher(uint64 sessionId, address client, Voucher calldata voucher, bytes calldata signature)
        private
        view
    {
        if (voucher.sessionId != sessionId) revert SessionVoucherMismatch(sessionId, voucher.sessionId);
        (address signer, ECDSA.RecoverError err,) = ECDSA.tryRecoverCalldata(hashVoucher(voucher), signature);
        if (err != ECDSA.RecoverError.NoError || signer != client) revert SessionInvalidSignature(client, signer);
    }

    /// The cumulative amount a voucher makes payable: capped by what rulings left of the deposit.
    function _payable(Session calldata session, Ledger memory ledger, uint256 cumulativeAmount)
        private
        pure
        returns (uint96)
    {
        uint96 cap = session.deposit - ledger.penalized;
        return cumulativeAmount < cap ? uint96(cumulativeAmount) : cap;
    }

    function _load(uint64 sessionId, Session calldata session) private view returns (uint256 word) {
        word = _sessions[sessionId];
        if (word == 0 || word & HASH_MASK != uint256(keccak256(abi.encode(session))) & HASH_MASK) {
            revert SessionUnknown(sessionId);
        }
    }

    function _pack(uint256 word, SessionStatus status, uint32 closedAt, uint8 openDisputes) private pure returns (uint256) {
        return (word & (HASH_MASK | RELEASED)) | (uint256(closedAt) << 8) | (uint256(status) << 6) | openDisputes;
    }

    /// When the provider's service ends for claims: the close, or `openedAt + maxSessionDuration` if that is earlier.
    function _claimsEnd(Session calldata session, uint256 word) private view returns (uint256 end) {
        end = session.openedAt + uint256(_maxSessionDuration);
        if (_status(word) == SessionStatus.Closed && _closedAt(word) < end) end = _closedAt(word);
    }

    function _status(uint256 word) private pure returns (SessionStatus) {
        return SessionStatus((word >> 6) & 3);
    }

    function _openDisputes(uint256 word) private pure returns (uint8) {
        return uint8(word & OPEN_DISPUTES_MASK);
    }

    function _closedAt(uint256 word) private pure returns (uint64) {
        return uint64(uint32(word >> 8));
    }
}
