// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {IDisputeManager} from "./interfaces/IDisputeManager.sol";
import {IOracleRegistry} from "./interfaces/IOracleRegistry.sol";
import {IRandomnessSource} from "./interfaces/IRandomnessSource.sol";
import {ISessionManager} from "./interfaces/ISessionManager.sol";
import {FlowRecordHeader} from "./libraries/FlowRecordHeader.sol";
import {MerkleVerifier} from "./libraries/MerkleVerifier.sol";

/// @title DisputeManager
/// @notice Disputes about sessions: filing (directly or relayed with an EIP-712 Filing), committee draws from stake
/// snapshots, commit-reveal voting, appeals to 2n+1, rulings that pay from deposits and bonds, juror rewards and
/// slashing. Every payout is credited and pulled.
/// @dev Trust assumptions: trusts the SessionManager and OracleRegistry it was deployed with (and they trust only it;
/// the SessionManager takes penalties from deposits and from the bond each session reserved, capped per session) and
/// the randomness source's unpredictability (VrfRandomnessSource on the devnet; LocalRandomnessSource, tests only, is
/// predictable). A verified record is filed once (again only after its dispute was dismissed undrawn); a relayed
/// filing's signature covers the proof and the panel.
/// Jurors are assumed to follow their stake: a juror loses `lockPerSeat` per seat for voting against the round's
/// majority or not revealing, and shares the round's fee and those losses when with the majority. Commitments bind
/// juror, dispute, round, vote and salt, so a copied commitment can never be revealed by the copier. Record proofs
/// are checked here, before any vote. Storage: per dispute one word (the record hash with the current round and the
/// executed flag folded in); per round one word (seats, tallies, deadline, snapshot and the committee hash, or the
/// randomness request before the draw); per juror one word. Drawing is bounded: a round not drawn within
/// `drawingPeriod` (from the filing, or from the end of the previous round's appeal window) can be ended by anyone
/// ({endDrawing}): round 0 is dismissed with the filer refunded, an appeal round falls back to the previous round's
/// ruling with the appellant refunded. The deadline is derived from the record and the previous round's word, so it
/// costs no storage. Rewards follow from a round's tallies, so a coherent
/// juror's claim never waits on anything but the slashing of the round's incoherent jurors ({settleRound}, anyone).
contract DisputeManager is IDisputeManager, EIP712, ReentrancyGuard {
    using SafeERC20 for IERC20;

    bytes32 private constant FILING_TYPEHASH = keccak256(
        "Filing(uint64 sessionId,uint8 claimType,uint32 ruleId,bytes32 evidenceHash,string evidenceUri,bytes32 proofHash,bytes32 panelHash,uint256 nonce,uint64 deadline)"
    );
    uint256 private constant COMMITMENT_MASK = ~uint256(0xFF_FFFF_FFFF);

    // Dispute word: the first 248 bits of keccak256(abi.encode(Dispute)) | executed << 7 | current round.
    uint256 private constant RECORD_MASK = ~uint256(0xFF);
    uint256 private constant EXECUTED = 0x80;
    uint256 private constant ROUND_MASK = 0x7F;

    // Round word: seats (bits 0-7), DRAWN (bit 8), SETTLED (bit 9), snapshot epoch (bits 16-47); before the draw the
    // randomness request id in bits 48-255; once drawn the commit deadline (bits 48-87), the seats revealed Upheld
    // (88-95) and Rejected (96-103) and the first 152 bits of the committee hash (104-255).
    uint256 private constant DRAWN = 1 << 8;
    uint256 private constant SETTLED = 1 << 9;
    // A round decided Upheld by a record proof the contract verified: no committee, no vote, no appeal.
    uint256 private constant PROVEN = 1 << 10;
    uint256 private constant EPOCH_SHIFT = 16;
    uint256 private constant EPOCH_MASK = uint256(type(uint32).max) << EPOCH_SHIFT;
    uint256 private constant DATA_SHIFT = 48;
    uint256 private constant HEADER_MASK = (1 << DATA_SHIFT) - 1;
    uint256 private constant UPHELD_SHIFT = 88;
    uint256 private constant REJECTED_SHIFT = 96;
    uint256 private constant COMMITTEE_SHIFT = 104;

    /// @notice Parameters fixed at deployment.
    struct Parameters {
        uint96 feePerSeat;
        uint96 stakePerRound;
        uint96 lockPerSeat;
        uint64 commitPeriod;
        uint64 revealPeriod;
        uint64 appealPeriod;
        uint64 drawingPeriod;
        uint8 maxRounds;
    }

    /// @notice The contracts a DisputeManager works with.
    struct Wiring {
        IERC20 token;
        ISessionManager sessions;
        IOracleRegistry oracles;
        IRandomnessSource randomness;
    }

    IERC20 private immutable _token;
    ISessionManager private immutable _sessions;
    IOracleRegistry private immutable _oracles;
    IRandomnessSource private immutable _randomness;
    uint96 private immutable _feePerSeat;
    uint96 private immutable _stakePerRound;
    uint96 private immutable _lockPerSeat;
    uint64 private immutable _commitPeriod;
    uint64 private immutable _revealPeriod;
    uint64 private immutable _appealPeriod;
    uint64 private immutable _drawingPeriod;
    uint8 private immutable _maxRounds;

    uint64 private _nextDisputeId = 1;
    mapping(uint64 disputeId => uint256 word) private _disputes;
    // Keyed by disputeId << 8 | round (one hash per access instead of two).
    mapping(uint256 roundKey => uint256 word) private _rounds;
    // Commitment (top 216 bits) | seats << 16 | vote << 8 | claimed.
    mapping(uint64 disputeId => mapping(uint8 round => mapping(address juror => uint256 word))) private _votes;
    mapping(address account => uint256 amount) private _claimable;
    mapping(address filer => uint256 nonce) private _nonces;
    mapping(bytes32 recordHash => bool filed) private _filedRecords;

    /// @param wiring The token, the session manager, the oracle registry and the randomness source.
    /// @param parameters Fees, stakes, periods and the number of rounds.
    constructor(Wiring memory wiring, Parameters memory parameters) EIP712("Oracle DisputeManager", "1") {
        if (parameters.maxRounds == 0 || parameters.maxRounds > 4) revert DisputeInvalidParameter("maxRounds");
        if (parameters.lockPerSeat == 0 || parameters.lockPerSeat > wiring.oracles.minStake()) {
            revert DisputeInvalidParameter("lockPerSeat");
        }
        if (parameters.commitPeriod == 0 || parameters.revealPeriod == 0) revert DisputeInvalidParameter("period");
        if (parameters.drawingPeriod == 0) revert DisputeInvalidParameter("drawingPeriod");
        _token = wiring.token;
        _sessions = wiring.sessions;
        _oracles = wiring.oracles;
        _randomness = wiring.randomness;
        _feePerSeat = parameters.feePerSeat;
        _stakePerRound = parameters.stakePerRound;
        _lockPerSeat = parameters.lockPerSeat;
        _commitPeriod = parameters.commitPeriod;
        _revealPeriod = parameters.revealPeriod;
        _appealPeriod = parameters.appealPeriod;
        _drawingPeriod = parameters.drawingPeriod;
        _maxRounds = parameters.maxRounds;
    }

    // ------------------------------------------------------------------ filing

    /// @inheritdoc IDisputeManager
    function fileDispute(
        Claim calldata claim,
        ISessionManager.Session calldata session,
        address[] calldata panel,
        RecordProof[] calldata proof
    ) external returns (uint64) {
        return _file(msg.sender, claim, session, panel, proof);
    }

    /// @inheritdoc IDisputeManager
    function fileFor(
        address filer,
        Claim calldata claim,
        uint64 deadline,
        bytes calldata signature,
        ISessionManager.Session calldata session,
        address[] calldata panel,
        RecordProof[] calldata proof
    ) external returns (uint64) {
        if (block.timestamp > deadline) revert DisputeFilingExpired(deadline);
        uint256 nonce = _nonces[filer];
        bytes32 proofHash = proof.length == 0 ? bytes32(0) : keccak256(abi.encode(proof[0]));
        bytes32 digest = _hashTypedDataV4(_filingStructHash(claim, proofHash, session.panelHash, nonce, deadline));
        (address signer, ECDSA.RecoverError err,) = ECDSA.tryRecoverCalldata(digest, signature);
        if (err != ECDSA.RecoverError.NoError || signer != filer) revert DisputeInvalidFilingSignature(filer, signer);
        _nonces[filer] = nonce + 1;
        return _file(filer, claim, session, panel, proof);
    }

    /// @inheritdoc IDisputeManager
    function submitEvidence(uint64 disputeId, Dispute calldata dispute, bytes32 evidenceHash, string calldata evidenceUri)
        external
    {
        uint256 word = _checkRecord(disputeId, dispute);
        if (msg.sender != dispute.filer && msg.sender != dispute.respondent) revert DisputeNotParty(msg.sender);
        if (word & EXECUTED != 0) revert DisputeWrongPhase(disputeId, Phase.Executed);
        emit EvidenceSubmitted(disputeId, msg.sender, evidenceHash, evidenceUri);
    }

    // ------------------------------------------------------------------ draw, commit, reveal

    /// @inheritdoc IDisputeManager
    function draw(uint64 disputeId, Dispute calldata dispute) external {
        uint256 word = _checkRecord(disputeId, dispute);
        uint8 round = uint8(word & ROUND_MASK);
        uint256 key = _roundKey(disputeId, round);
        uint256 r = _rounds[key];
        // An undrawn round is executed only when its Drawing phase was ended ({endDrawing}).
        if ((r & DRAWN) | (word & EXECUTED) != 0) revert DisputeWrongPhase(disputeId, _phaseOf(word, r, round));
        bytes32 value;
        // One call instead of status() + consumeRandomness(): an expired request is the only failure that asks again.
        try _randomness.consumeRandomness(r >> DATA_SHIFT) returns (bytes32 v) {
            value = v;
        } catch (bytes memory reason) {
            if (bytes4(reason) != IRandomnessSource.RandomnessExpired.selector) Address.verifyCallResult(false, reason);
            _requestAgain(disputeId, dispute.filedAt, round, key, r);
            return;
        }
        bytes32 seed = keccak256(abi.encode(value, disputeId, round));
        address[] memory committee = _oracles.drawCommittee(
            uint32(r >> EPOCH_SHIFT), seed, r & 0xFF, _lockPerSeat, dispute.filer, dispute.respondent
        );
        if (committee.length == 0) {
            _requestAgain(disputeId, dispute.filedAt, round, key, r);
            return;
        }
        _seat(disputeId, round, key, r, committee);
    }

    /// @inheritdoc IDisputeManager
    function commit(uint64 disputeId, uint8 round, address[] calldata committee, bytes32 commitment) external {
        uint256 r = _rounds[_roundKey(disputeId, round)];
        if (r & DRAWN == 0 || block.timestamp >= _commitDeadline(r)) {
            revert DisputeWrongPhase(disputeId, _phase(disputeId));
        }
        if (uint256(keccak256(abi.encodePacked(committee))) >> COMMITTEE_SHIFT != r >> COMMITTEE_SHIFT) {
            revert DisputeCommitteeMismatch(disputeId, round);
        }
        uint256 seats = _seatsOf(committee, msg.sender);
        if (seats == 0) revert DisputeNotJuror(msg.sender);
        mapping(address => uint256) storage votes = _votes[disputeId][round];
        if (votes[msg.sender] != 0) revert DisputeAlreadyCommitted(msg.sender);
        votes[msg.sender] = (uint256(commitment) & COMMITMENT_MASK) | (seats << 16);
        emit VoteCommitted(disputeId, round, msg.sender);
    }

    /// @inheritdoc IDisputeManager
    function reveal(uint64 disputeId, uint8 round, Ruling vote, bytes32 salt) external {
        uint256 key = _roundKey(disputeId, round);
        uint256 r = _rounds[key];
        uint256 commitDeadline = _commitDeadline(r);
        if (r & DRAWN == 0 || block.timestamp < commitDeadline || block.timestamp >= commitDeadline + _revealPeriod) {
            revert DisputeWrongPhase(disputeId, _phase(disputeId));
        }
        if (vote == Ruling.None) revert DisputeInvalidVote(uint8(vote));
        uint256 word = _votes[disputeId][round][msg.sender];
        if (word == 0) revert DisputeNotCommitted(msg.sender);
        if ((word >> 8) & 0xFF != 0) revert DisputeAlreadyRevealed(msg.sender);
        if (uint256(_commitment(msg.sender, disputeId, round, vote, salt)) & COMMITMENT_MASK != word & COMMITMENT_MASK) {
            revert DisputeCommitmentMismatch(msg.sender);
        }
        _votes[disputeId][round][msg.sender] = word | (uint256(vote) << 8);
        uint256 seats = (word >> 16) & 0xFF;
        // A tally never exceeds the round's seats (< 128), so it never carries into the next field.
        _rounds[key] = r + (seats << (vote == Ruling.Upheld ? UPHELD_SHIFT : REJECTED_SHIFT));
        emit VoteRevealed(disputeId, round, msg.sender, vote, uint8(seats));
    }

    // ------------------------------------------------------------------ appeal, settle, execute

    /// @inheritdoc IDisputeManager
    function appeal(uint64 disputeId, Dispute calldata dispute) external {
        uint256 word = _checkRecord(disputeId, dispute);
        uint8 round = uint8(word & ROUND_MASK);
        uint256 r = _rounds[_roundKey(disputeId, round)];
        Phase phase = _phaseOf(word, r, round);
        if (phase != Phase.Appealable) revert DisputeWrongPhase(disputeId, phase);
        address loser = _ruling(r) == Ruling.Upheld ? dispute.respondent : dispute.filer;
        if (msg.sender != loser) revert DisputeNotAppellant(msg.sender);
        uint8 next = round + 1;
        uint8 size = uint8(r) * 2 + 1;
        _disputes[disputeId] = word + 1;
        _startDrawnRound(disputeId, next, size);
        uint256 cost = uint256(_feePerSeat) * size + _stakePerRound;
        emit Appealed(disputeId, next, msg.sender, cost);
        _token.safeTransferFrom(msg.sender, address(this), cost);
    }

    /// @inheritdoc IDisputeManager
    function settleRound(uint64 disputeId, uint8 round, Dispute calldata dispute, address[] calldata committee) external {
        _checkRecord(disputeId, dispute);
        uint256 key = _roundKey(disputeId, round);
        uint256 r = _rounds[key];
        if (r & DRAWN == 0 || block.timestamp < _commitDeadline(r) + _revealPeriod) {
            revert DisputeWrongPhase(disputeId, _phase(disputeId));
        }
        if (r & SETTLED != 0) revert DisputeRoundSettled(disputeId, round);
        if (uint256(keccak256(abi.encodePacked(committee))) >> COMMITTEE_SHIFT != r >> COMMITTEE_SHIFT) {
            revert DisputeCommitteeMismatch(disputeId, round);
        }
        Ruling ruling = _ruling(r);
        (uint256 coherentSeats, uint256 pool, uint256 rewardPerSeat) = _rewards(r);
        uint256 slashed = pool - uint256(_feePerSeat) * (r & 0xFF);
        _rounds[key] = r | SETTLED;
        // pool < 2^96 * 256 and coherentSeats >= 1 whenever rewardPerSeat != 0; fees and locks are uint96
        emit RoundSettled(disputeId, round, ruling, uint8(coherentSeats), uint96(rewardPerSeat), slashed);
        uint256 rest = pool - rewardPerSeat * coherentSeats;
        if (rest != 0) _credit(ruling == Ruling.Upheld ? dispute.filer : dispute.respondent, disputeId, rest);
        uint256 taken = _slashIncoherent(disputeId, round, ruling, committee);
        // Every seat is coherent or slashed, so the stake taken is exactly what the tallies promised the pool.
        assert(taken == slashed);
    }

    /// @inheritdoc IDisputeManager
    function executeRuling(uint64 disputeId, Dispute calldata dispute, ISessionManager.Session calldata session) external {
        uint256 word = _checkRecord(disputeId, dispute);
        uint8 round = uint8(word & ROUND_MASK);
        uint256 r = _rounds[_roundKey(disputeId, round)];
        Phase phase = _phaseOf(word, r, round);
        if (phase != Phase.Executable) revert DisputeWrongPhase(disputeId, phase);
        _disputes[disputeId] = word | EXECUTED;
        _execute(disputeId, dispute, session, round, r);
    }

    /// @inheritdoc IDisputeManager
    function endDrawing(uint64 disputeId, Dispute calldata dispute, ISessionManager.Session calldata session) external {
        uint256 word = _checkRecord(disputeId, dispute);
        uint8 round = uint8(word & ROUND_MASK);
        uint256 r = _rounds[_roundKey(disputeId, round)];
        Phase phase = _phaseOf(word, r, round);
        if (phase != Phase.Drawing) revert DisputeWrongPhase(disputeId, phase);
        uint256 deadline = _drawingDeadline(disputeId, dispute.filedAt, round);
        if (block.timestamp < deadline) revert DisputeDrawingNotOver(disputeId, uint64(deadline));
        // What the round's starter paid: the filing or the appeal.
        uint256 refund = uint256(_feePerSeat) * (r & 0xFF) + _stakePerRound;
        if (round == 0) {
            _disputes[disputeId] = word | EXECUTED;
            emit DisputeDismissed(disputeId, dispute.filer, refund);
            _credit(dispute.filer, disputeId, refund);
            // Nobody ruled on the record: it may be filed again.
            if (dispute.recordHash != 0) _filedRecords[dispute.recordHash] = false;
            _sessions.disputeResolved(
                dispute.sessionId, session, dispute.claimType == ClaimType.ClientBreachedPolicy, false
            );
        } else {
            uint8 previous = round - 1;
            uint256 p = _rounds[_roundKey(disputeId, previous)];
            address appellant = _ruling(p) == Ruling.Upheld ? dispute.respondent : dispute.filer;
            // The previous round becomes the current one again (round >= 1, so the decrement stays in the round bits).
            _disputes[disputeId] = (word - 1) | EXECUTED;
            emit AppealDismissed(disputeId, round, appellant, refund);
            _credit(appellant, disputeId, refund);
            _execute(disputeId, dispute, session, previous, p);
        }
    }

    // ------------------------------------------------------------------ payouts

    /// @inheritdoc IDisputeManager
    function claimReward(uint64 disputeId, uint8 round) external nonReentrant {
        uint256 r = _rounds[_roundKey(disputeId, round)];
        if (r & DRAWN == 0 || block.timestamp < _commitDeadline(r) + _revealPeriod) {
            revert DisputeWrongPhase(disputeId, _phase(disputeId));
        }
        (uint256 coherentSeats,, uint256 rewardPerSeat) = _rewards(r);
        // The reward includes the incoherent seats' stake, which this contract holds once they are slashed.
        if (r & SETTLED == 0 && coherentSeats != r & 0xFF) revert DisputeRoundNotSettled(disputeId, round);
        uint256 word = _votes[disputeId][round][msg.sender];
        if (word == 0 || word & 1 == 1 || (word >> 8) & 0xFF != uint256(_ruling(r))) revert DisputeNothingToClaim(msg.sender);
        _votes[disputeId][round][msg.sender] = word | 1;
        uint256 seats = (word >> 16) & 0xFF;
        uint256 amount = seats * rewardPerSeat;
        // seats * lockPerSeat was locked when the juror was drawn; lockPerSeat * 255 < 2^96 is checked at deployment
        _oracles.unlock(msg.sender, uint96(seats * _lockPerSeat));
        emit RewardClaimed(disputeId, round, msg.sender, amount);
        if (amount != 0) _token.safeTransfer(msg.sender, amount);
    }

    /// @inheritdoc IDisputeManager
    function withdraw() external nonReentrant {
        uint256 amount = _claimable[msg.sender];
        if (amount == 0) revert DisputeNothingToClaim(msg.sender);
        _claimable[msg.sender] = 0;
        emit Withdrawn(msg.sender, amount);
        _token.safeTransfer(msg.sender, amount);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IDisputeManager
    function disputeInfo(uint64 disputeId) external view returns (DisputeInfo memory info) {
        uint256 word = _disputes[disputeId];
        uint8 round = uint8(word & ROUND_MASK);
        uint256 r = _rounds[_roundKey(disputeId, round)];
        info = DisputeInfo({
            phase: _phaseOf(word, r, round),
            round: round,
            ruling: _ruling(r),
            disputeHash: bytes32(word & RECORD_MASK)
        });
        // No ruling before the draw, nor for a dispute dismissed undrawn.
        if (info.phase == Phase.None || r & DRAWN == 0) info.ruling = Ruling.None;
    }

    /// @inheritdoc IDisputeManager
    function roundInfo(uint64 disputeId, uint8 round) external view returns (RoundInfo memory info) {
        uint256 r = _rounds[_roundKey(disputeId, round)];
        info.size = uint8(r);
        info.settled = r & SETTLED != 0;
        info.snapshotEpoch = uint32(r >> EPOCH_SHIFT);
        if (r & DRAWN == 0) {
            info.committeeHash = bytes32(r >> DATA_SHIFT);
            return info;
        }
        info.upheldSeats = uint8(r >> UPHELD_SHIFT);
        info.rejectedSeats = uint8(r >> REJECTED_SHIFT);
        info.ruling = _ruling(r);
        info.committeeHash = bytes32((r >> COMMITTEE_SHIFT) << COMMITTEE_SHIFT);
        info.commitDeadline = uint64(_commitDeadline(r));
        info.revealDeadline = info.commitDeadline + _revealPeriod;
        info.appealDeadline = info.revealDeadline + (_appealable(r, round) ? _appealPeriod : 0);
        if (block.timestamp >= info.revealDeadline) {
            (,, uint256 rewardPerSeat) = _rewards(r);
            info.rewardPerSeat = uint96(rewardPerSeat);
        }
    }

    /// @inheritdoc IDisputeManager
    function jurorVote(uint64 disputeId, uint8 round, address juror) external view returns (JurorVote memory vote) {
        uint256 word = _votes[disputeId][round][juror];
        vote = JurorVote({
            commitment: bytes27(bytes32(word & COMMITMENT_MASK)),
            seats: uint8(word >> 16),
            vote: Ruling(uint8(word >> 8)),
            claimed: word & 1 == 1
        });
    }

    /// @inheritdoc IDisputeManager
    function claimable(address account) external view returns (uint256) {
        return _claimable[account];
    }

    /// @inheritdoc IDisputeManager
    function commitmentOf(address juror, uint64 disputeId, uint8 round, Ruling vote, bytes32 salt)
        external
        pure
        returns (bytes32)
    {
        return _commitment(juror, disputeId, round, vote, salt);
    }

    /// @inheritdoc IDisputeManager
    function hashFiling(Filing calldata filing) external view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(
                abi.encode(
                    FILING_TYPEHASH,
                    filing.sessionId,
                    filing.claimType,
                    filing.ruleId,
                    filing.evidenceHash,
                    keccak256(bytes(filing.evidenceUri)),
                    filing.proofHash,
                    filing.panelHash,
                    filing.nonce,
                    filing.deadline
                )
            )
        );
    }

    /// @inheritdoc IDisputeManager
    function nonces(address filer) external view returns (uint256) {
        return _nonces[filer];
    }

    /// @inheritdoc IDisputeManager
    function domainSeparator() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    /// @inheritdoc IDisputeManager
    function nextDisputeId() external view returns (uint64) {
        return _nextDisputeId;
    }

    /// @inheritdoc IDisputeManager
    function feePerSeat() external view returns (uint96) {
        return _feePerSeat;
    }

    /// @inheritdoc IDisputeManager
    function stakePerRound() external view returns (uint96) {
        return _stakePerRound;
    }

    /// @inheritdoc IDisputeManager
    function lockPerSeat() external view returns (uint96) {
        return _lockPerSeat;
    }

    /// @inheritdoc IDisputeManager
    function commitPeriod() external view returns (uint64) {
        return _commitPeriod;
    }

    /// @inheritdoc IDisputeManager
    function revealPeriod() external view returns (uint64) {
        return _revealPeriod;
    }

    /// @inheritdoc IDisputeManager
    function appealPeriod() external view returns (uint64) {
        return _appealPeriod;
    }

    /// @inheritdoc IDisputeManager
    function drawingPeriod() external view returns (uint64) {
        return _drawingPeriod;
    }

    /// @inheritdoc IDisputeManager
    function drawingDeadline(uint64 disputeId, Dispute calldata dispute) external view returns (uint64) {
        uint256 word = _checkRecord(disputeId, dispute);
        uint8 round = uint8(word & ROUND_MASK);
        if (_phaseOf(word, _rounds[_roundKey(disputeId, round)], round) != Phase.Drawing) return 0;
        return uint64(_drawingDeadline(disputeId, dispute.filedAt, round));
    }

    /// @inheritdoc IDisputeManager
    function maxRounds() external view returns (uint8) {
        return _maxRounds;
    }

    /// @inheritdoc IDisputeManager
    function token() external view returns (address) {
        return address(_token);
    }

    /// @inheritdoc IDisputeManager
    function sessionManager() external view returns (address) {
        return address(_sessions);
    }

    /// @inheritdoc IDisputeManager
    function oracleRegistry() external view returns (address) {
        return address(_oracles);
    }

    /// @inheritdoc IDisputeManager
    function randomnessSource() external view returns (address) {
        return address(_randomness);
    }

    // ------------------------------------------------------------------ internals

    function _file(
        address filer,
        Claim calldata claim,
        ISessionManager.Session calldata session,
        address[] calldata panel,
        RecordProof[] calldata proof
    ) private returns (uint64 disputeId) {
        bool againstClient = _checkClaim(filer, claim, session);
        bytes32 recordHash = _checkProof(claim, session, proof);
        if (recordHash != 0) {
            if (_filedRecords[recordHash]) revert DisputeRecordAlreadyFiled(recordHash);
            _filedRecords[recordHash] = true;
        }
        if (session.panelHash == bytes32(0) ? panel.length != 0 : keccak256(abi.encodePacked(panel)) != session.panelHash) {
            revert DisputePanelMismatch();
        }
        _sessions.disputeFiled(claim.sessionId, session, againstClient);
        Dispute memory d = Dispute({
            sessionId: claim.sessionId,
            filer: filer,
            respondent: againstClient ? session.client : session.provider,
            claimType: claim.claimType,
            ruleId: claim.ruleId,
            evidenceVerified: recordHash != 0,
            filedAt: uint64(block.timestamp),
            evidenceHash: claim.evidenceHash,
            penalty: session.penalty,
            recordHash: recordHash
        });
        disputeId = _nextDisputeId;
        _nextDisputeId = disputeId + 1;
        // Round 0 is current. (A record hash with 248 zero top bits, never met in practice, would read as unknown.)
        _disputes[disputeId] = uint256(keccak256(abi.encode(d))) & RECORD_MASK;
        emit DisputeFiled(disputeId, claim.sessionId, filer, d, claim.evidenceUri);
        uint8 size = session.committeeSize;
        if (recordHash != 0) {
            // Proven on-chain: the client signed the root of a log holding the denied flow. Nothing is left to vote
            // on, so no committee can rule against the proof: round 0 is decided Upheld and executable at once (no
            // fee, no appeal; the stake is the filer's back when the ruling is executed).
            size = 0;
            emit RoundStarted(disputeId, 0, 0, 0, 0);
            _seat(disputeId, 0, _roundKey(disputeId, 0), PROVEN, new address[](0));
        } else if (panel.length == 0 || !_oracles.lockPanel(panel, _lockPerSeat)) {
            _startDrawnRound(disputeId, 0, size);
        } else {
            emit RoundStarted(disputeId, 0, size, 0, 0);
            _seat(disputeId, 0, _roundKey(disputeId, 0), size, panel);
        }
        _token.safeTransferFrom(filer, address(this), uint256(_feePerSeat) * size + _stakePerRound);
    }

    /// Checks who may file the claim; returns whether the client is the respondent.
    function _checkClaim(address filer, Claim calldata claim, ISessionManager.Session calldata session)
        private
        pure
        returns (bool againstClient)
    {
        ClaimType t = claim.claimType;
        againstClient = t == ClaimType.ClientBreachedPolicy;
        bool ok = againstClient ? filer == session.provider : (t != ClaimType.None && filer == session.client);
        if (!ok) revert DisputeInvalidClaim(uint8(t), filer);
    }

    /// Verifies a record proof, if any: header, inclusion, and the client's voucher over the root; returns the record's
    /// leaf hash (zero without a proof).
    function _checkProof(Claim calldata claim, ISessionManager.Session calldata session, RecordProof[] calldata proof)
        private
        view
        returns (bytes32 recordHash)
    {
        if (proof.length == 0) return bytes32(0);
        if (proof.length > 1) revert DisputeTooManyProofs(proof.length);
        if (claim.claimType != ClaimType.ClientBreachedPolicy) revert DisputeProofNotApplicable(uint8(claim.claimType));
        RecordProof calldata p = proof[0];
        (bool ok, uint64 sessionId, uint32 ruleId, uint8 verdict) = FlowRecordHeader.read(p.leaf);
        if (!ok || sessionId != claim.sessionId || ruleId != claim.ruleId || verdict != FlowRecordHeader.VERDICT_DENIED) {
            revert DisputeRecordMismatch();
        }
        ISessionManager.Voucher calldata v = p.voucher;
        if (v.sessionId != claim.sessionId) revert DisputeRecordMismatch();
        recordHash = MerkleVerifier.leafHash(p.leaf);
        if (!MerkleVerifier.verifyInclusion(recordHash, p.leafIndex, v.logSize, p.auditPath, v.logRoot)) {
            revert DisputeInclusionInvalid();
        }
        address signer = _sessions.voucherSigner(v, p.signature);
        if (signer != session.client) revert DisputeRootSignatureInvalid(session.client, signer);
    }

    function _startDrawnRound(uint64 disputeId, uint8 round, uint8 size) private {
        uint32 epoch = _oracles.openSnapshot();
        uint256 requestId = _requestRandomness();
        _rounds[_roundKey(disputeId, round)] = uint256(size) | (uint256(epoch) << EPOCH_SHIFT) | (requestId << DATA_SHIFT);
        emit RoundStarted(disputeId, round, size, epoch, requestId);
    }

    /// A new snapshot and a new randomness request for an undrawn round whose randomness expired or whose draw drew
    /// nothing (its snapshot could not fill the committee, or is no longer readable). The snapshot comes first, so its
    /// weights are fixed before the new randomness is requested. Never after the round's drawing deadline: whoever
    /// withheld or delayed the randomness past it gets no new value, only {endDrawing}.
    function _requestAgain(uint64 disputeId, uint64 filedAt, uint8 round, uint256 key, uint256 r) private {
        uint256 deadline = _drawingDeadline(disputeId, filedAt, round);
        if (block.timestamp >= deadline) revert DisputeDrawingEnded(disputeId, uint64(deadline));
        r = (r & ~EPOCH_MASK) | (uint256(_oracles.openSnapshot()) << EPOCH_SHIFT);
        uint256 requestId = _requestRandomness();
        _rounds[key] = (r & HEADER_MASK) | (requestId << DATA_SHIFT);
        emit RandomnessRequestedAgain(disputeId, round, requestId);
    }

    /// Requests randomness; the id must fit the 208 bits the round word keeps for it.
    function _requestRandomness() private returns (uint256 requestId) {
        requestId = _randomness.requestRandomness();
        if (requestId >> (256 - DATA_SHIFT) != 0) revert DisputeRandomnessRequestTooLarge(requestId);
    }

    /// Seats `committee` in the round whose word is `r`: keeps seats, flags and epoch, sets the commit deadline and
    /// the committee hash in place of the randomness request.
    function _seat(uint64 disputeId, uint8 round, uint256 key, uint256 r, address[] memory committee) private {
        // A proven round's commit and reveal phases are already over.
        uint256 commitDeadline = r & PROVEN != 0 ? block.timestamp - _revealPeriod : block.timestamp + _commitPeriod;
        // 40 bits of seconds last until the year 36812.
        _rounds[key] = (r & HEADER_MASK) | DRAWN | (uint256(uint40(commitDeadline)) << DATA_SHIFT)
            | ((uint256(keccak256(abi.encodePacked(committee))) >> COMMITTEE_SHIFT) << COMMITTEE_SHIFT);
        uint64 revealDeadline = uint64(commitDeadline) + _revealPeriod;
        uint64 appealDeadline = revealDeadline + (_appealable(r, round) ? _appealPeriod : 0);
        emit CommitteeDrawn(disputeId, round, committee, uint64(commitDeadline), revealDeadline, appealDeadline);
    }

    /// Executes the ruling of `round` (word `r`), the dispute's last: pays the winner every stake paid up to that round
    /// and, when Upheld, what the session's penalty still allows on the respondent's side (the session manager takes it
    /// from the deposit or from the session's bond reservation); releases the session. The caller marked it executed.
    function _execute(
        uint64 disputeId,
        Dispute calldata dispute,
        ISessionManager.Session calldata session,
        uint8 round,
        uint256 r
    ) private {
        Ruling ruling = _ruling(r);
        bool upheld = ruling == Ruling.Upheld;
        uint256 penalty = _sessions.disputeResolved(
            dispute.sessionId, session, dispute.claimType == ClaimType.ClientBreachedPolicy, upheld
        );
        address winner = upheld ? dispute.filer : dispute.respondent;
        uint256 stakes = uint256(_stakePerRound) * (uint256(round) + 1);
        emit RulingExecuted(disputeId, ruling, winner, penalty, stakes);
        _credit(winner, disputeId, stakes + penalty);
    }

    /// When round `round`'s Drawing phase may be ended: `drawingPeriod` after the filing (round 0) or after the end of
    /// the previous round's appeal window (an appeal round; the previous round was drawn and was not the last).
    function _drawingDeadline(uint64 disputeId, uint64 filedAt, uint8 round) private view returns (uint256) {
        if (round == 0) return uint256(filedAt) + _drawingPeriod;
        uint256 previous = _rounds[_roundKey(disputeId, round - 1)];
        return _commitDeadline(previous) + _revealPeriod + _appealPeriod + _drawingPeriod;
    }

    /// Slashes every juror of the round who did not reveal the round's ruling, once per juror for all its seats.
    function _slashIncoherent(uint64 disputeId, uint8 round, Ruling ruling, address[] calldata committee)
        private
        returns (uint256 slashed)
    {
        uint256 n = committee.length;
        for (uint256 i = 0; i < n; ++i) {
            address juror = committee[i];
            bool seen = false;
            for (uint256 j = 0; j < i; ++j) {
                if (committee[j] == juror) {
                    seen = true;
                    break;
                }
            }
            if (seen) continue;
            uint256 word = _votes[disputeId][round][juror];
            if (word != 0 && (word >> 8) & 0xFF == uint256(ruling)) continue;
            uint256 seats = _seatsOf(committee, juror);
            // seats <= 255 and lockPerSeat * 255 < 2^96 (both uint96-bounded by the deployment's parameters)
            uint96 amount = uint96(seats * _lockPerSeat);
            _oracles.slash(juror, amount);
            slashed += amount;
            emit JurorSlashed(disputeId, round, juror, amount);
        }
    }

    function _credit(address account, uint64 disputeId, uint256 amount) private {
        _claimable[account] += amount;
        emit Credited(account, disputeId, amount);
    }

    /// Reverts unless `dispute` is the record of `disputeId`; returns the dispute's word.
    function _checkRecord(uint64 disputeId, Dispute calldata dispute) private view returns (uint256 word) {
        word = _disputes[disputeId];
        if (word == 0 || (word ^ uint256(keccak256(abi.encode(dispute)))) & RECORD_MASK != 0) {
            revert DisputeUnknown(disputeId);
        }
    }

    function _phase(uint64 disputeId) private view returns (Phase) {
        uint256 word = _disputes[disputeId];
        uint8 round = uint8(word & ROUND_MASK);
        return _phaseOf(word, _rounds[_roundKey(disputeId, round)], round);
    }

    /// The phase of a dispute whose word is `word` and whose current round `round` has the word `r`.
    function _phaseOf(uint256 word, uint256 r, uint8 round) private view returns (Phase) {
        if (word == 0) return Phase.None;
        if (word & EXECUTED != 0) return Phase.Executed;
        if (r & DRAWN == 0) return Phase.Drawing;
        uint256 commitDeadline = _commitDeadline(r);
        uint256 revealDeadline = commitDeadline + _revealPeriod;
        if (block.timestamp < commitDeadline) return Phase.Commit;
        if (block.timestamp < revealDeadline) return Phase.Reveal;
        if (_appealable(r, round) && block.timestamp < revealDeadline + _appealPeriod) return Phase.Appealable;
        return Phase.Executable;
    }

    /// Whether round `round` (word `r`) has an appeal window: not the last round, not proven.
    function _appealable(uint256 r, uint8 round) private view returns (bool) {
        return round + 1 < _maxRounds && r & PROVEN == 0;
    }

    /// A round's majority: Upheld only with more seats revealed Upheld than Rejected; a proven round is Upheld.
    function _ruling(uint256 r) private pure returns (Ruling) {
        if (r & PROVEN != 0) return Ruling.Upheld;
        return uint8(r >> UPHELD_SHIFT) > uint8(r >> REJECTED_SHIFT) ? Ruling.Upheld : Ruling.Rejected;
    }

    /// A decided round's coherent seats, its pool (every seat's fee plus `lockPerSeat` from each seat that did not
    /// reveal the majority) and what each coherent seat receives (nothing when no seat is coherent: the round's
    /// winner then takes the pool when the round is settled).
    function _rewards(uint256 r) private view returns (uint256 coherentSeats, uint256 pool, uint256 rewardPerSeat) {
        uint256 size = r & 0xFF;
        coherentSeats = uint8(r >> (_ruling(r) == Ruling.Upheld ? UPHELD_SHIFT : REJECTED_SHIFT));
        pool = uint256(_feePerSeat) * size + uint256(_lockPerSeat) * (size - coherentSeats);
        rewardPerSeat = coherentSeats == 0 ? 0 : pool / coherentSeats;
    }

    function _commitDeadline(uint256 r) private pure returns (uint256) {
        return uint40(r >> DATA_SHIFT);
    }

    function _roundKey(uint64 disputeId, uint8 round) private pure returns (uint256) {
        return (uint256(disputeId) << 8) | round;
    }

    function _seatsOf(address[] memory committee, address juror) private pure returns (uint256 seats) {
        uint256 n = committee.length;
        for (uint256 i = 0; i < n; ++i) {
            if (committee[i] == juror) ++seats;
        }
    }

    function _commitment(address juror, uint64 disputeId, uint8 round, Ruling vote, bytes32 salt)
        private
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(juror, disputeId, round, vote, salt));
    }

    function _filingStructHash(Claim calldata claim, bytes32 proofHash, bytes32 panelHash, uint256 nonce, uint64 deadline)
        private
        pure
        returns (bytes32)
    {
        return keccak256(
            abi.encode(
                FILING_TYPEHASH,
                claim.sessionId,
                uint8(claim.claimType),
                claim.ruleId,
                claim.evidenceHash,
                keccak256(bytes(claim.evidenceUri)),
                proofHash,
                panelHash,
                nonce,
                deadline
            )
        );
    }
}
