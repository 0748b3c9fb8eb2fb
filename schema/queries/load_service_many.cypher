// Replace stored service requests with their whole timelines, as a ledger import loads them:
// the request's properties are set, its household link, DISPATCHED_TO and ACCEPTED_BY links
// and its ServiceStep nodes are made again from the row (the store has checked that the
// stored steps begin the new ones, so nothing done is lost). Ids must not repeat in one run.
// Parameters: $rows, as for create_service_many.
// Returns rows, the number of requests written.
UNWIND $rows AS row
WITH row, row.request AS r
MATCH (household:Household {id: r.household_id})
MERGE (request:ServiceRequest {id: r.id})
SET request.household_id = r.household_id, request.kind = r.kind, request.text = r.text,
    request.recorded_by = r.recorded_by, request.recorded_at = datetime(r.recorded_at),
    request.state = r.state, request.since = datetime(r.since),
    request.assignee_id = r.assignee_id, request.assignee_kind = r.assignee_kind,
    request.cadre_id = r.cadre_id, request.dispatched_by = r.dispatched_by,
    request.steps = r.steps, request.offer_id = r.offer_id
WITH request, row, household
CALL (request) {
  OPTIONAL MATCH (request)-[old:DISPATCHED_TO|ACCEPTED_BY]->()
  DELETE old
}
CALL (request) {
  OPTIONAL MATCH (request)-[:HAS_STEP]->(step:ServiceStep)
  DETACH DELETE step
}
CALL (request) {
  OPTIONAL MATCH (:Household)-[link:REQUESTED]->(request)
  DELETE link
}
CREATE (household)-[:REQUESTED]->(request)
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
