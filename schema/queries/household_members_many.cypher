// The cadres covering each of these households, by member id, with the mode and date of each
// cover. Parameters: $ids (household ids). Returns one list, `found`, with an entry per id that
// names a household.
// In Neo4j Browser: :param ids => ['h01']
UNWIND $ids AS id
MATCH (household:Household {id: id})
OPTIONAL MATCH (member:Member)-[cover:ASSIGNED]->(household)
WITH household, cover, member
ORDER BY member.id
WITH household {
       .*,
       parent_id: head([(parent)-[:HAS_CHILD]->(household) | parent.id])
     } AS household,
     collect(CASE WHEN member IS NOT NULL THEN {
       member: member {
         .*,
         work_unit_id: head([(member)-[:FROM_UNIT]->(unit) | unit.id]),
         community_id: head([(member)-[:REPORTED_TO]->(community) | community.id])
       },
       mode: cover.mode,
       since: cover.since
     } END) AS covers
RETURN collect({household: household, covers: covers}) AS found
