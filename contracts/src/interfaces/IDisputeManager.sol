// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ISessionManager} from "./ISessionManager.sol";

/// @title IDisputeManager
/// @notice Disputes about sessions, judged by staked oracles with commit-reveal voting. A party of a session files a
/// claim with a fee and a stake; a committee is drawn stake-weighted (or is the panel both parties named when the
/// session opened); jurors commit, then reveal; the majority rules; the loser may appeal to a committee of 2n+1 at a
/// higher cost; the ruling pays the winner from the guilty party's deposit or bond; jurors with the majority share
/// the fee and the stake slashed from jurors against it or who did not reveal. Every payout is pulled.
/// @dev Claims provable from signed evidence alone carry a {RecordProof}: the contract checks the respondent's
/// signature over an evidence log root and the RFC 9162 inclusion of a flow record whose header names the session,
/// the rule and a Denied verdict, and then decides the claim itself: round 0 is Upheld at once, without committee,
/// fee or appeal, so no vote can rule against the proof. EIP-712 domain: "Oracle DisputeManager", version "1".
interface IDisputeManager {
    /// @notice What is claimed; the claim type fixes who the respondent is.
    /// ClientBreachedPolicy: filed by the provider against the client (traffic the policy denies).
    /// The others: filed by the client against the provider.
    enum ClaimType {
        None,
        ClientBreachedPolicy,
        ProviderBreachedPolicy,
        ProviderOvercharged,
        ProviderWithheldService
    }

    /// @notice A vote and a ruling. None is never a valid vote.
    enum Ruling {
        None,
        Upheld,
        Rejected
    }

    /// @notice Where a dispute is. Commit, Reveal, Appealable and Executable follow from the clock alone: nobody
    /// has to advance them, and the action of the next phase is open to anyone once the deadline has passed.
    /// Drawing ends with a committee ({draw}) or, once its deadline has passed ({drawingDeadline}), by {endDrawing}
    /// (anyone): a dispute is never stuck waiting for a committee its oracles cannot fill.
    enum Phase {
        None,
        Drawing,
        Commit,
        Reveal,
        Appealable,
        Executable,
        Executed
    }

    /// @notice A claim as filed.
    /// @param sessionId The disputed session.
    /// @param claimType What is claimed.
    /// @param ruleId The policy rule said to be broken (0 when the claim is not about a rule).
    /// @param evidenceHash Hash of the evidence document (ERC-1497 style).
    /// @param evidenceUri Where the evidence document is.
    // An ABI and hash layout, not storage: field order is fixed.
    // solhint-disable-next-line gas-struct-packing
    struct Claim {
        uint64 sessionId;
        ClaimType claimType;
        uint32 ruleId;
        bytes32 evidenceHash;
        string evidenceUri;
    }

    /// @notice EIP-712 `Filing`: a party's signed claim, which a relayer files with {fileFor}. It covers what the
    /// relayer passes besides the claim: `proofHash` is zero without a record proof, else
    /// `keccak256(abi.encode(proof))` of the one {RecordProof}; `panelHash` is the session's panel hash (zero for a
    /// drawn committee).
    // An ABI and hash layout, not storage: field order is fixed.
    // solhint-disable-next-line gas-struct-packing
    struct Filing {
        uint64 sessionId;
        uint8 claimType;
        uint32 ruleId;
        bytes32 evidenceHash;
        string evidenceUri;
        bytes32 proofHash;
        bytes32 panelHash;
        uint256 nonce;
        uint64 deadline;
    }

    /// @notice A dispute's fixed record. Hash-committed: `keccak256(abi.encode(dispute))`; rebuilt from {DisputeFiled}.
    /// @param sessionId The session.
    /// @param filer Who filed.
    /// @param respondent The other party.
    /// @param claimType What is claimed.
    /// @param ruleId The rule.
    /// @param evidenceVerified Whether the contract verified a {RecordProof} at filing.
    /// @param filedAt When it was filed.
    /// @param evidenceHash The evidence document's hash.
    /// @param penalty The session's penalty: the most all rulings of the session take from the respondent together.
    /// @param recordHash The RFC 9162 leaf hash of the verified record (zero without one); a record is filed once.
    // An ABI and hash layout, not storage: field order is fixed.
    // solhint-disable-next-line gas-struct-packing
    struct Dispute {
        uint64 sessionId;
        address filer;
        address respondent;
        ClaimType claimType;
        uint32 ruleId;
        bool evidenceVerified;
        uint64 filedAt;
        bytes32 evidenceHash;
        uint96 penalty;
        bytes32 recordHash;
    }

    /// @notice A flow record proven to be in an evidence log root the client signed in a voucher. Only for
    /// ClientBreachedPolicy claims, whose respondent is the client.
    /// @param leaf The record (opaque except its header: docs/protocol.md §7.3).
    /// @param leafIndex Its index in the log.
    /// @param auditPath The RFC 9162 inclusion proof in the tree of `voucher.logSize` leaves with `voucher.logRoot`.
    /// @param voucher The client's voucher committing to the root.
    /// @param signature The client's EIP-712 signature of `voucher`.
    // An ABI layout, not storage.
    // solhint-disable-next-line gas-struct-packing
    struct RecordProof {
        bytes leaf;
        uint64 leafIndex;
        bytes32[] auditPath;
        ISessionManager.Voucher voucher;
        bytes signature;
    }

    /// @notice A dispute's changing state.
    /// @param phase Where the dispute is.
    /// @param round The current round.
    /// @param ruling The current round's majority (None before its draw).
    /// @param disputeHash The first 31 bytes of `keccak256(abi.encode(dispute))` (the last byte is zero).
    struct DisputeInfo {
        Phase phase;
        uint8 round;
        Ruling ruling;
        bytes32 disputeHash;
    }

    /// @notice One round of voting.
    /// @param size Seats.
    /// @param upheldSeats Seats revealed for Upheld.
    /// @param rejectedSeats Seats revealed for Rejected.
    /// @param settled Whether the round's incoherent jurors were slashed ({settleRound}).
    /// @param ruling The round's majority (Rejected on a tie or without reveals; None before the draw).
    /// @param snapshotEpoch The stake snapshot the round draws from (0 for a named panel).
    /// @param commitDeadline End of the commit phase (0 until drawn).
    /// @param revealDeadline End of the reveal phase.
    /// @param appealDeadline End of the appeal window.
    /// @param rewardPerSeat What each coherent seat receives: the round's fees plus `lockPerSeat` per incoherent seat,
    /// shared by the coherent seats (0 until the reveal phase is over, and when no seat is coherent).
    /// @param committeeHash Once drawn the first 19 bytes of `keccak256(abi.encodePacked(committee))` (the other 13
    /// are zero); before that the randomness request.
    // An ABI and hash layout, not storage: field order is fixed.
    // solhint-disable-next-line gas-struct-packing
    struct RoundInfo {
        uint8 size;
        uint8 upheldSeats;
        uint8 rejectedSeats;
        bool settled;
        Ruling ruling;
        uint32 snapshotEpoch;
        uint64 commitDeadline;
        uint64 revealDeadline;
        uint64 appealDeadline;
        uint96 rewardPerSeat;
        bytes32 committeeHash;
    }

    /// @notice A juror's vote in one round.
    /// @param commitment The first 27 bytes of the juror's commitment.
    /// @param seats The juror's seats (its vote's weight).
    /// @param vote The revealed vote (None until revealed).
    /// @param claimed Whether the reward was claimed or the stake settled.
    // An ABI and hash layout, not storage: field order is fixed.
    // solhint-disable-next-line gas-struct-packing
    struct JurorVote {
        bytes27 commitment;
        uint8 seats;
        Ruling vote;
        bool claimed;
    }

    /// @notice The dispute id is unknown, or the record passed is not the dispute's.
    error DisputeUnknown(uint64 disputeId);
    /// @notice The filer is not the party that may file this claim type.
    error DisputeInvalidClaim(uint8 claimType, address filer);
    /// @notice The action does not belong to this phase.
    error DisputeWrongPhase(uint64 disputeId, Phase phase);
    /// @notice The committee passed is not the round's.
    error DisputeCommitteeMismatch(uint64 disputeId, uint8 round);
    /// @notice The caller holds no seat in the round.
    error DisputeNotJuror(address caller);
    /// @notice The juror already committed.
    error DisputeAlreadyCommitted(address juror);
    /// @notice The juror did not commit.
    error DisputeNotCommitted(address juror);
    /// @notice The juror already revealed.
    error DisputeAlreadyRevealed(address juror);
    /// @notice The revealed vote and salt do not match the juror's commitment.
    error DisputeCommitmentMismatch(address juror);
    /// @notice A vote must be Upheld or Rejected.
    error DisputeInvalidVote(uint8 vote);
    /// @notice Only the loser of the round may appeal.
    error DisputeNotAppellant(address caller);
    /// @notice The round was already settled.
    error DisputeRoundSettled(uint64 disputeId, uint8 round);
    /// @notice Nothing to claim.
    error DisputeNothingToClaim(address account);
    /// @notice The caller is not a party of the dispute.
    error DisputeNotParty(address caller);
    /// @notice The panel passed is not the session's named panel.
    error DisputePanelMismatch();
    /// @notice Record proofs belong to ClientBreachedPolicy claims only.
    error DisputeProofNotApplicable(uint8 claimType);
    /// @notice The flow record's header does not name the dispute's session, rule and a Denied verdict.
    error DisputeRecordMismatch();
    /// @notice The inclusion proof does not lead to the signed root.
    error DisputeInclusionInvalid();
    /// @notice The voucher is not the client's signature of a voucher of this session.
    error DisputeRootSignatureInvalid(address respondent, address recovered);
    /// @notice A claim carries at most one record proof.
    error DisputeTooManyProofs(uint256 count);
    /// @notice The record was already filed in a dispute that was not dismissed: one breach, one claim.
    error DisputeRecordAlreadyFiled(bytes32 recordHash);
    /// @notice The relayed filing's deadline has passed.
    error DisputeFilingExpired(uint64 deadline);
    /// @notice The relayed filing is not signed by `filer` (or its nonce was used).
    error DisputeInvalidFilingSignature(address filer, address recovered);
    /// @notice A parameter is out of range.
    error DisputeInvalidParameter(string name);
    /// @notice The round has incoherent jurors who are not slashed yet: call {settleRound} first.
    error DisputeRoundNotSettled(uint64 disputeId, uint8 round);
    /// @notice The randomness source returned a request id of more than 208 bits (the round keeps 208).
    error DisputeRandomnessRequestTooLarge(uint256 requestId);
    /// @notice The current round may still be drawn until `deadline`: {endDrawing} waits for it.
    error DisputeDrawingNotOver(uint64 disputeId, uint64 deadline);
    /// @notice The round's draw drew nothing after its drawing deadline: no new randomness is asked any more (it would
    /// let whoever delayed the randomness choose again); {endDrawing} ends the round.
    error DisputeDrawingEnded(uint64 disputeId, uint64 deadline);

    /// @notice A dispute was filed. With `evidenceUri` every field of {Dispute} is here.
    event DisputeFiled(uint64 indexed disputeId, uint64 indexed sessionId, address indexed filer, Dispute dispute, string evidenceUri);
    /// @notice A party added evidence (ERC-1497 spirit).
    event EvidenceSubmitted(uint64 indexed disputeId, address indexed party, bytes32 evidenceHash, string evidenceUri);
    /// @notice A round began: drawn from `snapshotEpoch` with randomness `randomnessRequest` (0 for a named panel).
    event RoundStarted(uint64 indexed disputeId, uint8 indexed round, uint8 size, uint32 snapshotEpoch, uint256 randomnessRequest);
    /// @notice The randomness expired before the draw, or the snapshot could not fill the committee; the round waits
    /// for a new request (until its drawing deadline, see {endDrawing}).
    event RandomnessRequestedAgain(uint64 indexed disputeId, uint8 indexed round, uint256 randomnessRequest);
    /// @notice Round 0 was not drawn by its drawing deadline: the dispute ends without a ruling; the filer is
    /// credited `refund` (its fee and stake), the session's dispute count is released and its record may be filed
    /// again.
    event DisputeDismissed(uint64 indexed disputeId, address indexed filer, uint256 refund);
    /// @notice Appeal round `round` was not drawn by its drawing deadline: the appellant is credited `refund` (what
    /// it paid for the appeal) and round `round - 1`'s ruling is executed as if nobody had appealed ({RulingExecuted}).
    event AppealDismissed(uint64 indexed disputeId, uint8 indexed round, address indexed appellant, uint256 refund);
    /// @notice The round's committee: one address per seat. Jurors pass it to {commit}.
    event CommitteeDrawn(
        uint64 indexed disputeId, uint8 indexed round, address[] committee, uint64 commitDeadline, uint64 revealDeadline, uint64 appealDeadline
    );
    /// @notice A juror committed.
    event VoteCommitted(uint64 indexed disputeId, uint8 indexed round, address indexed juror);
    /// @notice A juror revealed `vote` with the weight of `seats`.
    event VoteRevealed(uint64 indexed disputeId, uint8 indexed round, address indexed juror, Ruling vote, uint8 seats);
    /// @notice `appellant` appealed round `round - 1`, paying `paid`.
    event Appealed(uint64 indexed disputeId, uint8 indexed round, address indexed appellant, uint256 paid);
    /// @notice A round was settled: `slashed` taken from incoherent jurors, `rewardPerSeat` for each coherent seat.
    event RoundSettled(
        uint64 indexed disputeId, uint8 indexed round, Ruling ruling, uint8 coherentSeats, uint96 rewardPerSeat, uint256 slashed
    );
    /// @notice A juror voted against the round's majority or did not reveal and lost `amount`.
    event JurorSlashed(uint64 indexed disputeId, uint8 indexed round, address indexed juror, uint96 amount);
    /// @notice The final ruling was executed: `winner` is credited the stakes and, when Upheld, the penalty (what the
    /// session's penalty on the respondent's side still allowed).
    event RulingExecuted(uint64 indexed disputeId, Ruling ruling, address indexed winner, uint256 penalty, uint256 stakes);
    /// @notice A coherent juror claimed its reward and its stake was unlocked.
    event RewardClaimed(uint64 indexed disputeId, uint8 indexed round, address indexed juror, uint256 amount);
    /// @notice `amount` was credited to `account` for withdrawal.
    event Credited(address indexed account, uint64 indexed disputeId, uint256 amount);
    /// @notice `account` withdrew `amount`.
    event Withdrawn(address indexed account, uint256 amount);

    /// @notice Files a dispute; the caller (a party of the session) pays `feePerSeat * committeeSize + stakePerRound`
    /// (approved to this contract), or only `stakePerRound` with a verified record proof.
    /// @dev Untrusted entry point. A `proof` (at most one) is verified here; a verified claim is decided Upheld at once
    /// (phase Executable, no committee: {CommitteeDrawn} with an empty committee, no appeal window).
    /// @param claim The claim.
    /// @param session The session's terms.
    /// @param panel The session's named panel (empty when it has none).
    /// @param proof Zero or one record proof.
    /// @return disputeId The new dispute's id (from 1 up).
    function fileDispute(
        Claim calldata claim,
        ISessionManager.Session calldata session,
        address[] calldata panel,
        RecordProof[] calldata proof
    ) external returns (uint64 disputeId);

    /// @notice Files a dispute for `filer`, who signed the EIP-712 {Filing} (which covers the proof and the panel, so a
    /// relayer cannot strip them); the relayer pays the gas, the filer the fee and stake (approved to this contract,
    /// for example by a permit the relayer submitted).
    /// @param filer The party filing.
    /// @param claim The claim.
    /// @param deadline The filing's deadline.
    /// @param signature The filer's signature of the {Filing} (with the filer's current {nonces}).
    /// @param session The session's terms.
    /// @param panel The session's named panel (empty when it has none).
    /// @param proof Zero or one record proof.
    /// @return disputeId The new dispute's id.
    function fileFor(
        address filer,
        Claim calldata claim,
        uint64 deadline,
        bytes calldata signature,
        ISessionManager.Session calldata session,
        address[] calldata panel,
        RecordProof[] calldata proof
    ) external returns (uint64 disputeId);

    /// @notice A party adds evidence while the dispute is not executed.
    /// @param disputeId The dispute.
    /// @param dispute Its record.
    /// @param evidenceHash The document's hash.
    /// @param evidenceUri Where it is.
    function submitEvidence(uint64 disputeId, Dispute calldata dispute, bytes32 evidenceHash, string calldata evidenceUri)
        external;

    /// @notice Draws the current round's committee once the randomness is ready. Anyone may call. When the
    /// randomness expired (LocalRandomnessSource), or the snapshot could not fill the committee or can no longer be
    /// read, a new snapshot and a new randomness request are made instead ({RandomnessRequestedAgain}) — before the
    /// round's drawing deadline only ({DisputeDrawingEnded} after it). A draw that fills the committee stays possible
    /// after the drawing deadline until {endDrawing} is called.
    /// @param disputeId The dispute.
    /// @param dispute Its record (its parties are never drawn).
    function draw(uint64 disputeId, Dispute calldata dispute) external;

    /// @notice Ends a Drawing phase that passed its {drawingDeadline} without a committee. Anyone may call.
    /// Round 0: the dispute is dismissed without a ruling against anyone ({DisputeDismissed}): the filer is credited
    /// its fee and stake, the session's dispute count is released, the record (if any) may be filed again, the
    /// dispute is Executed (ruling None). An appeal round: the appellant is credited what it paid for the appeal
    /// ({AppealDismissed}) and the previous round's ruling is executed as {executeRuling} would have executed it
    /// without the appeal (that round becomes the current one). Reverts `DisputeDrawingNotOver` before the deadline.
    /// @param disputeId The dispute.
    /// @param dispute Its record.
    /// @param session The session's terms.
    function endDrawing(uint64 disputeId, Dispute calldata dispute, ISessionManager.Session calldata session) external;

    /// @notice A juror commits `keccak256(abi.encode(juror, disputeId, round, vote, salt))` (see {commitmentOf}).
    /// @param disputeId The dispute.
    /// @param round The current round.
    /// @param committee The round's committee (from {CommitteeDrawn}).
    /// @param commitment The commitment.
    function commit(uint64 disputeId, uint8 round, address[] calldata committee, bytes32 commitment) external;

    /// @notice A juror reveals its vote.
    /// @param disputeId The dispute.
    /// @param round The current round.
    /// @param vote Upheld or Rejected.
    /// @param salt The salt of the commitment.
    function reveal(uint64 disputeId, uint8 round, Ruling vote, bytes32 salt) external;

    /// @notice The loser of the current round appeals during the appeal window, paying
    /// `feePerSeat * (2n + 1) + stakePerRound`; a committee of 2n + 1 is drawn.
    /// @param disputeId The dispute.
    /// @param dispute Its record.
    function appeal(uint64 disputeId, Dispute calldata dispute) external;

    /// @notice Settles a round after its reveal phase: slashes its incoherent jurors (`lockPerSeat` per seat, for
    /// revealing against the majority or not revealing) into the round's pool; the remainder of the pool's division
    /// among the coherent seats, or the whole pool when no seat is coherent, is credited to the round's winner.
    /// Anyone may call, in any phase after the round's reveal phase (also after {executeRuling}, which does not settle
    /// the last round). Each coherent seat's reward is fixed by the tallies alone; claims wait for this call only when
    /// the round has an incoherent seat.
    /// @param disputeId The dispute.
    /// @param round The round.
    /// @param dispute Its record.
    /// @param committee The round's committee.
    function settleRound(uint64 disputeId, uint8 round, Dispute calldata dispute, address[] calldata committee) external;

    /// @notice Executes the final ruling after the last appeal window: credits the winner (every round's stake and,
    /// when Upheld, what the session's penalty on the respondent's side still allows, from the deposit or the bond
    /// the session reserved), releases the session. Anyone may call. Jurors are settled separately ({settleRound}), so
    /// the ruling never waits on them.
    /// @param disputeId The dispute.
    /// @param dispute Its record.
    /// @param session The session's terms.
    function executeRuling(uint64 disputeId, Dispute calldata dispute, ISessionManager.Session calldata session) external;

    /// @notice A coherent juror of a decided round (its reveal phase over) takes its reward; its locked stake is
    /// released. When the round has incoherent seats, their slashed stake is part of the reward, so the round must be
    /// settled first (`DisputeRoundNotSettled`).
    /// @param disputeId The dispute.
    /// @param round The round.
    function claimReward(uint64 disputeId, uint8 round) external;

    /// @notice Withdraws everything credited to the caller.
    function withdraw() external;

    /// @notice A dispute's changing state.
    /// @param disputeId The dispute.
    /// @return The state (phase None when unknown).
    function disputeInfo(uint64 disputeId) external view returns (DisputeInfo memory);

    /// @notice A round's state.
    /// @param disputeId The dispute.
    /// @param round The round.
    /// @return The round.
    function roundInfo(uint64 disputeId, uint8 round) external view returns (RoundInfo memory);

    /// @notice A juror's vote in a round.
    /// @param disputeId The dispute.
    /// @param round The round.
    /// @param juror The juror.
    /// @return The vote.
    function jurorVote(uint64 disputeId, uint8 round, address juror) external view returns (JurorVote memory);

    /// @notice Tokens credited to `account` and not yet withdrawn.
    /// @param account The account.
    /// @return The amount.
    function claimable(address account) external view returns (uint256);

    /// @notice The commitment a juror commits: `keccak256(abi.encode(juror, disputeId, round, vote, salt))`.
    /// @param juror The juror.
    /// @param disputeId The dispute.
    /// @param round The round.
    /// @param vote The vote.
    /// @param salt A secret random salt.
    /// @return The commitment.
    function commitmentOf(address juror, uint64 disputeId, uint8 round, Ruling vote, bytes32 salt)
        external
        pure
        returns (bytes32);

    /// @notice The EIP-712 digest a party signs for `filing`.
    /// @param filing The filing.
    /// @return The digest.
    function hashFiling(Filing calldata filing) external view returns (bytes32);

    /// @notice The next filing nonce of `filer`.
    /// @param filer The party.
    /// @return The nonce.
    function nonces(address filer) external view returns (uint256);

    /// @notice The EIP-712 domain separator of filings.
    function domainSeparator() external view returns (bytes32);

    /// @notice The id the next dispute will get.
    function nextDisputeId() external view returns (uint64);

    /// @notice Fee per committee seat.
    function feePerSeat() external view returns (uint96);

    /// @notice The refundable stake paid with every round.
    function stakePerRound() external view returns (uint96);

    /// @notice Juror stake locked per seat.
    function lockPerSeat() external view returns (uint96);

    /// @notice Seconds of the commit phase.
    function commitPeriod() external view returns (uint64);

    /// @notice Seconds of the reveal phase.
    function revealPeriod() external view returns (uint64);

    /// @notice Seconds of the appeal window.
    function appealPeriod() external view returns (uint64);

    /// @notice Seconds a round may stay in Drawing: from the filing (round 0) or from the end of the previous round's
    /// appeal window (an appeal round).
    function drawingPeriod() external view returns (uint64);

    /// @notice When the current round's Drawing phase may be ended by {endDrawing} (0 when the dispute is not in
    /// Drawing).
    /// @param disputeId The dispute.
    /// @param dispute Its record (round 0's deadline follows from its `filedAt`).
    /// @return The deadline (seconds since the epoch).
    function drawingDeadline(uint64 disputeId, Dispute calldata dispute) external view returns (uint64);

    /// @notice Rounds a dispute may have (the first plus appeals).
    function maxRounds() external view returns (uint8);

    /// @notice The VPN token.
    function token() external view returns (address);

    /// @notice The session manager.
    function sessionManager() external view returns (address);

    /// @notice The oracle registry.
    function oracleRegistry() external view returns (address);

    /// @notice The randomness source.
    function randomnessSource() external view returns (address);
}
