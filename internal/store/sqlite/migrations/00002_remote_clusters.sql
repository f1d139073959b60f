-- Remote clusters (centralized TFTP): other clusters' TFTP servers, asked
-- over HTTP for files this cluster lacks, and their servers in order. A
-- change of a cluster or of its servers reaches the change log as a change
-- of the cluster (kind 'remote').

-- +goose Up

CREATE TABLE remote_clusters (
  name TEXT PRIMARY KEY,
  priority INTEGER NOT NULL DEFAULT 0 CHECK (priority >= 0),
  disabled INTEGER NOT NULL DEFAULT 0,
  description TEXT NOT NULL DEFAULT ''
);

-- Up to three servers per cluster; position 0 is asked first.
CREATE TABLE remote_cluster_servers (
  cluster TEXT NOT NULL REFERENCES remote_clusters(name) ON DELETE CASCADE ON UPDATE CASCADE,
  position INTEGER NOT NULL CHECK (position BETWEEN 0 AND 2),
  server TEXT NOT NULL,
  PRIMARY KEY (cluster, position),
  UNIQUE (cluster, server)
);

-- +goose StatementBegin
CREATE TRIGGER remote_clusters_ins AFTER INSERT ON remote_clusters
BEGIN INSERT INTO changes(kind, key, op, at) VALUES ('remote', NEW.name, 'insert', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)); END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER remote_clusters_upd AFTER UPDATE ON remote_clusters
BEGIN
  INSERT INTO changes(kind, key, op, at) SELECT 'remote', OLD.name, 'delete', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER) WHERE OLD.name IS NOT NEW.name;
  INSERT INTO changes(kind, key, op, at) VALUES ('remote', NEW.name, 'update', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER));
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER remote_clusters_del AFTER DELETE ON remote_clusters
BEGIN INSERT INTO changes(kind, key, op, at) VALUES ('remote', OLD.name, 'delete', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)); END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER remote_cluster_servers_ins AFTER INSERT ON remote_cluster_servers
WHEN EXISTS (SELECT 1 FROM remote_clusters WHERE name = NEW.cluster)
BEGIN INSERT INTO changes(kind, key, op, at) VALUES ('remote', NEW.cluster, 'update', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)); END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER remote_cluster_servers_del AFTER DELETE ON remote_cluster_servers
WHEN EXISTS (SELECT 1 FROM remote_clusters WHERE name = OLD.cluster)
BEGIN INSERT INTO changes(kind, key, op, at) VALUES ('remote', OLD.cluster, 'update', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)); END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER remote_cluster_servers_upd AFTER UPDATE ON remote_cluster_servers
BEGIN INSERT INTO changes(kind, key, op, at) VALUES ('remote', NEW.cluster, 'update', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)); END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE IF EXISTS remote_cluster_servers;
DROP TABLE IF EXISTS remote_clusters;
