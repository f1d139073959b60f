-- Gateways and analog adapters (issue 17): as SQLite's 00008_gateways.sql,
-- which explains the table; JSON columns are text here too (the store
-- reads and writes them as it does on SQLite). Its rule for a gateway
-- device named SEP<MAC> is SQLite's too: it becomes the gateway <MAC>.

-- +goose Up
-- 'null', not '[]': what the store writes for a model without MGCP files,
-- so the rows an older cmtftp wrote read back as a new store's do.
ALTER TABLE models ADD COLUMN mgcp_files TEXT NOT NULL DEFAULT 'null';

CREATE TABLE gateways (
  name TEXT PRIMARY KEY,
  mac TEXT UNIQUE,
  description TEXT NOT NULL DEFAULT '',
  model TEXT NOT NULL REFERENCES models(name) ON UPDATE CASCADE,
  protocol TEXT NOT NULL CHECK (protocol IN ('MGCP', 'SCCP', 'SIP')),
  group_name TEXT NOT NULL REFERENCES call_groups(name) ON UPDATE CASCADE,
  pool TEXT REFERENCES pools(name) ON UPDATE CASCADE,
  load TEXT NOT NULL DEFAULT '',
  vendor_config TEXT NOT NULL DEFAULT 'null',
  units TEXT NOT NULL DEFAULT 'null',
  endpoints TEXT NOT NULL DEFAULT 'null'
);
CREATE INDEX gateways_model ON gateways(model);
CREATE INDEX gateways_group ON gateways(group_name);
CREATE INDEX gateways_pool ON gateways(pool);
CREATE INDEX gateways_mac_tail ON gateways((substr(mac, 3)));

CREATE TRIGGER gateways_changes AFTER INSERT OR UPDATE OR DELETE ON gateways
  FOR EACH ROW EXECUTE FUNCTION cmtftp_log_change('gateway', 'name');

INSERT INTO gateways (name, mac, description, model, protocol, group_name, pool, load, endpoints)
SELECT CASE WHEN d.name ~* '^SEP[0-9A-F]{12}$' THEN upper(substr(d.name, 4)) ELSE d.name END,
  d.mac, d.description, d.model, d.protocol, p.group_name, d.pool, d.load,
  COALESCE((SELECT json_agg(json_build_object('unit', 0, 'subunit', 0, 'port', l.button - 1, 'line', l.line) ORDER BY l.button)::text
            FROM device_lines l WHERE l.device = d.name), 'null')
FROM devices d JOIN models m ON m.name = d.model JOIN pools p ON p.name = d.pool
WHERE m.class = 'gateway';
DELETE FROM devices WHERE model IN (SELECT name FROM models WHERE class = 'gateway');

-- +goose Down
DROP TABLE IF EXISTS gateways;
ALTER TABLE models DROP COLUMN mgcp_files;
