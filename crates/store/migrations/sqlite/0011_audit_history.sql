-- A record's history (`/audit?entity=person&id=…`) and an account's entries are looked up by
-- these, newest first, on a log that grows with every write and every imported row.
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id, id);
CREATE INDEX audit_log_username ON audit_log(username, id);
