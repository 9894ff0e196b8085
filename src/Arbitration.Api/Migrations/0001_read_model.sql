-- The read model: every contract event projected into tables the API reads (docs/api.md). Written only by the
-- indexer (ReadModel/ReadModelProjection), in the chain watcher's transaction, so rows and the watcher's cursor commit
-- together. Addresses are lower-case 0x hex, hashes 0x hex, amounts numeric base units, times Unix seconds.

-- Where the projection is: the last block applied and its timestamp (the read model's "now": phases and pauses are
-- judged against the chain's clock at this block, never the server's).
CREATE TABLE indexer_head (
    id          smallint PRIMARY KEY CHECK (id = 1),
    block       bigint NOT NULL,
    block_time  bigint NOT NULL,
    block_hash  text NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- The network's immutable parameters (periods, fees, windows), read from the contracts once by the indexer.
CREATE TABLE network_parameters (
    name  text PRIMARY KEY,
    value numeric NOT NULL
);

-- Every projected event, decoded: the timeline of disputes and sessions, and what a rollback deletes by block.
CREATE TABLE events (
    block_number bigint NOT NULL,
    log_index    integer NOT NULL,
    block_time   bigint NOT NULL,
    tx_hash      text NOT NULL,
    contract     text NOT NULL,
    name         text NOT NULL,
    dispute_id   bigint,
    session_id   bigint,
    account      text,
    data         jsonb NOT NULL,
    PRIMARY KEY (block_number, log_index)
);
CREATE INDEX events_dispute ON events (dispute_id, block_number, log_index) WHERE dispute_id IS NOT NULL;
CREATE INDEX events_session ON events (session_id, block_number, log_index) WHERE session_id IS NOT NULL;
CREATE INDEX events_account ON events (account, block_number, log_index) WHERE account IS NOT NULL;

CREATE TABLE providers (
    address           text PRIMARY KEY,
    region            text NOT NULL,
    price_per_mib     numeric NOT NULL,
    policy_hash       text NOT NULL,
    policy_uri        text NOT NULL,
    endpoint          text NOT NULL,
    tunnel_public_key text NOT NULL,
    bond              numeric NOT NULL,
    locked_bond       numeric NOT NULL DEFAULT 0,
    slashed           numeric NOT NULL DEFAULT 0,
    status            text NOT NULL,
    unbondable_at     bigint,
    registered_at     bigint NOT NULL,
    registered_block  bigint NOT NULL,
    sessions_served   bigint NOT NULL DEFAULT 0,
    bytes_served      numeric NOT NULL DEFAULT 0,
    earned            numeric NOT NULL DEFAULT 0,
    disputes_against  integer NOT NULL DEFAULT 0,
    disputes_upheld   integer NOT NULL DEFAULT 0,
    disputes_rejected integer NOT NULL DEFAULT 0,
    disputes_filed    integer NOT NULL DEFAULT 0
);
CREATE INDEX providers_region_price ON providers (region, price_per_mib, address);
CREATE INDEX providers_price ON providers (price_per_mib, address);

CREATE TABLE sessions (
    session_id        bigint PRIMARY KEY,
    client            text NOT NULL,
    provider          text NOT NULL,
    deposit           numeric NOT NULL,
    price_per_mib     numeric NOT NULL,
    penalty           numeric NOT NULL,
    committee_size    smallint NOT NULL,
    opened_at         bigint NOT NULL,
    policy_hash       text NOT NULL,
    panel_hash        text NOT NULL,
    panel             text[] NOT NULL,
    opened_block      bigint NOT NULL,
    opened_tx         text NOT NULL,
    status            text NOT NULL,
    close_deadline    bigint,
    closed_at         bigint,
    paid              numeric NOT NULL DEFAULT 0,
    refunded          numeric NOT NULL DEFAULT 0,
    penalized         numeric NOT NULL DEFAULT 0,
    cumulative_amount numeric NOT NULL DEFAULT 0,
    cumulative_bytes  numeric NOT NULL DEFAULT 0,
    log_size          bigint NOT NULL DEFAULT 0,
    log_root          text,
    vouchers          integer NOT NULL DEFAULT 0,
    open_disputes     smallint NOT NULL DEFAULT 0,
    disputes          integer NOT NULL DEFAULT 0
);
CREATE INDEX sessions_provider ON sessions (provider, session_id);
CREATE INDEX sessions_client ON sessions (client, session_id);
CREATE INDEX sessions_status ON sessions (status, session_id);

CREATE TABLE disputes (
    dispute_id        bigint PRIMARY KEY,
    session_id        bigint NOT NULL,
    filer             text NOT NULL,
    respondent        text NOT NULL,
    claim_type        smallint NOT NULL,
    rule_id           bigint NOT NULL,
    evidence_verified boolean NOT NULL,
    filed_at          bigint NOT NULL,
    evidence_hash     text NOT NULL,
    evidence_uri      text NOT NULL,
    penalty           numeric NOT NULL,
    -- The hash-committed Dispute struct as the event carried it: what draw, endDrawing and executeRuling take.
    record            jsonb NOT NULL,
    filed_block       bigint NOT NULL,
    filed_tx          text NOT NULL,
    round             smallint NOT NULL DEFAULT 0,
    -- open | executed | dismissed: the phases of an open dispute follow from its rounds and the clock (DisputePhases).
    outcome           text NOT NULL DEFAULT 'open',
    ruling            smallint NOT NULL DEFAULT 0,
    winner            text,
    penalty_paid      numeric,
    stakes_paid       numeric,
    refund            numeric,
    closed_at         bigint,
    closed_block      bigint
);
CREATE INDEX disputes_session ON disputes (session_id, dispute_id);
CREATE INDEX disputes_filer ON disputes (filer, dispute_id);
CREATE INDEX disputes_respondent ON disputes (respondent, dispute_id);
CREATE INDEX disputes_outcome ON disputes (outcome, dispute_id);
CREATE INDEX disputes_filed_at ON disputes (filed_at);

CREATE TABLE dispute_rounds (
    dispute_id         bigint NOT NULL,
    round              smallint NOT NULL,
    size               smallint NOT NULL,
    snapshot_epoch     bigint NOT NULL,
    randomness_request numeric NOT NULL,
    redraws            integer NOT NULL DEFAULT 0,
    started_at         bigint NOT NULL,
    committee          text[],
    commit_deadline    bigint,
    reveal_deadline    bigint,
    appeal_deadline    bigint,
    drawn_at           bigint,
    committed_seats    smallint NOT NULL DEFAULT 0,
    upheld_seats       smallint NOT NULL DEFAULT 0,
    rejected_seats     smallint NOT NULL DEFAULT 0,
    settled            boolean NOT NULL DEFAULT false,
    settled_ruling     smallint,
    coherent_seats     smallint,
    reward_per_seat    numeric,
    slashed            numeric,
    appellant          text,
    appeal_paid        numeric,
    dismissed          boolean NOT NULL DEFAULT false,
    PRIMARY KEY (dispute_id, round)
);

CREATE TABLE votes (
    dispute_id   bigint NOT NULL,
    round        smallint NOT NULL,
    juror        text NOT NULL,
    seats        smallint NOT NULL,
    committed_at bigint,
    vote         smallint NOT NULL DEFAULT 0,
    revealed_at  bigint,
    slashed      numeric NOT NULL DEFAULT 0,
    reward       numeric NOT NULL DEFAULT 0,
    PRIMARY KEY (dispute_id, round, juror)
);
CREATE INDEX votes_juror ON votes (juror, dispute_id, round);

-- Payouts: everything the DisputeManager credited to an account for a dispute (Credited), and withdrawals.
CREATE TABLE credits (
    block_number bigint NOT NULL,
    log_index    integer NOT NULL,
    dispute_id   bigint NOT NULL,
    account      text NOT NULL,
    amount       numeric NOT NULL,
    PRIMARY KEY (block_number, log_index)
);
CREATE INDEX credits_dispute ON credits (dispute_id);
CREATE INDEX credits_account ON credits (account);

CREATE TABLE oracles (
    address        text PRIMARY KEY,
    stake          numeric NOT NULL DEFAULT 0,
    locked         numeric NOT NULL DEFAULT 0,
    unstaking      numeric NOT NULL DEFAULT 0,
    unstakable_at  bigint,
    slashed        numeric NOT NULL DEFAULT 0,
    rewards        numeric NOT NULL DEFAULT 0,
    credited       numeric NOT NULL DEFAULT 0,
    price_reports  integer NOT NULL DEFAULT 0,
    first_block    bigint NOT NULL
);
CREATE INDEX oracles_stake ON oracles (stake DESC, address);

CREATE TABLE price_rounds (
    feed        text NOT NULL,
    round_id    numeric NOT NULL,
    started_at  bigint,
    started_by  text,
    answer      numeric,
    updated_at  bigint,
    reports     integer NOT NULL DEFAULT 0,
    restarts    integer NOT NULL DEFAULT 0,
    PRIMARY KEY (feed, round_id)
);

-- The exchange's circuit-breaker reference per feed (TokenExchange.referencePrice), read when a round or trade came.
CREATE TABLE exchange_references (
    feed        text PRIMARY KEY,
    round_id    numeric NOT NULL,
    answer      numeric NOT NULL,
    accepted_at bigint NOT NULL
);

CREATE TABLE collectors (
    address       text PRIMARY KEY,
    bond          numeric NOT NULL,
    status        text NOT NULL,
    unbondable_at bigint,
    anchors       bigint NOT NULL DEFAULT 0
);

CREATE TABLE anchors (
    log_id     text NOT NULL,
    tree_size  bigint NOT NULL,
    root       text NOT NULL,
    collector  text NOT NULL,
    block_time bigint NOT NULL,
    PRIMARY KEY (log_id, tree_size)
);
CREATE INDEX anchors_time ON anchors (block_time);

-- Undo log: every write to a table above (except events) records the row image it replaced, under the block being
-- applied (set by the projection as arbitration.block). A reorganization rolls back by restoring the images of the
-- blocks after the fork point in reverse order (rollback_to); entries older than the watcher's oldest remembered
-- block can no longer be rolled back and are pruned.
CREATE TABLE undo_log (
    id           bigserial PRIMARY KEY,
    block_number bigint NOT NULL,
    table_name   text NOT NULL,
    op           char(1) NOT NULL,
    old_row      jsonb,
    new_row      jsonb
);
CREATE INDEX undo_log_block ON undo_log (block_number);

CREATE FUNCTION record_undo() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
    b text := current_setting('arbitration.block', true);
BEGIN
    IF current_setting('arbitration.replaying', true) = 'on' THEN
        RETURN NULL;
    END IF;
    IF b IS NULL OR b = '' THEN
        RAISE EXCEPTION 'read model table % written outside a projected block (set arbitration.block)', TG_TABLE_NAME;
    END IF;
    IF TG_OP = 'INSERT' THEN
        INSERT INTO undo_log (block_number, table_name, op, new_row) VALUES (b::bigint, TG_TABLE_NAME, 'I', to_jsonb(NEW));
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO undo_log (block_number, table_name, op, old_row, new_row) VALUES (b::bigint, TG_TABLE_NAME, 'U', to_jsonb(OLD), to_jsonb(NEW));
    ELSE
        INSERT INTO undo_log (block_number, table_name, op, old_row) VALUES (b::bigint, TG_TABLE_NAME, 'D', to_jsonb(OLD));
    END IF;
    RETURN NULL;
END $$;

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['indexer_head', 'providers', 'sessions', 'disputes', 'dispute_rounds',
        'votes', 'credits', 'oracles', 'price_rounds', 'exchange_references', 'collectors', 'anchors'] LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %I FOR EACH ROW EXECUTE FUNCTION record_undo()', t || '_undo', t);
    END LOOP;
END $$;

-- Restores every row written after block to_block, newest first, and deletes those blocks' events.
CREATE FUNCTION rollback_to(to_block bigint) RETURNS integer LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
    r record;
    keys text[];
    predicate text;
    restored integer := 0;
BEGIN
    PERFORM set_config('arbitration.replaying', 'on', true);
    FOR r IN SELECT * FROM undo_log WHERE block_number > to_block ORDER BY id DESC LOOP
        SELECT array_agg(a.attname ORDER BY a.attnum) INTO keys
        FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
        WHERE i.indrelid = r.table_name::regclass AND i.indisprimary;
        SELECT string_agg(format('%1$I = (SELECT %1$I FROM jsonb_populate_record(NULL::%2$I, $1))', k, r.table_name), ' AND ')
            INTO predicate FROM unnest(keys) AS k;
        IF r.op IN ('I', 'U') THEN
            EXECUTE format('DELETE FROM %I WHERE %s', r.table_name, predicate) USING r.new_row;
        END IF;
        IF r.op IN ('U', 'D') THEN
            EXECUTE format('INSERT INTO %1$I SELECT * FROM jsonb_populate_record(NULL::%1$I, $1)', r.table_name) USING r.old_row;
        END IF;
        restored := restored + 1;
    END LOOP;
    DELETE FROM undo_log WHERE block_number > to_block;
    DELETE FROM events WHERE block_number > to_block;
    PERFORM set_config('arbitration.replaying', 'off', true);
    RETURN restored;
END $$;
