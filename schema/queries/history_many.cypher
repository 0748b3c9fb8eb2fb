// Every cover of each asked household or cadre, current (ASSIGNED, no end) and ended
// (EndedCover). Parameters: $ids; $side ('household' or 'member'). Returns one list, `found`,
// with an entry per id that names a node of that side (or, for households, one with kept
// history), each {id, covers: [{member_id, household_id, mode, since, ended, reason,
// to_member_id}]}.
// In Neo4j Browser: :param ids => ['S01-C01-B01-G01-H0001']  :param side => 'household'
UNWIND $ids AS id
OPTIONAL MATCH (node:Entity {id: id})
WHERE ($side = 'household' AND node:Household) OR ($side = 'member' AND node:Member)
WITH id, node,
     CASE $side
       WHEN 'household' THEN COLLECT { MATCH (ended:EndedCover {household_id: id}) RETURN ended }
       ELSE COLLECT { MATCH (ended:EndedCover {member_id: id}) RETURN ended }
     END AS ended
WHERE node IS NOT NULL OR size(ended) > 0
WITH id, node, ended,
     CASE $side
       WHEN 'household' THEN COLLECT {
         MATCH (member:Member)-[cover:ASSIGNED]->(node)
         RETURN {member_id: member.id, household_id: id, mode: cover.mode, since: cover.since}
       }
       ELSE COLLECT {
         MATCH (node)-[cover:ASSIGNED]->(household:Household)
         RETURN {member_id: id, household_id: household.id, mode: cover.mode, since: cover.since}
       }
     END AS current
RETURN collect({
  id: id,
  covers: current + [e IN ended | e {
    .member_id, .household_id, .mode, .since, .ended, .reason, .to_member_id
  }]
}) AS found
