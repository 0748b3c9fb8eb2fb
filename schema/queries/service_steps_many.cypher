// Each service request's steps (its timeline: who did what, when and why), by seq.
// Parameters: $ids (list of request ids). Returns one list, `found`, with {id, steps} per
// known id.
// In Neo4j Browser: :param ids => ['SR-1']
UNWIND $ids AS id
MATCH (request:ServiceRequest {id: id})
OPTIONAL MATCH (request)-[:HAS_STEP]->(step:ServiceStep)
WITH request, step
ORDER BY step.seq
WITH request, collect(step {.*}) AS steps
RETURN collect({id: request.id, steps: steps}) AS found
