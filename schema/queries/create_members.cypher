// Create cadres (双报到) that the store knows are new (none of the ids is stored yet), with the
// work unit that dispatches them (FROM_UNIT) and the community they registered with
// (REPORTED_TO) when given. The store sends rows for stored ids to upsert_members instead.
// Parameters: $rows, a list of {id, name, phone, work_unit_id, community_id}.
// Returns rows, the number of cadres created.
UNWIND $rows AS row
CREATE (member:Entity:Member {
  id: row.id, name: row.name, search_name: toLower(row.name), phone: row.phone
})
WITH row, member
OPTIONAL MATCH (unit:WorkUnit {id: row.work_unit_id})
OPTIONAL MATCH (community:CommunityCommittee {id: row.community_id})
FOREACH (_ IN CASE WHEN unit IS NULL THEN [] ELSE [1] END | CREATE (member)-[:FROM_UNIT]->(unit))
FOREACH (_ IN CASE WHEN community IS NULL THEN [] ELSE [1] END |
  CREATE (member)-[:REPORTED_TO]->(community))
RETURN count(*) AS rows
