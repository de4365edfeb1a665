-- The table from which the Orleans ADO.NET providers read the SQL they run, keyed by the name each provider
-- asks for. The providers query it unquoted, so every name here is lower case.
CREATE TABLE IF NOT EXISTS orleansquery (
    querykey  varchar(64) PRIMARY KEY,
    querytext text NOT NULL
);
