// Delete the whole organisation graph, in transactions of 1,000 nodes so that a big city fits in
// memory (10,000 ran out of the transaction memory pool on a scale-10 city with a 1 GB heap).
// The schema version and data version nodes stay (the data version must only ever rise, or
// cached figures would match a different graph). Needs an implicit (auto-commit) transaction:
// in Neo4j Browser prefix it with :auto.
// Parameters: none.
MATCH (n)
WHERE NOT n:SchemaVersion AND NOT n:DataVersion
CALL (n) {
  DETACH DELETE n
} IN TRANSACTIONS OF 1000 ROWS
