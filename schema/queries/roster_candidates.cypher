// The cadres of each asked scope by id, without their standings: those registered with a
// community inside it and those covering a household inside it (from the scope's kept
// figures; a household's own cadres); the city's (null) are every cadre. What a roster with
// no filter pages through before reading the standings of one page.
// Parameters: $scope_ids (a list; null for the city). Returns one row per scope that exists:
// index (its place in $scope_ids) and ids (sorted).
// In Neo4j Browser: :param scope_ids => ['S01-C01']
UNWIND range(0, size($scope_ids) - 1) AS index
WITH index, $scope_ids[index] AS scope_id
OPTIONAL MATCH (scope:Entity {id: scope_id})
WHERE scope.level IS NOT NULL
WITH index, scope_id, scope
WHERE scope_id IS NULL OR scope IS NOT NULL
CALL (scope) {
  CALL (scope) {
    WITH scope WHERE scope IS NULL
    MATCH (member:Member)
    RETURN member.id AS id
    UNION
    WITH scope WHERE scope IS NOT NULL
    UNWIND coalesce(scope.fig_covering, COLLECT {
      MATCH (cadre:Member)-[:ASSIGNED]->(scope)
      RETURN cadre.id
    }) + coalesce(scope.fig_registered, []) AS id
    RETURN id
  }
  WITH id ORDER BY id
  RETURN collect(id) AS ids
}
RETURN index, ids
