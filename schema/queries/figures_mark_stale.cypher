// Before a bulk load that puts off the figures: say so in the database, so a load that dies
// half way is finished by the next open (see figures_state). Parameters: $stale (boolean).
// In Neo4j Browser: :param stale => false
MERGE (version:DataVersion {id: 'orggraph'})
  ON CREATE SET version.version = 0
SET version.figures_stale = $stale
RETURN version.figures_stale AS stale
