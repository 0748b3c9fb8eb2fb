// The households each of these cadres covers, by household id, with the mode and date of each
// cover. Parameters: $ids (member ids). Returns one list, `found`, with an entry per id that
// names a cadre.
// In Neo4j Browser: :param ids => ['m1']
UNWIND $ids AS id
MATCH (member:Member {id: id})
OPTIONAL MATCH (member)-[cover:ASSIGNED]->(household:Household)
WITH member, cover, household
ORDER BY household.id
WITH member {
       .*,
       work_unit_id: head([(member)-[:FROM_UNIT]->(unit) | unit.id]),
       community_id: head([(member)-[:REPORTED_TO]->(community) | community.id])
     } AS member,
     collect(CASE WHEN household IS NOT NULL THEN {
       household: household {
         .*,
         parent_id: head([(parent)-[:HAS_CHILD]->(household) | parent.id])
       },
       mode: cover.mode,
       since: cover.since
     } END) AS covers
RETURN collect({member: member, covers: covers}) AS found
