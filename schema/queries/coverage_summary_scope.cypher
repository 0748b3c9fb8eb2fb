// A dashboard's coverage table for one unit: the figures of each child's subtree (child by
// child) and of the unit itself (child_id null), from which the unit's own totals follow.
// Per group and level: nodes, central households, households with a cadre, covers (ASSIGNED),
// the ids of the covering cadres and how many cadres registered with a community there.
// Parameters: $scope_id. No row when no unit or household has that id.
// In Neo4j Browser: :param scope_id => 's1'
MATCH (scope:Entity {id: $scope_id})
WHERE scope.level IS NOT NULL
CALL (scope) {
  MATCH (scope)-[:HAS_CHILD]->(child)-[:HAS_CHILD*0..]->(n)
  RETURN child, n
  UNION ALL
  RETURN null AS child, scope AS n
}
OPTIONAL MATCH (cadre:Member)-[:ASSIGNED]->(n)
OPTIONAL MATCH (registered:Member)-[:REPORTED_TO]->(n)
RETURN child {.*, labels: labels(child), parent_id: scope.id} AS child,
       n.level AS level,
       count(DISTINCT n) AS nodes,
       count(DISTINCT CASE WHEN n.central THEN n END) AS central,
       count(DISTINCT CASE WHEN cadre IS NOT NULL THEN n END) AS covered,
       count(cadre) AS assignments,
       collect(DISTINCT cadre.id) AS covering_ids,
       count(DISTINCT registered) AS members
ORDER BY child.id, level
