// How many distinct households inside a scope (the whole city when $scope_id is null) these
// cadres cover: a roster's "households covered".
// Parameters: $scope_id, $ids (member ids). Returns one row: households.
// In Neo4j Browser: :param scope_id => 'S01-C01'  :param ids => ['M000001']
OPTIONAL MATCH (scope:Entity {id: $scope_id})
WHERE scope.level IS NOT NULL
UNWIND $ids AS id
MATCH (:Member {id: id})-[:ASSIGNED]->(household:Household)
WHERE $scope_id IS NULL OR household = scope
      OR EXISTS { (household)<-[:HAS_CHILD*1..4]-(scope) }
RETURN count(DISTINCT household) AS households
