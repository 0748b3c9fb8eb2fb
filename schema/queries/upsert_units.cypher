// Create or update units of ONE level (streets, communities, branches or building groups); a unit
// whose parent changed is moved (its HAS_CHILD link replaced); a row already as stored is left
// alone. Run the levels in order, streets first, so every parent exists. Ids must not repeat.
// Parameters: $rows, a list of {id, name, level (1-4), parent_id (null for a street)}.
// Returns one row per kind of change: change ('created', 'updated', 'unchanged') and rows.
// In Neo4j Browser: :param rows => [{id: 'S09', name: '新街道', level: 1, parent_id: null}]
UNWIND $rows AS row
OPTIONAL MATCH (old:Entity {id: row.id})
OPTIONAL MATCH (old_parent)-[:HAS_CHILD]->(old)
WITH row, old, old_parent,
     CASE
       WHEN old IS NULL THEN 'created'
       WHEN old.name = row.name AND coalesce(old_parent.id, '') = coalesce(row.parent_id, '')
         THEN 'unchanged'
       ELSE 'updated'
     END AS change
CALL (row, change) {
  WITH row, change WHERE change = 'created'
  CREATE (unit:Entity {id: row.id, level: row.level, name: row.name, search_name: toLower(row.name)})
  FOREACH (_ IN CASE WHEN row.level = 1 THEN [1] ELSE [] END | SET unit:StreetCommittee)
  FOREACH (_ IN CASE WHEN row.level = 2 THEN [1] ELSE [] END | SET unit:CommunityCommittee)
  FOREACH (_ IN CASE WHEN row.level = 3 THEN [1] ELSE [] END | SET unit:ResidentialBranch)
  FOREACH (_ IN CASE WHEN row.level = 4 THEN [1] ELSE [] END | SET unit:BuildingGroup)
  WITH row, unit
  MATCH (parent:Entity {id: row.parent_id})
  CREATE (parent)-[:HAS_CHILD]->(unit)
}
CALL (row, old, old_parent, change) {
  WITH row, old, old_parent, change WHERE change = 'updated'
  SET old.name = row.name, old.search_name = toLower(row.name)
  WITH row, old, old_parent WHERE coalesce(old_parent.id, '') <> coalesce(row.parent_id, '')
  OPTIONAL MATCH (old_parent)-[link:HAS_CHILD]->(old)
  DELETE link
  WITH row, old
  MATCH (parent:Entity {id: row.parent_id})
  CREATE (parent)-[:HAS_CHILD]->(old)
}
RETURN change, count(*) AS rows
