-- What the API itself keeps (not projected from the chain): relayed filings (idempotency), the relayer's spending,
-- and evidence bundles addressed by their hash.

-- One row per signed filing the API accepted for relaying, keyed by its EIP-712 digest: the same signed filing sent
-- again gets the same answer; a crash while relaying leaves a 'relaying' row whose lease another request may take
-- over after checking the chain.
CREATE TABLE filings (
    digest          text PRIMARY KEY,
    filer           text NOT NULL,
    session_id      bigint NOT NULL,
    nonce           numeric NOT NULL,
    state           text NOT NULL CHECK (state IN ('relaying', 'filed', 'failed')),
    lease_until     timestamptz NOT NULL,
    dispute_id      bigint,
    tx_hash         text,
    block_number    bigint,
    problem_type    text,
    problem_detail  text,
    gas_cost_wei    numeric,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX filings_filer ON filings (filer, created_at);

-- The relayer's spending per UTC day and filer (gas paid in wei, filings relayed); 'reserved' holds the worst case of
-- relays in flight so concurrent requests cannot overshoot a limit.
CREATE TABLE relay_spending (
    day       date NOT NULL,
    filer     text NOT NULL,
    filings   integer NOT NULL DEFAULT 0,
    spent_wei numeric NOT NULL DEFAULT 0,
    reserved_wei numeric NOT NULL DEFAULT 0,
    PRIMARY KEY (day, filer)
);

-- ERC-1497-style evidence bundles, content-addressed by keccak256 of the exact bytes posted.
CREATE TABLE evidence (
    hash        text PRIMARY KEY,
    session_id  bigint NOT NULL,
    dispute_id  bigint,
    body        bytea NOT NULL,
    recipients  text[] NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX evidence_dispute ON evidence (dispute_id) WHERE dispute_id IS NOT NULL;
CREATE INDEX evidence_session ON evidence (session_id);
