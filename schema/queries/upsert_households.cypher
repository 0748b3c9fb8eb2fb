// Create or update households under their building groups; a household whose building group
// changed is moved; central households (党员中心户) carry the extra label CentralHousehold.
// A row already as stored is left alone. Ids must not repeat within one run.
// Parameters: $rows, a list of {id, name, parent_id, address, phone, central}.
// Returns one row per kind of change: change ('created', 'updated', 'unchanged') and rows.
UNWIND $rows AS row
OPTIONAL MATCH (old:Household {id: row.id})
OPTIONAL MATCH (old_parent:BuildingGroup)-[:HAS_CHILD]->(old)
WITH row, old, old_parent,
     CASE
       WHEN old IS NULL THEN 'created'
       WHEN old.name = row.name AND old.address = row.address AND old.phone = row.phone
            AND old.central = row.central AND old_parent.id = row.parent_id
         THEN 'unchanged'
       ELSE 'updated'
     END AS change
CALL (row, change) {
  WITH row, change WHERE change = 'created'
  MATCH (parent:BuildingGroup {id: row.parent_id})
  CREATE (parent)-[:HAS_CHILD]->(household:Entity:Household {id: row.id, level: 5})
  SET household.name = row.name, household.search_name = toLower(row.name),
      household.address = row.address, household.phone = row.phone,
      household.central = row.central
  FOREACH (_ IN CASE WHEN row.central THEN [1] ELSE [] END | SET household:CentralHousehold)
}
CALL (row, old, old_parent, change) {
  WITH row, old, old_parent, change WHERE change = 'updated'
  SET old.name = row.name, old.search_name = toLower(row.name),
      old.address = row.address, old.phone = row.phone, old.central = row.central
  FOREACH (_ IN CASE WHEN row.central THEN [1] ELSE [] END | SET old:CentralHousehold)
  FOREACH (_ IN CASE WHEN row.central THEN [] ELSE [1] END | REMOVE old:CentralHousehold)
  WITH row, old, old_parent WHERE coalesce(old_parent.id, '') <> row.parent_id
  OPTIONAL MATCH (old_parent)-[link:HAS_CHILD]->(old)
  DELETE link
  WITH row, old
  MATCH (parent:BuildingGroup {id: row.parent_id})
  CREATE (parent)-[:HAS_CHILD]->(old)
}
RETURN change, count(*) AS rows
