// Record that schema migration $version (file $migration) is applied: one node, updated in place.
// Parameters: $version (integer), $migration (file name without .cypher).
MERGE (v:SchemaVersion {id: 'orggraph'})
SET v.version = $version, v.migration = $migration, v.applied_at = datetime()
RETURN v.version AS version
