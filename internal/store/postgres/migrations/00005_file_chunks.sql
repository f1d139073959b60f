-- Custom files in chunks: a load of tens of MiB is written and read one
-- 1 MiB chunk at a time (internal/store/sqlstore/files.go), never whole.
-- custom_files keeps the name, size, SHA-256 and time; its change-log
-- trigger fires once per file change as before (the chunks have none). The
-- foreign key is deferred so that a streamed upload writes its chunks first
-- and its custom_files row last, once it knows the size and SHA-256.

-- +goose Up

CREATE TABLE custom_file_chunks (
  file TEXT NOT NULL REFERENCES custom_files(name) ON DELETE CASCADE ON UPDATE CASCADE DEFERRABLE INITIALLY DEFERRED,
  idx INTEGER NOT NULL CHECK (idx >= 0),
  data BYTEA NOT NULL,
  PRIMARY KEY (file, idx)
);
-- Loads are compressed already: keep the chunks out of line, uncompressed.
ALTER TABLE custom_file_chunks ALTER COLUMN data SET STORAGE EXTERNAL;

INSERT INTO custom_file_chunks (file, idx, data)
SELECT f.name, g.i, substring(f.data FROM g.i * 1048576 + 1 FOR 1048576)
FROM custom_files f, generate_series(0, (length(f.data) - 1) / 1048576) AS g(i)
WHERE length(f.data) > 0;

ALTER TABLE custom_files DROP COLUMN data;

-- +goose Down
ALTER TABLE custom_files ADD COLUMN data BYTEA NOT NULL DEFAULT '';
UPDATE custom_files f SET data = coalesce((SELECT string_agg(c.data, '' ORDER BY c.idx) FROM custom_file_chunks c WHERE c.file = f.name), '');
DROP TABLE custom_file_chunks;
