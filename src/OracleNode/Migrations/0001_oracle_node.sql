-- The oracle node's tables (docs/oracle-node.md, "What the node stores"). The embedded SQLite store applies these same
-- scripts (SqliteNodeStore.ToSqlite translates the identity keys): keep to SQL both engines share. Integers that are uint64 on-chain are BIGINT
-- (they stay below 2^63 in practice); token amounts are decimal strings; hashes and addresses lower-case 0x-hex.

-- Projections of chain events. Every row carries the block and log index it came from, so a reorganization deletes
-- exactly the rows of the blocks it replaced (block > fork point).
CREATE TABLE disputes (
    dispute_id BIGINT PRIMARY KEY,
    session_id BIGINT NOT NULL,
    filer TEXT NOT NULL,
    respondent TEXT NOT NULL,
    claim_type INTEGER NOT NULL,
    rule_id BIGINT NOT NULL,
    evidence_verified INTEGER NOT NULL,
    filed_at BIGINT NOT NULL,
    record TEXT NOT NULL,
    evidence_hash TEXT NOT NULL,
    evidence_uri TEXT NOT NULL,
    transaction_hash TEXT NOT NULL,
    block BIGINT NOT NULL,
    log_index BIGINT NOT NULL);

CREATE TABLE rounds (
    dispute_id BIGINT NOT NULL,
    round INTEGER NOT NULL,
    size INTEGER NOT NULL,
    block BIGINT NOT NULL,
    log_index BIGINT NOT NULL,
    PRIMARY KEY (dispute_id, round));

CREATE TABLE committees (
    dispute_id BIGINT NOT NULL,
    round INTEGER NOT NULL,
    committee TEXT NOT NULL,
    commit_deadline BIGINT NOT NULL,
    reveal_deadline BIGINT NOT NULL,
    appeal_deadline BIGINT NOT NULL,
    block BIGINT NOT NULL,
    log_index BIGINT NOT NULL,
    PRIMARY KEY (dispute_id, round));

CREATE TABLE sessions (
    session_id BIGINT PRIMARY KEY,
    client TEXT NOT NULL,
    provider TEXT NOT NULL,
    terms TEXT NOT NULL,
    panel TEXT NOT NULL,
    block BIGINT NOT NULL,
    log_index BIGINT NOT NULL);

CREATE TABLE documents (
    dispute_id BIGINT NOT NULL,
    party TEXT NOT NULL,
    hash TEXT NOT NULL,
    uri TEXT NOT NULL,
    block BIGINT NOT NULL,
    log_index BIGINT NOT NULL,
    PRIMARY KEY (block, log_index));

CREATE TABLE anchors (
    log_id TEXT NOT NULL,
    collector TEXT NOT NULL,
    tree_size BIGINT NOT NULL,
    root TEXT NOT NULL,
    block BIGINT NOT NULL,
    log_index BIGINT NOT NULL,
    PRIMARY KEY (block, log_index));
CREATE INDEX anchors_log ON anchors (log_id, tree_size);

CREATE TABLE stakes (
    oracle TEXT NOT NULL,
    stake TEXT NOT NULL,
    block BIGINT NOT NULL,
    log_index BIGINT NOT NULL,
    PRIMARY KEY (block, log_index));
CREATE INDEX stakes_oracle ON stakes (oracle, block, log_index);

-- Dispute and account events shown by `status` (votes seen, settlements, rewards, slashes, rulings, credits).
CREATE TABLE dispute_events (
    dispute_id BIGINT NOT NULL,
    round INTEGER,
    kind TEXT NOT NULL,
    account TEXT,
    amount TEXT,
    detail TEXT,
    block BIGINT NOT NULL,
    log_index BIGINT NOT NULL,
    PRIMARY KEY (block, log_index));
CREATE INDEX dispute_events_dispute ON dispute_events (dispute_id, kind);

CREATE TABLE block_times (
    block BIGINT PRIMARY KEY,
    unix_time BIGINT NOT NULL);

-- The node's own decisions and actions: never rolled back by a reorganization (the vote journal outlives one).
CREATE TABLE journal (
    dispute_id BIGINT NOT NULL,
    round INTEGER NOT NULL,
    record_hash TEXT NOT NULL,
    juror TEXT NOT NULL,
    vote INTEGER NOT NULL,
    salt TEXT NOT NULL,
    commitment TEXT NOT NULL,
    rule TEXT NOT NULL,
    reasons TEXT NOT NULL,
    decided_at BIGINT NOT NULL,
    committed_at BIGINT,
    revealed_at BIGINT,
    commit_transaction TEXT,
    reveal_transaction TEXT,
    PRIMARY KEY (dispute_id, round, record_hash));

CREATE TABLE alerts (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at BIGINT NOT NULL,
    kind TEXT NOT NULL,
    dispute_id BIGINT,
    round INTEGER,
    message TEXT NOT NULL,
    UNIQUE (kind, dispute_id, round));

CREATE TABLE actions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at BIGINT NOT NULL,
    action TEXT NOT NULL,
    dispute_id BIGINT,
    round INTEGER,
    outcome TEXT NOT NULL,
    transaction_hash TEXT);
CREATE INDEX actions_dispute ON actions (dispute_id);

CREATE TABLE price_reports (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at BIGINT NOT NULL,
    feed TEXT NOT NULL,
    round_id BIGINT NOT NULL,
    answer TEXT,
    outcome TEXT NOT NULL,
    detail TEXT NOT NULL,
    transaction_hash TEXT);

CREATE TABLE finished (
    dispute_id BIGINT PRIMARY KEY,
    at BIGINT NOT NULL);
