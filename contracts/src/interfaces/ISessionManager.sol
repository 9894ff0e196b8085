// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title ISessionManager
/// @notice VPN sessions with payment channels. A client opens a session with a provider and deposits VPN tokens; it
/// pays off-chain with EIP-712 vouchers (cumulative amount, bytes and evidence log root) that the provider settles
/// or closes with; the client can close alone after a challenge window. Every open, settlement and close emits an
/// event with the parties, times and amounts: the audit trail of every sharing transaction.
/// @dev The session's fixed terms are not stored: the contract keeps a hash of the {Session} struct and every call
/// about a session passes the struct (rebuilt from the {SessionOpened} event). EIP-712 domain: name
/// "Oracle SessionManager", version "1", the chain id and this contract. A session reserves its penalty from the
/// provider's free bond when it opens (refused when the free bond is smaller) and releases what is left of it once no
/// claim against the provider can come ({releaseBond}); what all rulings of one session take is capped at the penalty
/// per side (deposit and bond). A named panel needs the provider's EIP-712 {PanelAcceptance} ({openSessionWithPanel});
/// without one the committee is drawn.
interface ISessionManager {
    /// @notice A session's fixed terms. Hash-committed: `keccak256(abi.encode(session))`.
    /// @param client Who opened the session, deposited and signs vouchers.
    /// @param provider The gateway operator (its address signs checkpoints and closes).
    /// @param deposit Tokens the client locked.
    /// @param pricePerMiB The provider's price when the session opened, VPN base units per MiB.
    /// @param penalty The most all rulings of the session together take from each party (client's deposit, provider's
    /// bond, which reserves it while claims may come).
    /// @param committeeSize Oracles who judge a dispute in the first round (odd).
    /// @param openedAt The block time the session opened (the start time of the audit trail).
    /// @param policyHash The provider's policy document hash when the session opened.
    /// @param panelHash `keccak256(abi.encodePacked(panel))` of the oracles both parties named, or zero (drawn).
    struct Session {
        address client;
        address provider;
        uint96 deposit;
        uint96 pricePerMiB;
        uint96 penalty;
        uint8 committeeSize;
        uint64 openedAt;
        bytes32 policyHash;
        bytes32 panelHash;
    }

    /// @notice What a client chooses when opening a session.
    /// @param provider An Active provider with a bond of at least the registry's minimum.
    /// @param deposit Tokens to lock (approved to this contract, or with a permit).
    /// @param pricePerMiB The provider's current price (checked: a provider cannot change it under the client).
    /// @param policyHash The provider's current policy hash (checked likewise).
    /// @param penalty At most `deposit` and at most the provider's free bond (reserved from it).
    /// @param committeeSize Odd, from 3 to {maxCommitteeSize}; the panel's length when a panel is named.
    /// @param panel Empty (the committee is drawn), or the named oracles in strictly ascending address order, accepted
    /// by the provider ({openSessionWithPanel} only).
    // An ABI and EIP-712 layout, not storage: field order is fixed.
    // solhint-disable-next-line gas-struct-packing
    struct OpenParams {
        address provider;
        uint96 deposit;
        uint96 pricePerMiB;
        bytes32 policyHash;
        uint96 penalty;
        uint8 committeeSize;
        address[] panel;
    }

    /// @notice EIP-712 `Voucher`, signed by the client: pays `cumulativeAmount` in total.
    // An ABI and EIP-712 layout, not storage: field order is fixed.
    // solhint-disable-next-line gas-struct-packing
    struct Voucher {
        uint64 sessionId;
        uint256 cumulativeAmount;
        uint64 cumulativeBytes;
        uint64 logSize;
        bytes32 logRoot;
    }

    /// @notice EIP-712 `PanelAcceptance`, signed by the provider: it accepts that `client` opens a session judged by
    /// the panel `panelHash` (`keccak256(abi.encodePacked(panel))`) of `committeeSize` oracles with `penalty`, until
    /// `deadline`. The client's acceptance is its own transaction ({openSessionWithPanel}); each acceptance opens one
    /// session.
    // An ABI and EIP-712 layout, not storage: field order is fixed.
    // solhint-disable-next-line gas-struct-packing
    struct PanelAcceptance {
        address client;
        uint96 penalty;
        uint8 committeeSize;
        bytes32 panelHash;
        uint64 deadline;
    }

    /// @notice EIP-712 `Checkpoint`, signed by the provider: the session's evidence log at `treeSize` has `root`.
    // An ABI and EIP-712 layout, not storage: field order is fixed.
    // solhint-disable-next-line gas-struct-packing
    struct Checkpoint {
        uint64 sessionId;
        uint64 treeSize;
        bytes32 root;
        uint64 epochTime;
        uint64 captureDrops;
    }

    /// @notice A session's life cycle: None → Open → (Closing →) Closed.
    enum SessionStatus {
        None,
        Open,
        Closing,
        Closed
    }

    /// @notice A session's changing state.
    /// @param status Where the session is in its life cycle.
    /// @param openDisputes Disputes on the session not yet executed (closing waits for them).
    /// @param closedAt When it closed (0 while open).
    /// @param paid Tokens paid to the provider through vouchers so far.
    /// @param penalized Tokens taken from the deposit by rulings.
    /// @param closeDeadline End of the challenge window of a client's close (0 when none).
    /// @param bondTaken Tokens taken from the provider's bond by rulings on this session.
    /// @param bondReleased Whether the rest of the session's bond reservation was released ({releaseBond}).
    // An ABI layout (a view's answer), not storage: field order is fixed.
    // solhint-disable-next-line gas-struct-packing
    struct SessionState {
        SessionStatus status;
        uint8 openDisputes;
        uint64 closedAt;
        uint96 paid;
        uint96 penalized;
        uint64 closeDeadline;
        uint96 bondTaken;
        bool bondReleased;
    }

    /// @notice No session with this id, or the terms passed are not the session's.
    error SessionUnknown(uint64 sessionId);
    /// @notice The session is not in a status that allows this.
    error SessionWrongStatus(uint64 sessionId, SessionStatus status);
    /// @notice The caller is not the party this action belongs to.
    error SessionUnauthorized(address caller);
    /// @notice The voucher's session id is not this session's (a voucher of another session).
    error SessionVoucherMismatch(uint64 sessionId, uint64 voucherSessionId);
    /// @notice The signature is not the expected party's.
    error SessionInvalidSignature(address expected, address recovered);
    /// @notice The provider is not Active or its bond is below the registry's minimum.
    error SessionProviderNotActive(address provider);
    /// @notice The penalty exceeds the provider's free bond (the bond not reserved by other sessions).
    error SessionPenaltyNotCovered(uint96 penalty, uint96 freeBond);
    /// @notice A named panel needs the provider's acceptance ({openSessionWithPanel}).
    error SessionPanelNotAccepted();
    /// @notice The provider's panel acceptance expired.
    error SessionAcceptanceExpired(uint64 deadline);
    /// @notice The provider's panel acceptance already opened a session.
    error SessionAcceptanceUsed(bytes32 digest);
    /// @notice Claims against the provider may still come until `until`: the reservation stays.
    error SessionClaimsStillOpen(uint64 sessionId, uint256 until);
    /// @notice The session's bond reservation was already released.
    error SessionBondAlreadyReleased(uint64 sessionId);
    /// @notice The price or policy hash passed is not the provider's current one.
    error SessionTermsChanged(uint96 pricePerMiB, bytes32 policyHash);
    /// @notice A deposit of zero, or a penalty above the deposit.
    error SessionInvalidDeposit(uint96 deposit, uint96 penalty);
    /// @notice The committee size is even, too small or too large, or differs from the panel's length.
    error SessionInvalidCommittee(uint8 committeeSize, uint256 panelLength);
    /// @notice The panel's addresses are not strictly ascending (or include a party).
    error SessionInvalidPanel();
    /// @notice The challenge window of the client's close has not ended.
    error SessionChallengeWindowOpen(uint64 closeDeadline);
    /// @notice The challenge window of the client's close has ended; no voucher can be settled any more.
    error SessionChallengeWindowClosed(uint64 closeDeadline);
    /// @notice The session ran out (`openedAt + maxSessionDuration`, at `endsAt`) while Open: its vouchers are no
    /// longer settled alone; the provider closes it with its last voucher ({closeSession}).
    error SessionExpired(uint64 sessionId, uint256 endsAt);
    /// @notice A dispute on the session is open; the session cannot close until it is executed.
    error SessionDisputeOpen(uint64 sessionId, uint8 openDisputes);
    /// @notice The dispute window for claims against the provider has passed.
    error SessionDisputeWindowClosed(uint64 sessionId);
    /// @notice Too many disputes are open on the session at once.
    error SessionTooManyDisputes(uint64 sessionId);
    /// @notice The dispute manager was already set (it can be set once, by the deployer).
    error SessionDisputeManagerAlreadySet();

    /// @notice A session opened: the start of its audit trail. Every field of {Session} is here, so a reader can
    /// rebuild the struct that later calls pass.
    event SessionOpened(
        uint64 indexed sessionId,
        address indexed client,
        address indexed provider,
        uint96 deposit,
        uint96 pricePerMiB,
        uint96 penalty,
        uint8 committeeSize,
        uint64 openedAt,
        bytes32 policyHash,
        bytes32 panelHash,
        address[] panel
    );
    /// @notice A voucher was settled: the provider received `paid` now, `cumulativeAmount` in total.
    event VoucherSettled(
        uint64 indexed sessionId,
        address indexed client,
        address indexed provider,
        uint256 cumulativeAmount,
        uint256 paid,
        uint64 cumulativeBytes,
        uint64 logSize,
        bytes32 logRoot
    );
    /// @notice The client started to close; the provider may settle a later voucher until `closeDeadline`.
    event CloseStarted(uint64 indexed sessionId, address indexed client, address indexed provider, uint64 closeDeadline);
    /// @notice A session closed: the stop time of its audit trail, with what each party received at the close.
    event SessionClosed(
        uint64 indexed sessionId,
        address indexed client,
        address indexed provider,
        uint256 paidToProvider,
        uint256 refundedToClient,
        uint64 closedAt
    );
    /// @notice A dispute on the session was filed (`openDisputes` now open).
    event SessionDisputed(uint64 indexed sessionId, uint8 openDisputes);
    /// @notice A dispute on the session was executed; `penalty` of the deposit (or, for a claim against the
    /// provider, of its bond) went to the dispute manager.
    event SessionDisputeResolved(uint64 indexed sessionId, uint8 openDisputes, uint256 penalty);
    /// @notice No claim against the provider can come any more: `amount` of its bond reservation was released.
    event SessionBondReleased(uint64 indexed sessionId, address indexed provider, uint96 amount);
    /// @notice The dispute manager was set.
    event DisputeManagerSet(address indexed disputeManager);

    /// @notice Opens a session with a drawn committee; the deposit is taken from the caller (the client) and the
    /// penalty is reserved from the provider's free bond ({SessionPenaltyNotCovered} when it does not cover it).
    /// @param params What the client chooses (`panel` empty, else {SessionPanelNotAccepted}).
    /// @return sessionId The new session's id (from 1 up).
    function openSession(OpenParams calldata params) external returns (uint64 sessionId);

    /// @notice Opens a session judged by the named panel `params.panel`, which the provider accepted by signing a
    /// {PanelAcceptance} for the caller, the penalty, the committee size and the panel. The client's acceptance is
    /// this transaction. Each acceptance opens one session.
    /// @param params What the client chooses (a non-empty panel).
    /// @param acceptanceDeadline The acceptance's deadline.
    /// @param providerSignature The provider's EIP-712 signature of the {PanelAcceptance}.
    /// @return sessionId The new session's id.
    function openSessionWithPanel(OpenParams calldata params, uint64 acceptanceDeadline, bytes calldata providerSignature)
        external
        returns (uint64 sessionId);

    /// @notice {openSession} with an EIP-2612 permit for the deposit, so one transaction suffices (drawn committees).
    /// @param params What the client chooses.
    /// @param deadline The permit's deadline.
    /// @param v The permit signature's v.
    /// @param r The permit signature's r.
    /// @param s The permit signature's s.
    /// @return sessionId The new session's id.
    function openSessionWithPermit(OpenParams calldata params, uint256 deadline, uint8 v, bytes32 r, bytes32 s)
        external
        returns (uint64 sessionId);

    /// @notice Pays the provider what a client voucher adds to what was paid so far, without closing.
    /// @dev Untrusted entry point: anyone may submit (the voucher is the client's signature). Allowed while the
    /// session is Open and has not run out (before `openedAt + maxSessionDuration`, the time gateways stop serving it;
    /// {SessionExpired} after it: the provider then closes with its last voucher, {closeSession}), and while Closing
    /// until `closeDeadline`: during a client's close this is how the provider answers with its latest voucher, also
    /// after the session ran out and while a dispute keeps {closeSession} from closing.
    /// @param sessionId The session.
    /// @param session Its terms.
    /// @param voucher The client's voucher.
    /// @param signature The client's EIP-712 signature of `voucher`.
    function settleVoucher(uint64 sessionId, Session calldata session, Voucher calldata voucher, bytes calldata signature)
        external;

    /// @notice Cooperative close by the provider: settles the voucher (if it adds anything), refunds the rest of the
    /// deposit to the client and records the stop time. A voucher of cumulative amount 0 needs no signature.
    /// @param sessionId The session.
    /// @param session Its terms.
    /// @param voucher The client's latest voucher.
    /// @param signature The client's signature of `voucher`.
    function closeSession(uint64 sessionId, Session calldata session, Voucher calldata voucher, bytes calldata signature)
        external;

    /// @notice The client starts closing alone; the provider has {challengeWindow} seconds to settle a later voucher.
    /// @param sessionId The session.
    /// @param session Its terms.
    function startClose(uint64 sessionId, Session calldata session) external;

    /// @notice Ends a client's close after the challenge window: refunds what was not paid. Anyone may call.
    /// @param sessionId The session.
    /// @param session Its terms.
    function finalizeClose(uint64 sessionId, Session calldata session) external;

    /// @notice Records a dispute filed on the session. Only the dispute manager.
    /// @dev Claims against the client need the session Open or Closing (its deposit is still here); claims against
    /// the provider may also come within {disputeWindow} after the close, or after `openedAt + maxSessionDuration`.
    /// @param sessionId The session.
    /// @param session Its terms.
    /// @param againstClient Whether the client is the respondent.
    function disputeFiled(uint64 sessionId, Session calldata session, bool againstClient) external;

    /// @notice Records a dispute's execution; for an upheld claim sends the dispute manager what is left of the session's
    /// penalty on the respondent's side: from the remaining deposit (client) or from the session's bond reservation
    /// (provider). Only the dispute manager.
    /// @param sessionId The session.
    /// @param session Its terms.
    /// @param againstClient Whether the client is the respondent.
    /// @param upheld Whether the claim was upheld.
    /// @return taken What was sent: the penalty less what earlier rulings took from that side (and, for the client,
    /// capped by the remaining deposit).
    function disputeResolved(uint64 sessionId, Session calldata session, bool againstClient, bool upheld)
        external
        returns (uint256 taken);

    /// @notice Releases what is left of the session's bond reservation once no claim against the provider can come
    /// (after `min(closedAt, openedAt + maxSessionDuration) + disputeWindow`) and no dispute is open. Anyone may call;
    /// the provider does, to free its bond for new sessions or to withdraw it.
    /// @param sessionId The session.
    /// @param session Its terms.
    function releaseBond(uint64 sessionId, Session calldata session) external;

    /// @notice Sets the dispute manager. Once, by the deployer.
    /// @param disputeManager The dispute manager.
    function setDisputeManager(address disputeManager) external;

    /// @notice A session's changing state.
    /// @param sessionId The session.
    /// @return The state (status None when unknown).
    function sessionState(uint64 sessionId) external view returns (SessionState memory);

    /// @notice Whether `session` is the terms of session `sessionId`.
    /// @param sessionId The session.
    /// @param session Terms to check.
    /// @return Whether they match the stored hash.
    function isSession(uint64 sessionId, Session calldata session) external view returns (bool);

    /// @notice The id the next session will get.
    function nextSessionId() external view returns (uint64);

    /// @notice The EIP-712 digest a client signs for `voucher`.
    /// @param voucher The voucher.
    /// @return The digest.
    function hashVoucher(Voucher calldata voucher) external view returns (bytes32);

    /// @notice The EIP-712 digest a provider signs for `acceptance`.
    /// @param acceptance The acceptance.
    /// @return The digest.
    function hashPanelAcceptance(PanelAcceptance calldata acceptance) external view returns (bytes32);

    /// @notice The EIP-712 digest a provider signs for `checkpoint`.
    /// @param checkpoint The checkpoint.
    /// @return The digest.
    function hashCheckpoint(Checkpoint calldata checkpoint) external view returns (bytes32);

    /// @notice Who signed `voucher` (zero when the signature is malformed or malleable).
    /// @param voucher The voucher.
    /// @param signature 65 bytes r ‖ s ‖ v.
    /// @return The signer.
    function voucherSigner(Voucher calldata voucher, bytes calldata signature) external view returns (address);

    /// @notice Who signed `checkpoint` (zero when the signature is malformed or malleable).
    /// @param checkpoint The checkpoint.
    /// @param signature 65 bytes r ‖ s ‖ v.
    /// @return The signer.
    function checkpointSigner(Checkpoint calldata checkpoint, bytes calldata signature) external view returns (address);

    /// @notice The EIP-712 domain separator of vouchers and checkpoints.
    function domainSeparator() external view returns (bytes32);

    /// @notice Seconds the provider has to answer a client's close.
    function challengeWindow() external view returns (uint64);

    /// @notice Seconds a session may be served; the provider's liability ends {disputeWindow} after this or the close.
    function maxSessionDuration() external view returns (uint64);

    /// @notice Seconds after a session ends during which a claim against the provider may be filed.
    function disputeWindow() external view returns (uint64);

    /// @notice The largest first-round committee a session may ask for.
    function maxCommitteeSize() external view returns (uint8);

    /// @notice The VPN token.
    function token() external view returns (address);

    /// @notice The provider registry.
    function providerRegistry() external view returns (address);

    /// @notice The dispute manager (zero until set).
    function disputeManager() external view returns (address);
}
