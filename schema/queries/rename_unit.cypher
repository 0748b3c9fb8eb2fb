// Give a unit (street, community, branch or building group) a new name.
// Parameters: $unit_id, $name. No row when no unit has that id.
MATCH (unit:Entity {id: $unit_id})
WHERE unit.level < 5
SET unit.name = $name, unit.search_name = toLower($name)
RETURN unit {.id, .name, .level, .address, .phone, .central, labels: labels(unit), parent_id: head([(p)-[:HAS_CHILD]->(unit) | p.id])} AS unit
