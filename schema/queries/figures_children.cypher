// A coverage table's rows: each child of a unit (the streets when $scope_id is null) with its
// node's properties; their figures come from figures_many. Parameters: $scope_id (or null).
// Returns one row: `found` (whether the scope names a unit or household) and `children`.
// In Neo4j Browser: :param scope_id => 'S01'
OPTIONAL MATCH (scope:Entity {id: $scope_id})
WHERE scope.level IS NOT NULL
CALL (scope) {
  OPTIONAL MATCH (scope)-[:HAS_CHILD]->(child)
  WHERE scope IS NOT NULL
  RETURN collect(child {.id, .name, .level, .address, .phone, .central, labels: labels(child), parent_id: scope.id}) AS below
  UNION
  OPTIONAL MATCH (street:StreetCommittee)
  WHERE $scope_id IS NULL
  RETURN collect(street {.id, .name, .level, .address, .phone, .central, labels: labels(street), parent_id: null}) AS below
}
WITH scope, collect(below) AS parts
RETURN $scope_id IS NULL OR scope IS NOT NULL AS found,
       reduce(all = [], part IN parts | all + part) AS children
