-- The Orleans ADO.NET providers ship no SQL of their own: at silo start each provider reads the
-- statements it will run from this table, looked up by QueryKey. Parameters are bound by name
-- (@DeploymentId, @GrainIdHash, ...) and results are read by column name, so those names are the
-- contract; everything else about the statements is ours to choose.
CREATE TABLE OrleansQuery
(
    QueryKey  varchar(64) NOT NULL PRIMARY KEY,
    QueryText text        NOT NULL
);
