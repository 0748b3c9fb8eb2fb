// Create units of ONE level that the store knows are new (none of the ids is stored yet), each
// under its parent (a street has none). Run the levels in order, streets first, so every parent
// exists. The store sends rows for stored ids to upsert_units instead.
// Parameters: $rows, a list of {id, name, level (1-4), parent_id (null for a street)}.
// Returns rows, the number of units created.
UNWIND $rows AS row
CREATE (unit:Entity {id: row.id, level: row.level, name: row.name, search_name: toLower(row.name)})
FOREACH (_ IN CASE WHEN row.level = 1 THEN [1] ELSE [] END | SET unit:StreetCommittee)
FOREACH (_ IN CASE WHEN row.level = 2 THEN [1] ELSE [] END | SET unit:CommunityCommittee)
FOREACH (_ IN CASE WHEN row.level = 3 THEN [1] ELSE [] END | SET unit:ResidentialBranch)
FOREACH (_ IN CASE WHEN row.level = 4 THEN [1] ELSE [] END | SET unit:BuildingGroup)
WITH row, unit
OPTIONAL MATCH (parent:Entity {id: row.parent_id})
FOREACH (_ IN CASE WHEN parent IS NULL THEN [] ELSE [1] END |
  CREATE (parent)-[:HAS_CHILD]->(unit))
RETURN count(*) AS rows
