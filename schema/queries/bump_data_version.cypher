// Raise the data version, inside the transaction of every write (see data_version.cypher).
// Parameters: none.
MERGE (version:DataVersion {id: 'orggraph'})
  ON CREATE SET version.version = 1
  ON MATCH SET version.version = version.version + 1
