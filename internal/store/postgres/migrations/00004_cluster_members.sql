-- The cluster's registry: every `cmtftp serve` attached to this database
-- registers itself at start and updates its row every heartbeat
-- (internal/store/sqlstore/cluster.go). The table has no change trigger:
-- heartbeats are not configuration and never reach the change log.
-- fillfactor leaves room on each page so a heartbeat is a HOT update.
-- Times are microseconds since the Unix epoch, as in the change log.

-- +goose Up

CREATE TABLE cluster_members (
  id TEXT PRIMARY KEY,
  host TEXT NOT NULL,
  tftp_addrs TEXT NOT NULL DEFAULT '',
  http_addr TEXT NOT NULL DEFAULT '',
  admin_addr TEXT NOT NULL DEFAULT '',
  version TEXT NOT NULL DEFAULT '',
  started BIGINT NOT NULL,
  heartbeat BIGINT NOT NULL,
  interval_ms BIGINT NOT NULL,
  applied_id BIGINT NOT NULL DEFAULT 0,
  cache_bytes BIGINT NOT NULL DEFAULT 0,
  cache_entries BIGINT NOT NULL DEFAULT 0,
  transfers BIGINT NOT NULL DEFAULT 0,
  requests_minute BIGINT NOT NULL DEFAULT 0
) WITH (fillfactor = 50);

-- +goose Down
DROP TABLE IF EXISTS cluster_members;
