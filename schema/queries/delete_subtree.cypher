// Delete a unit or household and everything below it: units, households and their cover
// (ASSIGNED) and registration (REPORTED_TO) links. Cadres and work units stay. Each cover of
// a deleted household is kept in the history as an EndedCover ended on $ended (reason
// 'household_removed').
// Parameters: $node_id, $ended (a date). Returns how many units and households were deleted.
MATCH (root:Entity {id: $node_id})
WHERE root.level IS NOT NULL
CALL (root) {
  MATCH (root)-[:HAS_CHILD*0..]->(household:Household)<-[cover:ASSIGNED]-(member:Member)
  CREATE (:EndedCover {
    member_id: member.id, household_id: household.id, mode: cover.mode, since: cover.since,
    ended: $ended, reason: 'household_removed'
  })
}
MATCH (root)-[:HAS_CHILD*0..]->(node)
DETACH DELETE node
RETURN count(node) AS deleted
