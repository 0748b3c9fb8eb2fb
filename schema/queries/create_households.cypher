// Create households that the store knows are new (none of the ids is stored yet), each under its
// building group; central households (党员中心户) carry the extra label CentralHousehold. The
// store checks the rows first and sends rows for ids it found stored to upsert_households
// instead, so this skips the comparison that query makes (a bulk import is mostly new rows).
// Parameters: $rows, a list of {id, name, parent_id, address, phone, central}.
// Returns rows, the number of households created.
UNWIND $rows AS row
MATCH (parent:BuildingGroup {id: row.parent_id})
CREATE (parent)-[:HAS_CHILD]->(household:Entity:Household {
  id: row.id, level: 5, name: row.name, search_name: toLower(row.name),
  address: row.address, phone: row.phone, central: row.central
})
FOREACH (_ IN CASE WHEN row.central THEN [1] ELSE [] END | SET household:CentralHousehold)
RETURN count(*) AS rows
