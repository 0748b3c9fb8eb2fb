// Delete the whole organisation graph, in batches so a big city fits in memory; the schema version
// and data version nodes stay (the data version must only ever rise, or cached figures would
// match a different graph). Needs an implicit (auto-commit) transaction: in Neo4j Browser prefix it with :auto.
// Parameters: none.
MATCH (n)
WHERE NOT n:SchemaVersion AND NOT n:DataVersion
CALL (n) {
  DETACH DELETE n
} IN TRANSACTIONS OF 10000 ROWS
