// What each id names, to check a write before making it: the node's labels and level, the units
// above a unit as [level, id] pairs, and how many children it has.
// Parameters: $ids (list of ids). Returns one list, `found`, with an entry per known id (one row
// rather than a row per id: thousands of rows cost the Python driver far more than one list).
// In Neo4j Browser: :param ids => ['s1', 'c1']
UNWIND $ids AS id
MATCH (n:Entity {id: id})
RETURN collect({
  id: n.id,
  labels: labels(n),
  level: n.level,
  ancestors: CASE WHEN n.level < 5 THEN [(a)-[:HAS_CHILD*1..3]->(n) | [a.level, a.id]] ELSE [] END,
  parent_id: head([(parent)-[:HAS_CHILD]->(n) | parent.id]),
  children: COUNT { (n)-[:HAS_CHILD]->() }
}) AS found
