// The data version: a number every write transaction raises, so cached summaries know whether
// they are still true (Neo4jStore keeps city and scope figures until it changes).
// Parameters: none.
OPTIONAL MATCH (version:DataVersion {id: 'orggraph'})
RETURN coalesce(version.version, 0) AS version
