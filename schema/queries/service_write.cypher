// Write a service request as it now stands and the step that made it so (三(三)4): the request
// hangs under its household (REQUESTED), points at whom it is dispatched to (DISPATCHED_TO a
// Member or WorkUnit) and who accepted it (ACCEPTED_BY), and gains a ServiceStep (HAS_STEP).
// A verification's points become a PointsEntry of that cadre (EARNED), the request its reason;
// the audit entry of the transition is kept in the same transaction.
// Parameters: $request {id, household_id, kind, text, recorded_by, recorded_at, state, since,
// assignee_id, assignee_kind, cadre_id, dispatched_by, steps, offer_id} (times as ISO text),
// $step {seq, action, from_state, to_state, by, at, reason, unit_id, assignee_id,
// assignee_kind, member_id, points, offer_id}, $points ({id, member_id, day, points, reason}
// or null), $audit (the transition's audit entry, as record_audit takes it, or null).
// Returns the request's id.
MERGE (request:ServiceRequest {id: $request.id})
SET request.household_id = $request.household_id,
    request.kind = $request.kind,
    request.text = $request.text,
    request.recorded_by = $request.recorded_by,
    request.recorded_at = datetime($request.recorded_at),
    request.state = $request.state,
    request.since = datetime($request.since),
    request.assignee_id = $request.assignee_id,
    request.assignee_kind = $request.assignee_kind,
    request.cadre_id = $request.cadre_id,
    request.dispatched_by = $request.dispatched_by,
    request.steps = $request.steps,
    request.offer_id = $request.offer_id
WITH request
CALL (request) {
  WITH request
  WHERE NOT EXISTS { (:Household)-[:REQUESTED]->(request) }
  MATCH (household:Household {id: request.household_id})
  CREATE (household)-[:REQUESTED]->(request)
}
CALL (request) {
  OPTIONAL MATCH (request)-[old:DISPATCHED_TO|ACCEPTED_BY]->()
  DELETE old
}
CALL (request) {
  WITH request
  WHERE request.assignee_id IS NOT NULL
  MATCH (taker:Entity {id: request.assignee_id})
  WHERE taker:Member OR taker:WorkUnit
  CREATE (request)-[:DISPATCHED_TO]->(taker)
}
CALL (request) {
  WITH request
  WHERE request.cadre_id IS NOT NULL
  MATCH (cadre:Member {id: request.cadre_id})
  CREATE (request)-[:ACCEPTED_BY]->(cadre)
}
CALL (request) {
  WITH request
  WHERE $points IS NOT NULL
  MATCH (cadre:Member {id: $points.member_id})
  CREATE (cadre)-[:EARNED]->(:Entity:PointsEntry {
    id: $points.id, day: date($points.day), points: $points.points, reason: $points.reason
  })
}
CALL () {
  WITH $audit AS audit
  WHERE audit IS NOT NULL
  CREATE (:AuditEntry {
    id: audit.id, at: audit.at, subject: audit.subject, role: audit.role,
    action: audit.action, target_ids: audit.target_ids, arguments: audit.arguments,
    before: audit.before, after: audit.after
  })
}
CREATE (request)-[:HAS_STEP]->(:ServiceStep {
  request_id: request.id, seq: $step.seq, action: $step.action, from_state: $step.from_state,
  to_state: $step.to_state, by: $step.by, at: datetime($step.at), reason: $step.reason,
  unit_id: $step.unit_id, assignee_id: $step.assignee_id, assignee_kind: $step.assignee_kind,
  member_id: $step.member_id, points: $step.points, offer_id: $step.offer_id
})
RETURN request.id AS id
