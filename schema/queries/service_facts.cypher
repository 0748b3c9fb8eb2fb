// What a service transition needs to know, read in its own write transaction: the request as
// stored and its last step, its household's units (street first), what the assignee is, the
// acting cadre's work unit, whether the acting unit is a unit, whether the points entry id
// is taken, and the offer a dispatch names. It first raises the data version (as
// bump_data_version does), which locks the version node until commit: transitions run one
// after another, each reading what the one before it wrote (Connection.write_bumping).
// Parameters: $request_id, $household_id (an order's household; else null: the request's),
// $assignee_id, $member_id, $unit_id, $points_id, $offer_id (each may be null).
// Returns one row: request (map or null), last_step (map or null), household_found, ancestors
// (list of unit maps), assignee_kind ('member', 'work_unit' or null), member_found,
// member_work_unit, unit_found, points_taken, offer (map or null).
MERGE (version:DataVersion {id: 'orggraph'})
  ON CREATE SET version.version = 1
  ON MATCH SET version.version = version.version + 1
WITH version
OPTIONAL MATCH (request:ServiceRequest {id: $request_id})
WITH request, coalesce(request.household_id, $household_id) AS household_id
OPTIONAL MATCH (household:Household {id: household_id})
CALL (household) {
  OPTIONAL MATCH (unit)-[:HAS_CHILD*1..4]->(household)
  WITH unit
  ORDER BY unit.level
  RETURN collect(unit {
    .id, .name, .level, parent_id: head([(parent)-[:HAS_CHILD]->(unit) | parent.id])
  }) AS ancestors
}
OPTIONAL MATCH (assignee:Entity {id: $assignee_id})
WHERE assignee:Member OR assignee:WorkUnit
OPTIONAL MATCH (member:Member {id: $member_id})
OPTIONAL MATCH (acting:Entity {id: $unit_id})
WHERE acting.level IS NOT NULL AND NOT acting:Household
OPTIONAL MATCH (offer:ServiceOffer {id: $offer_id})
RETURN request {.*} AS request,
       head([(request)-[:HAS_STEP]->(step:ServiceStep) WHERE step.seq = request.steps
             | step {.*}]) AS last_step,
       household IS NOT NULL AS household_found,
       ancestors,
       CASE WHEN assignee:Member THEN 'member' WHEN assignee:WorkUnit THEN 'work_unit' END
         AS assignee_kind,
       member IS NOT NULL AS member_found,
       head([(member)-[:FROM_UNIT]->(work_unit) | work_unit.id]) AS member_work_unit,
       acting IS NOT NULL AS unit_found,
       EXISTS { MATCH (taken:Entity {id: $points_id}) } AS points_taken,
       offer {.*} AS offer
