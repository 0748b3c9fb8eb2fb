// Delete a unit or household and everything below it: units, households and their cover
// (ASSIGNED) and registration (REPORTED_TO) links. Cadres and work units stay.
// Parameters: $node_id. Returns how many units and households were deleted.
MATCH (root:Entity {id: $node_id})
WHERE root.level IS NOT NULL
MATCH (root)-[:HAS_CHILD*0..]->(node)
DETACH DELETE node
RETURN count(node) AS deleted
