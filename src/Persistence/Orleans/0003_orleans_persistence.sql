-- Orleans ADO.NET grain storage: one row per grain state, and the queries
-- Orleans.Persistence.AdoNet looks up in OrleansQuery.
--
-- A row is identified by (ServiceId, GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString).
-- GrainTypeString is the state name, N0/N1 hold a GUID or integer key, and the extension string
-- holds a string key or a key extension. The two hashes only narrow the index lookup.
--
-- Version is the ETag. A write carrying version N succeeds only if the row is still at N and
-- leaves it at N + 1; a write without a version succeeds only if there is no row yet. A write that
-- does neither returns no row, which the provider turns into an InconsistentStateException.

CREATE TABLE OrleansStorage
(
    GrainIdHash            integer      NOT NULL,
    GrainIdN0              bigint       NOT NULL,
    GrainIdN1              bigint       NOT NULL,
    GrainTypeHash          integer      NOT NULL,
    GrainTypeString        varchar(512) NOT NULL,
    GrainIdExtensionString varchar(512) NULL,
    ServiceId              varchar(150) NOT NULL,
    PayloadBinary          bytea        NULL,
    ModifiedOn             timestamptz  NOT NULL DEFAULT now(),
    Version                integer      NOT NULL
);

-- Makes the "no row yet" insert race-free: of two concurrent first writes, one conflicts.
-- NULLS NOT DISTINCT (PostgreSQL 15) because most keys have no extension string.
CREATE UNIQUE INDEX OrleansStorage_Identity
    ON OrleansStorage (GrainIdHash, GrainTypeHash, ServiceId, GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString)
    NULLS NOT DISTINCT;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('ReadFromStorageKey', $q$
    SELECT PayloadBinary, Version
      FROM OrleansStorage
     WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash
       AND ServiceId = @ServiceId AND GrainTypeString = @GrainTypeString
       AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
       AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString;
$q$),

('WriteToStorageKey', $q$
    WITH updated AS (
        UPDATE OrleansStorage
           SET PayloadBinary = @PayloadBinary, ModifiedOn = now(), Version = Version + 1
         WHERE @GrainStateVersion IS NOT NULL
           AND Version = @GrainStateVersion
           AND GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash
           AND ServiceId = @ServiceId AND GrainTypeString = @GrainTypeString
           AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
           AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString
        RETURNING Version
    ),
    inserted AS (
        INSERT INTO OrleansStorage
            (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString,
             GrainIdExtensionString, ServiceId, PayloadBinary, Version)
        SELECT @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString,
               @GrainIdExtensionString, @ServiceId, @PayloadBinary, 1
         WHERE @GrainStateVersion IS NULL
        ON CONFLICT DO NOTHING
        RETURNING Version
    )
    SELECT Version AS NewGrainStateVersion FROM updated
    UNION ALL
    SELECT Version FROM inserted;
$q$),

-- Clearing keeps the row (with no payload) so the version keeps counting up.
('ClearStorageKey', $q$
    UPDATE OrleansStorage
       SET PayloadBinary = NULL, ModifiedOn = now(), Version = Version + 1
     WHERE Version = @GrainStateVersion
       AND GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash
       AND ServiceId = @ServiceId AND GrainTypeString = @GrainTypeString
       AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
       AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString
    RETURNING Version AS NewGrainStateVersion;
$q$),

-- Used instead of ClearStorageKey when the provider's DeleteStateOnClear is set. The provider
-- expects a version different from the one it sent back as the sign of success.
('DeleteStorageKey', $q$
    DELETE FROM OrleansStorage
     WHERE Version = @GrainStateVersion
       AND GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash
       AND ServiceId = @ServiceId AND GrainTypeString = @GrainTypeString
       AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
       AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString
    RETURNING Version + 1 AS NewGrainStateVersion;
$q$);
