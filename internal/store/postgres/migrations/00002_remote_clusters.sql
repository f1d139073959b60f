-- Remote clusters (centralized TFTP): other clusters' TFTP servers, asked
-- over HTTP for files this cluster lacks, and their servers in order. A
-- change of a cluster or of its servers reaches the change log as a change
-- of the cluster (kind 'remote'), through cmtftp_log_change of 00001.

-- +goose Up

CREATE TABLE remote_clusters (
  name TEXT PRIMARY KEY,
  priority INTEGER NOT NULL DEFAULT 0 CHECK (priority >= 0),
  disabled BOOLEAN NOT NULL DEFAULT false,
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

CREATE TRIGGER remote_clusters_changes AFTER INSERT OR UPDATE OR DELETE ON remote_clusters
  FOR EACH ROW EXECUTE FUNCTION cmtftp_log_change('remote', 'name');

CREATE TRIGGER remote_cluster_servers_changes AFTER INSERT OR UPDATE OR DELETE ON remote_cluster_servers
  FOR EACH ROW EXECUTE FUNCTION cmtftp_log_change('remote', 'cluster', 'remote_clusters', 'name');

-- +goose Down
DROP TABLE IF EXISTS remote_cluster_servers;
DROP TABLE IF EXISTS remote_clusters;
