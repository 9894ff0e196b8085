-- The evidence collector's store (docs/collector.md, "Storage"). Unsigned 64-bit numbers of the protocol (session ids,
-- tree sizes, leaf indexes) are kept in bigint columns as their two's complement; every size the collector handles
-- is far below 2^63, and session ids are mapped one to one.

-- One row per session the collector holds evidence of: its signers (checked against the chain once, at its first
-- batch) and the head of its evidence log as the collector has verified it.
CREATE TABLE sessions (
    session_id        bigint      PRIMARY KEY,
    gateway           text        NOT NULL,            -- the session's provider: signs the checkpoints
    client            text,                            -- the session's client: signs the vouchers
    opened_at         bigint      NOT NULL,            -- Unix seconds, from the SessionOpened terms
    tree_size         bigint      NOT NULL DEFAULT 0,
    root              bytea       NOT NULL,
    compact_range     bytea       NOT NULL,            -- the log's compact range, 32-byte hashes largest first
    last_epoch_time   bigint      NOT NULL DEFAULT 0,
    batches           integer     NOT NULL DEFAULT 0,
    first_batch_at    timestamptz NOT NULL DEFAULT now(),
    last_batch_at     timestamptz NOT NULL DEFAULT now(),
    records_pruned_at timestamptz                      -- when its records (not the hashes) were deleted, retention over
);

-- Every accepted batch: one checkpoint of a session log (and the client's voucher for it), and one leaf of the
-- global log once the sequencer gave it an index.
CREATE TABLE batches (
    batch_id             uuid        PRIMARY KEY,
    digest               bytea       NOT NULL,         -- EvidenceBatchDigest of the batch as accepted
    session_id           bigint      NOT NULL REFERENCES sessions (session_id),
    first_leaf_index     bigint      NOT NULL,
    tree_size            bigint      NOT NULL,
    root                 bytea       NOT NULL,
    epoch_time           bigint      NOT NULL,
    capture_drops        bigint      NOT NULL,
    checkpoint_signature bytea       NOT NULL,         -- 65 bytes r ‖ s ‖ v
    voucher              jsonb,                        -- the client's signed voucher, as published
    rejection            jsonb,                        -- the client's refusal of the epoch, as published
    accepted_seq         bigserial   NOT NULL UNIQUE,  -- acceptance order: the sequencer's queue
    accepted_at          timestamptz NOT NULL DEFAULT now(),
    consumer             text        NOT NULL,         -- which collector process accepted it
    log_index            bigint      UNIQUE,           -- its leaf in the global log; null until sequenced
    UNIQUE (session_id, tree_size)
);
CREATE INDEX batches_unsequenced ON batches (accepted_seq) WHERE log_index IS NULL;

-- The leaves of every session log: the leaf hash forever, the record (opaque bytes: sealed under the session's
-- evidence key once the gateways publish it so) until the session's retention ends.
CREATE TABLE leaves (
    session_id bigint NOT NULL,
    leaf_index bigint NOT NULL,
    leaf_hash  bytea  NOT NULL,
    record     bytea,
    PRIMARY KEY (session_id, leaf_index)
);

-- Perfect subtrees of 256 leaves and more of the session logs (levels 8 and up); smaller ones are hashed from the
-- leaves when asked for.
CREATE TABLE session_nodes (
    session_id bigint   NOT NULL,
    level      smallint NOT NULL,
    node_index bigint   NOT NULL,
    hash       bytea    NOT NULL,
    PRIMARY KEY (session_id, level, node_index)
);

-- The global log: one leaf per accepted session checkpoint (docs/protocol.md §5.6), its data and leaf hash.
CREATE TABLE log_leaves (
    leaf_index bigint PRIMARY KEY,
    leaf_hash  bytea  NOT NULL,
    leaf       bytea  NOT NULL,
    batch_id   uuid   NOT NULL UNIQUE REFERENCES batches (batch_id)
);

-- Perfect subtrees of the global log at levels 8 and up (the hashes of the C2SP tiles above level 0).
CREATE TABLE log_nodes (
    level      smallint NOT NULL,
    node_index bigint   NOT NULL,
    hash       bytea    NOT NULL,
    PRIMARY KEY (level, node_index)
);

-- The global log's head: one row, moved only by compare-and-swap on tree_size, so two sequencers can never both
-- extend the same size (the log cannot fork).
CREATE TABLE log_head (
    singleton     boolean     PRIMARY KEY DEFAULT true CHECK (singleton),
    tree_size     bigint      NOT NULL,
    root          bytea       NOT NULL,
    compact_range bytea       NOT NULL,
    checkpoint    text        NOT NULL,                -- the signed C2SP checkpoint note of this head
    sequencer     text        NOT NULL,
    updated_at    timestamptz NOT NULL DEFAULT now()
);

-- Every head the collector signed (the audit checks each against the tree).
CREATE TABLE checkpoints (
    tree_size  bigint      PRIMARY KEY,
    root       bytea       NOT NULL,
    checkpoint text        NOT NULL,
    signed_at  timestamptz NOT NULL DEFAULT now()
);

-- Anchors of the global log in the EvidenceRegistry: written before the transaction is sent, so a size is never
-- anchored with two roots.
CREATE TABLE anchors (
    tree_size        bigint      PRIMARY KEY,
    root             bytea       NOT NULL,
    state            text        NOT NULL CHECK (state IN ('sending', 'anchored', 'superseded')),
    transaction_hash text,
    block_number     bigint,
    gas_used         bigint,
    created_at       timestamptz NOT NULL DEFAULT now(),
    anchored_at      timestamptz
);

-- Batches refused after verification, with the reason (the batch itself went to the rejected-batches queue).
CREATE TABLE rejections (
    id          bigserial   PRIMARY KEY,
    batch_id    uuid        NOT NULL,
    session_id  bigint      NOT NULL,
    tree_size   bigint      NOT NULL,
    digest      bytea       NOT NULL,
    error       text        NOT NULL,
    reason      text        NOT NULL,
    consumer    text        NOT NULL,
    rejected_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX rejections_session ON rejections (session_id);

-- Equivocation by a gateway: a batch whose id (session and tree size) the collector holds with other content, or one
-- whose log does not extend the session's. Kept whole, reported, never stored as evidence.
CREATE TABLE conflicts (
    id          bigserial   PRIMARY KEY,
    batch_id    uuid        NOT NULL,
    session_id  bigint      NOT NULL,
    tree_size   bigint      NOT NULL,
    digest      bytea       NOT NULL,
    held_digest bytea,
    kind        text        NOT NULL,
    reason      text        NOT NULL,
    batch       jsonb       NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (batch_id, digest)
);
CREATE INDEX conflicts_session ON conflicts (session_id);
