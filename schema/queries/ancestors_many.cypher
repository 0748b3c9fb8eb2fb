// The units above each of these units or households, street first (the chain each belongs to).
// Parameters: $ids (list of ids). Returns one list, `found`, with an entry {id, ancestors} per id
// that names a unit or household.
// In Neo4j Browser: :param ids => ['h01', 'g5']
UNWIND $ids AS id
MATCH (n:Entity {id: id})
WHERE n.level IS NOT NULL
OPTIONAL MATCH (ancestor)-[:HAS_CHILD*1..]->(n)
WITH n, ancestor
ORDER BY ancestor.level
WITH n.id AS id,
     collect(ancestor {
       .id, .name, .level, .address, .phone, .central,
       parent_id: head([(parent)-[:HAS_CHILD]->(ancestor) | parent.id])
     }) AS ancestors
RETURN collect({id: id, ancestors: ancestors}) AS found
