-- A later version adds a column with a default, so rows written before it still read.
ALTER TABLE sessions ADD COLUMN bytes bigint NOT NULL DEFAULT 0;
