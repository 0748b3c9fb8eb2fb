// One page of the service list (服务清单): the verified requests of the households at or below
// a unit (or of one household; every one for the whole city), by id, kept by the day (UTC)
// they were verified (they entered 'verified' then) and who served them.
// Parameters: $scope_id (null: the city), $verified_from, $verified_until (ISO dates or null),
// $cadre_id, $work_unit_id (or null), $after (last id of the previous page or null), $first.
// Returns one row: scope_found, total, has_next, page (list of request maps).
// In Neo4j Browser: :param scope_id => 'c1', verified_from => '2025-03-01', verified_until =>
// null, cadre_id => null, work_unit_id => null, after => null, first => 50
CALL () {
  WITH $scope_id AS scope_id
  WHERE scope_id IS NULL
  MATCH (request:ServiceRequest {state: 'verified'})
  RETURN request
  UNION
  WITH $scope_id AS scope_id
  WHERE scope_id IS NOT NULL
  MATCH (:Entity {id: scope_id})-[:HAS_CHILD*0..4]->(:Household)-[:REQUESTED]->(request)
  WHERE request.state = 'verified'
  RETURN request
}
WITH request, date(datetime({datetime: request.since, timezone: 'UTC'})) AS day
WHERE ($verified_from IS NULL OR day >= date($verified_from))
  AND ($verified_until IS NULL OR day <= date($verified_until))
  AND ($cadre_id IS NULL OR request.cadre_id = $cadre_id)
  AND ($work_unit_id IS NULL
       OR (request.assignee_kind = 'work_unit' AND request.assignee_id = $work_unit_id))
WITH request
ORDER BY request.id
WITH collect(request) AS kept
WITH kept, [r IN kept WHERE $after IS NULL OR r.id > $after] AS rest
RETURN $scope_id IS NULL
         OR EXISTS { MATCH (scope:Entity {id: $scope_id}) WHERE scope.level IS NOT NULL }
         AS scope_found,
       size(kept) AS total,
       size(rest) > $first AS has_next,
       [r IN rest[..$first] | r {.*}] AS page
