-- The ProviderRegistry reserves each open session's penalty from the bond (BondReserved / BondReleased carry the total
-- reserved) instead of locking bond per dispute: the column follows the contract's name.
ALTER TABLE providers RENAME COLUMN locked_bond TO reserved_bond;

-- A session's anchors are the newest 100 in its time range, in one stable order (its ETag must not flap): the index
-- serves that order directly instead of sorting every anchor in the range.
DROP INDEX anchors_time;
CREATE INDEX anchors_time_order ON anchors (block_time DESC, log_id, tree_size DESC);
