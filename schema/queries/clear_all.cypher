// Delete the whole organisation graph, in batches so a big city fits in memory; the schema version
// node stays. Needs an implicit (auto-commit) transaction: in Neo4j Browser prefix it with :auto.
// Parameters: none.
MATCH (n)
WHERE NOT n:SchemaVersion
CALL (n) {
  DETACH DELETE n
} IN TRANSACTIONS OF 10000 ROWS
