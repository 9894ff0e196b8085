-- Sessions the SessionManager opened, as the collector's session watcher read them from SessionOpened events (each
-- checked against the contract's commitment), so a session's first batch needs no chain read (docs/collector.md,
-- Ingestion). Written in the same transaction as the watcher's cursor (chain_cursors); a reorganization deletes the
-- rows of the blocks it replaced.
CREATE TABLE chain_sessions (
    session_id   bigint PRIMARY KEY,
    provider     text   NOT NULL,   -- signs the checkpoints
    client       text   NOT NULL,   -- signs the vouchers
    opened_at    bigint NOT NULL,   -- Unix seconds
    block_number bigint NOT NULL    -- the SessionOpened event's block
);

CREATE INDEX chain_sessions_block ON chain_sessions (block_number);
