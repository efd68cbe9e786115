-- Master keys by fingerprint; the keys themselves live only in configuration. Exactly one key is current: new stores'
-- data keys are wrapped under it, and every silo reads it here, so the cluster agrees on it without a restart.
-- Rotation makes a configured key current and the old one retiring; the re-wrapper moves every store's data key to
-- the current key, and a retiring key that wraps no store any more becomes retired (safe to remove from configuration).
CREATE TABLE master_keys
(
    fingerprint    text        PRIMARY KEY,
    state          text        NOT NULL CHECK (state IN ('current', 'retiring', 'retired')),
    -- Null for a key found wrapping stores when this table was created, before anyone recorded when it was current.
    became_current timestamptz NULL,
    retired        timestamptz NULL
);

CREATE UNIQUE INDEX master_keys_one_current ON master_keys (state) WHERE state = 'current';

-- The re-wrapper finds a retiring key's stores, and the keys route counts each key's stores, without reading them all.
CREATE INDEX stores_master_key ON stores (master_key_id, id) WHERE master_key_id IS NOT NULL;

-- The master keys each silo holds, keyed as Orleans' membership table keys a silo, so that a rotation can refuse to
-- make current a key that a running silo lacks (that silo could then neither create stores nor open re-wrapped ones).
CREATE TABLE silo_master_keys
(
    cluster_id   text    NOT NULL,
    address      text    NOT NULL,
    port         integer NOT NULL,
    generation   integer NOT NULL,
    fingerprints text[]  NOT NULL,
    PRIMARY KEY (cluster_id, address, port, generation)
);
