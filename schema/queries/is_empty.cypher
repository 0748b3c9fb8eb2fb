// Whether the database holds no node of the organisation graph yet (a count Neo4j keeps, so
// this reads no nodes). A bulk import into an empty database builds the search index at the
// end instead of row by row (Neo4jStore.bulk_load).
// Parameters: none. Returns one row: empty (boolean).
MATCH (n:Entity)
RETURN count(n) = 0 AS empty
