// Create or update cadres (双报到): name, phone, the work unit that dispatches them (FROM_UNIT)
// and the community they registered with (REPORTED_TO); a null id removes that link.
// A row already as stored is left alone. Ids must not repeat within one run.
// Parameters: $rows, a list of {id, name, phone, work_unit_id, community_id}.
// Returns one row per kind of change: change ('created', 'updated', 'unchanged') and rows.
UNWIND $rows AS row
OPTIONAL MATCH (old:Member {id: row.id})
WITH row, old,
     head([(old)-[:FROM_UNIT]->(unit) | unit.id]) AS old_work_unit_id,
     head([(old)-[:REPORTED_TO]->(community) | community.id]) AS old_community_id
WITH row, old, old_work_unit_id, old_community_id,
     CASE
       WHEN old IS NULL THEN 'created'
       WHEN old.name = row.name AND old.phone = row.phone
            AND coalesce(old_work_unit_id, '') = coalesce(row.work_unit_id, '')
            AND coalesce(old_community_id, '') = coalesce(row.community_id, '')
         THEN 'unchanged'
       ELSE 'updated'
     END AS change
CALL (row, change) {
  WITH row, change WHERE change = 'created'
  CREATE (member:Entity:Member {id: row.id})
  SET member.name = row.name, member.search_name = toLower(row.name), member.phone = row.phone
  WITH row, member
  OPTIONAL MATCH (unit:WorkUnit {id: row.work_unit_id})
  OPTIONAL MATCH (community:CommunityCommittee {id: row.community_id})
  FOREACH (_ IN CASE WHEN unit IS NULL THEN [] ELSE [1] END | CREATE (member)-[:FROM_UNIT]->(unit))
  FOREACH (_ IN CASE WHEN community IS NULL THEN [] ELSE [1] END |
    CREATE (member)-[:REPORTED_TO]->(community))
}
CALL (row, old, old_work_unit_id, old_community_id, change) {
  WITH row, old, old_work_unit_id, old_community_id, change WHERE change = 'updated'
  SET old.name = row.name, old.search_name = toLower(row.name), old.phone = row.phone
  WITH row, old, old_work_unit_id, old_community_id
  CALL (row, old, old_work_unit_id) {
    WITH row, old, old_work_unit_id
    WHERE coalesce(old_work_unit_id, '') <> coalesce(row.work_unit_id, '')
    OPTIONAL MATCH (old)-[link:FROM_UNIT]->()
    DELETE link
    WITH row, old
    MATCH (unit:WorkUnit {id: row.work_unit_id})
    CREATE (old)-[:FROM_UNIT]->(unit)
  }
  CALL (row, old, old_community_id) {
    WITH row, old, old_community_id
    WHERE coalesce(old_community_id, '') <> coalesce(row.community_id, '')
    OPTIONAL MATCH (old)-[link:REPORTED_TO]->()
    DELETE link
    WITH row, old
    MATCH (community:CommunityCommittee {id: row.community_id})
    CREATE (old)-[:REPORTED_TO]->(community)
  }
}
RETURN change, count(*) AS rows
