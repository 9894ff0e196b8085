-- A first version of a table, as a service's first migration would create it.
CREATE TABLE sessions (
    id          bigint      PRIMARY KEY,
    client      text        NOT NULL,
    provider    text        NOT NULL,
    started_at  timestamptz NOT NULL
);
