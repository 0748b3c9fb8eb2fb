// Hang a unit, with its whole subtree, under another parent: its HAS_CHILD link is replaced.
// Check first that the parent is of the level directly above (orggraph does).
// Parameters: $unit_id, $parent_id. No row when either id is unknown.
MATCH (unit:Entity {id: $unit_id})
MATCH (parent:Entity {id: $parent_id})
OPTIONAL MATCH ()-[link:HAS_CHILD]->(unit)
DELETE link
CREATE (parent)-[:HAS_CHILD]->(unit)
RETURN unit {.id, .name, .level, .address, .phone, .central, labels: labels(unit), parent_id: parent.id} AS unit
