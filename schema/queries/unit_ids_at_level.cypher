// Every unit id of one level, for a full refresh of the figures. Parameters: $level (1-4).
// Returns one list, `ids`.
// In Neo4j Browser: :param level => 4
MATCH (unit:Entity)
WHERE unit.level = $level
RETURN collect(unit.id) AS ids
