-- Chain watchers' cursors (Oracle.Chain.Events.ChainWatcher): the next block to read and the processed blocks
-- remembered by hash to notice reorganizations. Lives in each service's schema, next to the rows its handler writes,
-- so both commit in one transaction.
CREATE TABLE chain_cursors (
    watcher    text PRIMARY KEY,
    next_block bigint NOT NULL CHECK (next_block >= 0),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE chain_cursor_blocks (
    watcher text NOT NULL REFERENCES chain_cursors (watcher) ON DELETE CASCADE,
    number  bigint NOT NULL CHECK (number >= 0),
    hash    text NOT NULL,
    PRIMARY KEY (watcher, number)
);
