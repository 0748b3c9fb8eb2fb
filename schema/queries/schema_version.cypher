// Which schema migration this database is at (no row: none applied yet).
// Parameters: none.
MATCH (v:SchemaVersion {id: 'orggraph'})
RETURN v.version AS version, v.applied_at AS applied_at
