-- Custom files in chunks: a load of tens of MiB is written and read one
-- 1 MiB chunk at a time (internal/store/sqlstore/files.go), never whole.
-- custom_files keeps the name, size, SHA-256 and time; its change-log
-- triggers fire once per file change as before (the chunks have none). The
-- foreign key is deferred so that a streamed upload writes its chunks first
-- and its custom_files row last, once it knows the size and SHA-256.

-- +goose Up

CREATE TABLE custom_file_chunks (
  file TEXT NOT NULL REFERENCES custom_files(name) ON DELETE CASCADE ON UPDATE CASCADE DEFERRABLE INITIALLY DEFERRED,
  idx INTEGER NOT NULL CHECK (idx >= 0),
  data BLOB NOT NULL,
  PRIMARY KEY (file, idx)
);

INSERT INTO custom_file_chunks (file, idx, data)
WITH RECURSIVE piece(name, idx) AS (
  SELECT name, 0 FROM custom_files WHERE length(data) > 0
  UNION ALL
  SELECT p.name, p.idx + 1 FROM piece p JOIN custom_files f ON f.name = p.name
  WHERE (p.idx + 1) * 1048576 < length(f.data)
)
SELECT p.name, p.idx, substr(f.data, p.idx * 1048576 + 1, 1048576)
FROM piece p JOIN custom_files f ON f.name = p.name;

ALTER TABLE custom_files DROP COLUMN data;

-- +goose Down
ALTER TABLE custom_files ADD COLUMN data BLOB NOT NULL DEFAULT x'';
-- +goose StatementBegin
UPDATE custom_files SET data = coalesce((
  WITH RECURSIVE joined(idx, data) AS (
    SELECT 0, x''
    UNION ALL
    SELECT j.idx + 1, j.data || c.data FROM joined j
    JOIN custom_file_chunks c ON c.file = custom_files.name AND c.idx = j.idx
  )
  SELECT data FROM joined ORDER BY idx DESC LIMIT 1), x'');
-- +goose StatementEnd
DROP TABLE custom_file_chunks;
