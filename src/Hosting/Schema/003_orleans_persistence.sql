-- Grain state (Microsoft.Orleans.Persistence.AdoNet): one row per grain and state name, the state serialized in
-- payloadbinary, and a version that every write must name. A write naming an older version changes nothing and
-- answers NULL, which the provider turns into InconsistentStateException: a stale activation never overwrites.

CREATE TABLE IF NOT EXISTS orleansstorage (
    serviceid              text NOT NULL,
    graintypestring        text NOT NULL,
    grainidn0              bigint NOT NULL,
    grainidn1              bigint NOT NULL,
    -- String grain keys live here whole (seat blocks); '' when the key is a plain Guid or integer.
    grainidextensionstring text NOT NULL DEFAULT '',
    grainidhash            integer NOT NULL,
    graintypehash          integer NOT NULL,
    payloadbinary          bytea,
    version                integer NOT NULL,
    modifiedon             timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (serviceid, graintypestring, grainidn0, grainidn1, grainidextensionstring)
);

INSERT INTO orleansquery (querykey, querytext) VALUES
('ReadFromStorageKey', $q$
    SELECT payloadbinary, version
    FROM orleansstorage
    WHERE serviceid = @ServiceId AND graintypestring = @GrainTypeString
      AND grainidn0 = @GrainIdN0 AND grainidn1 = @GrainIdN1
      AND grainidextensionstring = coalesce(@GrainIdExtensionString, '');
$q$),

-- Always answers one row: the new version, or NULL when the version named is not the stored one
-- (or, for a first write, when a row already exists).
('WriteToStorageKey', $q$
    WITH changed AS (
        UPDATE orleansstorage
        SET payloadbinary = @PayloadBinary, version = version + 1, modifiedon = now()
        WHERE @GrainStateVersion IS NOT NULL AND version = @GrainStateVersion
          AND serviceid = @ServiceId AND graintypestring = @GrainTypeString
          AND grainidn0 = @GrainIdN0 AND grainidn1 = @GrainIdN1
          AND grainidextensionstring = coalesce(@GrainIdExtensionString, '')
        RETURNING version),
    created AS (
        INSERT INTO orleansstorage
            (serviceid, graintypestring, grainidn0, grainidn1, grainidextensionstring, grainidhash, graintypehash, payloadbinary, version)
        SELECT @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, coalesce(@GrainIdExtensionString, ''),
               @GrainIdHash, @GrainTypeHash, @PayloadBinary, 1
        WHERE @GrainStateVersion IS NULL
        ON CONFLICT DO NOTHING
        RETURNING version)
    SELECT (SELECT version FROM changed UNION ALL SELECT version FROM created LIMIT 1) AS newgrainstateversion;
$q$),

-- Clearing keeps the row (and its version history) with no payload.
('ClearStorageKey', $q$
    WITH cleared AS (
        UPDATE orleansstorage
        SET payloadbinary = NULL, version = version + 1, modifiedon = now()
        WHERE @GrainStateVersion IS NOT NULL AND version = @GrainStateVersion
          AND serviceid = @ServiceId AND graintypestring = @GrainTypeString
          AND grainidn0 = @GrainIdN0 AND grainidn1 = @GrainIdN1
          AND grainidextensionstring = coalesce(@GrainIdExtensionString, '')
        RETURNING version)
    SELECT (SELECT version FROM cleared) AS newgrainstateversion;
$q$)
ON CONFLICT (querykey) DO UPDATE SET querytext = EXCLUDED.querytext;
