// The units, households, cadres and work units with these ids, each with its parent (units and
// households), work unit and community (cadres).
// Parameters: $ids (list of ids). Returns one list, `found`, with an entry per known id.
// In Neo4j Browser: :param ids => ['s1', 'm1']
UNWIND $ids AS id
MATCH (n:Entity {id: id})
WHERE NOT n:PointsEntry
RETURN collect(n {
  .id, .name, .level, .address, .phone, .central,
  labels: labels(n),
  parent_id: head([(parent)-[:HAS_CHILD]->(n) | parent.id]),
  work_unit_id: head([(n)-[:FROM_UNIT]->(unit) | unit.id]),
  community_id: head([(n)-[:REPORTED_TO]->(community) | community.id])
}) AS found
