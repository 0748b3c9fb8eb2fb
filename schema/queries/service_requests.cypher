// One page of the service requests of a scope, by id: those of the households at or below a
// unit (or of one household), or every request for the whole city. Filters may be empty.
// A request is overdue when it has waited in its state more whole days (UTC) than its kind's
// limit for that wait (the stage its state is in: dispatch, accept, done or verify).
// Parameters: $scope_id (null: the city), $states, $kinds (lists; empty: any), $cadre_id,
// $work_unit_id, $overdue (bool; each may be null), $today (ISO date), $limits (map kind ->
// map stage -> days), $stage_of (map state -> stage), $after (last id of the previous page
// or null), $first, $with_nodes (bool: also the nodes the page's requests name).
// Returns one row: scope_found, total, has_next, page (list of request maps, times as ISO
// text: decoding a driver DateTime costs more than the query's row), nodes (with
// $with_nodes, each household, assignee and cadre of the page, as get_nodes answers them;
// else empty): what a listing shows beside each request, without a read of its own.
// In Neo4j Browser: :param scope_id => 'c1', states => ['ordered'], kinds => [], ...
CALL () {
  WITH $scope_id AS scope_id
  WHERE scope_id IS NULL
  MATCH (request:ServiceRequest)
  RETURN request
  UNION
  WITH $scope_id AS scope_id
  WHERE scope_id IS NOT NULL
  MATCH (:Entity {id: scope_id})-[:HAS_CHILD*0..4]->(:Household)-[:REQUESTED]->(request)
  RETURN request
}
WITH request
WHERE (size($states) = 0 OR request.state IN $states)
  AND (size($kinds) = 0 OR request.kind IN $kinds)
  AND ($cadre_id IS NULL OR request.cadre_id = $cadre_id
       OR (request.assignee_kind = 'member' AND request.assignee_id = $cadre_id))
  AND ($work_unit_id IS NULL
       OR (request.assignee_kind = 'work_unit' AND request.assignee_id = $work_unit_id))
  AND ($overdue IS NULL
       OR CASE
            WHEN $stage_of[request.state] IS NULL THEN false
            ELSE duration.inDays(date(request.since), date($today)).days
                 > $limits[request.kind][$stage_of[request.state]]
          END = $overdue)
WITH request
ORDER BY request.id
WITH collect(request) AS kept
WITH kept, [r IN kept WHERE $after IS NULL OR r.id > $after] AS rest
WITH kept, rest, rest[..$first] AS shown
RETURN $scope_id IS NULL
         OR EXISTS { MATCH (scope:Entity {id: $scope_id}) WHERE scope.level IS NOT NULL }
         AS scope_found,
       size(kept) AS total,
       size(rest) > $first AS has_next,
       [r IN shown | r {.*, recorded_at: toString(r.recorded_at), since: toString(r.since)}]
         AS page,
       CASE WHEN $with_nodes THEN COLLECT {
         UNWIND shown AS r
         UNWIND [r.household_id, r.assignee_id, r.cadre_id] AS id
         WITH DISTINCT id
         MATCH (n:Entity {id: id})
         WHERE NOT n:PointsEntry
         RETURN n {
           .id, .name, .level, .address, .phone, .central,
           labels: labels(n),
           parent_id: head([(parent)-[:HAS_CHILD]->(n) | parent.id]),
           work_unit_id: head([(n)-[:FROM_UNIT]->(unit) | unit.id]),
           community_id: head([(n)-[:REPORTED_TO]->(community) | community.id])
         }
       } ELSE [] END AS nodes
