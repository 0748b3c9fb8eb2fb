// Create service requests that the store knows are new (none of the ids is stored yet), each
// with its whole timeline, as a ledger import loads them (三(三)4): the request hangs under its
// household (REQUESTED), points at whom it is dispatched to (DISPATCHED_TO a Member or
// WorkUnit) and who accepted it (ACCEPTED_BY), and has one ServiceStep per step (HAS_STEP).
// The store sends requests it holds already to load_service_many instead.
// Parameters: $rows, a list of {request: {id, household_id, kind, text, recorded_by,
// recorded_at, state, since, assignee_id, assignee_kind, cadre_id, dispatched_by, steps,
// offer_id},
// steps: [{seq, action, from_state, to_state, by, at, reason, unit_id, assignee_id,
// assignee_kind, member_id, points, offer_id}]} (times as ISO text; offer_id the supply
// offer a dispatch matched, or null).
// Returns rows, the number of requests created.
UNWIND $rows AS row
WITH row, row.request AS r
MATCH (household:Household {id: r.household_id})
CREATE (household)-[:REQUESTED]->(request:ServiceRequest {
  id: r.id, household_id: r.household_id, kind: r.kind, text: r.text,
  recorded_by: r.recorded_by, recorded_at: datetime(r.recorded_at), state: r.state,
  since: datetime(r.since), assignee_id: r.assignee_id, assignee_kind: r.assignee_kind,
  cadre_id: r.cadre_id, dispatched_by: r.dispatched_by, steps: r.steps,
  offer_id: r.offer_id
})
WITH request, row
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
CALL (request, row) {
  UNWIND row.steps AS s
  CREATE (request)-[:HAS_STEP]->(:ServiceStep {
    request_id: request.id, seq: s.seq, action: s.action, from_state: s.from_state,
    to_state: s.to_state, by: s.by, at: datetime(s.at), reason: s.reason,
    unit_id: s.unit_id, assignee_id: s.assignee_id, assignee_kind: s.assignee_kind,
    member_id: s.member_id, points: s.points, offer_id: s.offer_id
  })
}
RETURN count(*) AS rows
