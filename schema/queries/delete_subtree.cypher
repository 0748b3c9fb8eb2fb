// Delete a unit or household and everything below it: units, households and their cover
// (ASSIGNED) and registration (REPORTED_TO) links. Cadres and work units stay. Each cover of
// a deleted household is kept in the history as an EndedCover ended on $ended (reason
// 'household_removed').
// Parameters: $node_id, $ended (a date). Returns how many units and households were deleted.
MATCH (root:Entity {id: $node_id})
WHERE root.level IS NOT NULL
CALL (root) {
  MATCH (root)-[:HAS_CHILD*0..]->(household:Household)<-[cover:ASSIGNED]-(member:Member)
  MERGE (ended:EndedCover {
    household_id: household.id, member_id: member.id, since: cover.since, ended: $ended
  })
  SET ended.mode = cover.mode, ended.reason = 'household_removed', ended.to_member_id = null
}
MATCH (root)-[:HAS_CHILD*0..]->(node)
DETACH DELETE node
RETURN count(node) AS deleted
