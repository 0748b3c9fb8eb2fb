// One service request's path through the graph: from the street down to its household, the
// request, whom it is dispatched to and who accepted it, and every step it took (click a step
// for who did what, when and why).
// Parameters: $request_id.
MATCH path = (:StreetCommittee)-[:HAS_CHILD*]->(:Household)-[:REQUESTED]->
             (:ServiceRequest {id: $request_id})
RETURN path
UNION
MATCH path = (:ServiceRequest {id: $request_id})-[:DISPATCHED_TO|ACCEPTED_BY|HAS_STEP]->()
RETURN path
