-- The database both cmtftp servers share. Run once as a superuser:
--   psql -U postgres -f setup.sql
-- then set a password: \password cmtftp (and put it in CMTFTP_DB of both
-- env files). The first server to start creates the schema (migrations run
-- once, under an advisory lock, however many servers start at once).
CREATE ROLE cmtftp LOGIN;
CREATE DATABASE cmtftp OWNER cmtftp ENCODING 'UTF8' TEMPLATE template0;
-- The schema lives in the public schema the owner may write (PostgreSQL 15
-- and later no longer grant that to everyone).
\connect cmtftp
ALTER SCHEMA public OWNER TO cmtftp;
