-- Gateways and analog adapters (issue 17): domain.Gateway, one row per
-- gateway. Its units, endpoints and vendor configuration are JSON columns
-- (a gateway's ports are read and written with it, never alone); a line an
-- endpoint carries is found by the store's in-use check (sqlstore usedBy)
-- in that JSON, as the endpoints' lines have no foreign key of their own.
-- gateways_mac_tail finds an ATA 190 by its second port's name
-- (ATA<last 10 hex digits of the MAC>01).
--
-- models gains mgcp_files: the file families of a gateway model under MGCP.
--
-- Devices of a gateway model (Analog Access, Voice Mail Port: class
-- 'gateway'), which cmtftp kept as devices before, become gateways: group
-- from their pool, endpoints from their lines (button n → port n-1 of
-- unit 0, subunit 0). A device named SEP and 12 hex digits (as
-- `device add <MAC> --model "Analog Access"` named it) becomes the gateway
-- named by those 12 digits alone, in upper case (its file <MAC>.cnf): a
-- gateway may not be named SEP<MAC>, the name of a phone's SEP<MAC>.cnf.
-- Any other name is kept. (A site holding both SEP<X> and <X> as gateway
-- devices stops here, on the gateways' primary key: rename one first.)

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
CREATE INDEX gateways_mac_tail ON gateways(substr(mac, 3));

-- +goose StatementBegin
CREATE TRIGGER gateways_ins AFTER INSERT ON gateways
BEGIN INSERT INTO changes(kind, key, op, at) VALUES ('gateway', NEW.name, 'insert', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)); END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER gateways_upd AFTER UPDATE ON gateways
BEGIN
  INSERT INTO changes(kind, key, op, at) SELECT 'gateway', OLD.name, 'delete', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER) WHERE OLD.name IS NOT NEW.name;
  INSERT INTO changes(kind, key, op, at) VALUES ('gateway', NEW.name, 'update', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER));
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER gateways_del AFTER DELETE ON gateways
BEGIN INSERT INTO changes(kind, key, op, at) VALUES ('gateway', OLD.name, 'delete', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)); END;
-- +goose StatementEnd

INSERT INTO gateways (name, mac, description, model, protocol, group_name, pool, load, endpoints)
SELECT CASE WHEN upper(substr(d.name, 1, 3)) = 'SEP' AND length(d.name) = 15 AND substr(d.name, 4) NOT GLOB '*[^0-9A-Fa-f]*'
            THEN upper(substr(d.name, 4)) ELSE d.name END,
  d.mac, d.description, d.model, d.protocol, p.group_name, d.pool, d.load,
  -- json_group_array of no rows is '[]'; the store writes no endpoints as 'null'.
  COALESCE(NULLIF((SELECT json_group_array(json_object('unit', 0, 'subunit', 0, 'port', l.button - 1, 'line', l.line))
            FROM (SELECT button, line FROM device_lines WHERE device = d.name ORDER BY button) l), '[]'), 'null')
FROM devices d JOIN models m ON m.name = d.model JOIN pools p ON p.name = d.pool
WHERE m.class = 'gateway';
DELETE FROM devices WHERE model IN (SELECT name FROM models WHERE class = 'gateway');

-- +goose Down
DROP TABLE IF EXISTS gateways;
ALTER TABLE models DROP COLUMN mgcp_files;
