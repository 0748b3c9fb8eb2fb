// The cadre gaps of a scope ($scope_id, or the whole city when null), from the cadre ids its
// kept figures list (fig_covering, fig_registered; a household's own cadres): how many cover 1 to $min_households - 1
// households in all, more than $max_households, none (registered ones only), and how many
// earned under $min_points dated in $year.
// Parameters: $scope_id, $min_households, $max_households, $min_points, $year. Returns one row.
// In Neo4j Browser: :param scope_id => 'S01-C01'  :param min_households => 10  :param max_households => 15  :param min_points => 20  :param year => 2022
CALL () {
  MATCH (scope:Entity {id: $scope_id})
  RETURN scope
  UNION
  MATCH (scope:StreetCommittee)
  WHERE $scope_id IS NULL
  RETURN scope
}
CALL (scope) {
  UNWIND coalesce(scope.fig_covering, COLLECT {
    MATCH (cadre:Member)-[:ASSIGNED]->(scope)
    RETURN cadre.id
  }) AS id
  RETURN id, false AS registered
  UNION ALL
  UNWIND scope.fig_registered AS id
  RETURN id, true AS registered
}
WITH id, max(CASE WHEN registered THEN 1 ELSE 0 END) = 1 AS registered
MATCH (member:Member {id: id})
WITH registered,
     COUNT { (member)-[:ASSIGNED]->() } AS households,
     COLLECT {
       MATCH (member)-[:EARNED]->(entry:PointsEntry)
       WHERE date({year: $year, month: 1, day: 1}) <= entry.day < date({year: $year + 1, month: 1, day: 1})
       RETURN entry.points
     } AS points
RETURN count(CASE WHEN 1 <= households < $min_households THEN 1 END) AS under_band,
       count(CASE WHEN households > $max_households THEN 1 END) AS over_band,
       count(CASE WHEN households = 0 AND registered THEN 1 END) AS covering_none,
       count(CASE WHEN reduce(total = 0, p IN points | total + p) < $min_points THEN 1 END)
         AS under_points
