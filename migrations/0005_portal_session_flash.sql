-- A one-time message of a browser session, shown on the page after a redirect (Post/Redirect/Get): the Access
-- Key just issued or reissued, sealed with the master key, read once and cleared in the same statement.
ALTER TABLE portal_sessions ADD COLUMN flash_sealed bytea;
