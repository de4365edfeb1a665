-- Cluster membership (Microsoft.Orleans.Clustering.AdoNet). One version row per deployment (cluster id); every
-- change to the deployment's members bumps it, and a writer holding an older version is refused, which is how
-- silos agree on the membership without locks.

CREATE TABLE IF NOT EXISTS orleansmembershipversiontable (
    deploymentid text PRIMARY KEY,
    "timestamp"  timestamptz NOT NULL DEFAULT now(),
    version      integer NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS orleansmembershiptable (
    deploymentid text NOT NULL REFERENCES orleansmembershipversiontable (deploymentid),
    address      text NOT NULL,
    port         integer NOT NULL,
    generation   integer NOT NULL,
    siloname     text NOT NULL,
    hostname     text NOT NULL,
    status       integer NOT NULL,
    proxyport    integer NOT NULL DEFAULT 0,
    suspecttimes text,
    starttime    timestamptz NOT NULL,
    iamalivetime timestamptz NOT NULL,
    PRIMARY KEY (deploymentid, address, port, generation)
);

INSERT INTO orleansquery (querykey, querytext) VALUES
('InsertMembershipVersionKey', $q$
    WITH created AS (
        INSERT INTO orleansmembershipversiontable (deploymentid) VALUES (@DeploymentId)
        ON CONFLICT (deploymentid) DO NOTHING
        RETURNING 1)
    SELECT count(*)::integer FROM created;
$q$),

-- Adds a silo's row and bumps the version, both or neither: the bump only happens while the version is the one the
-- silo read and the row does not exist yet. Answers 1 when the row was added.
('InsertMembershipKey', $q$
    WITH bumped AS (
        UPDATE orleansmembershipversiontable v
        SET version = v.version + 1, "timestamp" = now()
        WHERE v.deploymentid = @DeploymentId AND v.version = @Version
          AND NOT EXISTS (SELECT 1 FROM orleansmembershiptable m
                          WHERE m.deploymentid = @DeploymentId AND m.address = @Address AND m.port = @Port AND m.generation = @Generation)
        RETURNING v.deploymentid),
    added AS (
        INSERT INTO orleansmembershiptable
            (deploymentid, address, port, generation, siloname, hostname, status, proxyport, starttime, iamalivetime)
        SELECT deploymentid, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort, @StartTime, @IAmAliveTime
        FROM bumped
        ON CONFLICT DO NOTHING
        RETURNING 1)
    SELECT count(*)::integer FROM added;
$q$),

-- Changes a silo's status and suspicions and bumps the version, both or neither. Answers 1 when it did.
('UpdateMembershipKey', $q$
    WITH bumped AS (
        UPDATE orleansmembershipversiontable v
        SET version = v.version + 1, "timestamp" = now()
        WHERE v.deploymentid = @DeploymentId AND v.version = @Version
          AND EXISTS (SELECT 1 FROM orleansmembershiptable m
                      WHERE m.deploymentid = @DeploymentId AND m.address = @Address AND m.port = @Port AND m.generation = @Generation)
        RETURNING v.deploymentid),
    changed AS (
        UPDATE orleansmembershiptable m
        SET status = @Status, suspecttimes = @SuspectTimes, iamalivetime = GREATEST(m.iamalivetime, @IAmAliveTime)
        FROM bumped
        WHERE m.deploymentid = bumped.deploymentid AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
        RETURNING 1)
    SELECT count(*)::integer FROM changed;
$q$),

-- The heartbeat: never moves the version, never moves the time backwards.
('UpdateIAmAlivetimeKey', $q$
    UPDATE orleansmembershiptable
    SET iamalivetime = GREATEST(iamalivetime, @IAmAliveTime)
    WHERE deploymentid = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation;
$q$),

-- Both reads answer at least one row (the version), with the member columns empty when there is no member.
('MembershipReadRowKey', $q$
    SELECT v.version, m.address, m.port, m.generation, m.siloname, m.hostname, m.status, m.proxyport,
           m.suspecttimes, m.starttime, m.iamalivetime
    FROM orleansmembershipversiontable v
    LEFT JOIN orleansmembershiptable m
           ON m.deploymentid = v.deploymentid AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
    WHERE v.deploymentid = @DeploymentId;
$q$),

('MembershipReadAllKey', $q$
    SELECT v.version, m.address, m.port, m.generation, m.siloname, m.hostname, m.status, m.proxyport,
           m.suspecttimes, m.starttime, m.iamalivetime
    FROM orleansmembershipversiontable v
    LEFT JOIN orleansmembershiptable m ON m.deploymentid = v.deploymentid
    WHERE v.deploymentid = @DeploymentId;
$q$),

('GatewaysQueryKey', $q$
    SELECT address, proxyport, generation
    FROM orleansmembershiptable
    WHERE deploymentid = @DeploymentId AND status = @Status AND proxyport > 0;
$q$),

('DeleteMembershipTableEntriesKey', $q$
    DELETE FROM orleansmembershiptable WHERE deploymentid = @DeploymentId;
    DELETE FROM orleansmembershipversiontable WHERE deploymentid = @DeploymentId;
$q$),

-- Forgets silos that are dead (status 6), unsuspected, and silent since before the cut-off.
('CleanupDefunctSiloEntriesKey', $q$
    DELETE FROM orleansmembershiptable
    WHERE deploymentid = @DeploymentId AND status = 6
      AND iamalivetime < @IAmAliveTime AND starttime < @IAmAliveTime AND coalesce(suspecttimes, '') = '';
$q$),

-- The same for one dead silo, only if its row is still exactly as the caller read it.
('CleanupDefunctSiloEntryKey', $q$
    DELETE FROM orleansmembershiptable
    WHERE deploymentid = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation
      AND status = 6 AND iamalivetime = @IAmAliveTime AND starttime = @StartTime
      AND coalesce(suspecttimes, '') = coalesce(@SuspectTimes, '');
$q$)
ON CONFLICT (querykey) DO UPDATE SET querytext = EXCLUDED.querytext;
