// Units, households and cadres whose name contains $text, ignoring case for Latin letters: names
// that start with it first, then the others, each group by id. Returns the number of matches and
// one page after the cursor (up to $first + 1 items; one more tells a next page exists).
// Parameters: $text; $level (1-5: that level's units or households only; null: every level and
// cadres); $scope_id (null, or a unit: only what lies at or below it, and the cadres registered
// with a community there or covering a household there); $after_group (0 after a prefix
// match, 1 after another match, null for the first page); $after_id (the id the previous page
// ended with); $first (page size); $households (false: households are left out, for a caller
// who may not see residents' names). No row when $scope_id names no unit or household.
// In Neo4j Browser: :param text => '张'  :param level => null  :param scope_id => null
//                   :param after_group => null  :param after_id => null  :param first => 20
//                   :param households => true
OPTIONAL MATCH (scope:Entity {id: $scope_id})
WHERE scope.level IS NOT NULL
WITH scope
WHERE $scope_id IS NULL OR scope IS NOT NULL
CALL (scope) {
  WITH scope, toLower($text) AS needle
  MATCH (n:Entity)
  WHERE n.search_name CONTAINS needle
    AND CASE WHEN $level IS NULL THEN n:Member OR n.level IS NOT NULL ELSE n.level = $level END
    AND ($households OR NOT n:Household)
    AND (scope IS NULL
         OR EXISTS { (scope)-[:HAS_CHILD*0..]->(n) }
         OR EXISTS { (scope)-[:HAS_CHILD*0..]->()<-[:REPORTED_TO|ASSIGNED]-(n:Member) })
  WITH n, CASE WHEN n.search_name STARTS WITH needle THEN 0 ELSE 1 END AS grp
  ORDER BY grp, n.id
  RETURN collect({grp: grp, node: n}) AS matches
}
WITH size(matches) AS total,
     [m IN matches
       WHERE $after_group IS NULL OR m.grp > $after_group
             OR (m.grp = $after_group AND m.node.id > $after_id)][0..$first + 1] AS page
CALL (page) {
  UNWIND page AS m
  WITH m.grp AS grp, m.node AS n
  RETURN collect(n {
    .id, .name, .level, .address, .phone, .central,
    grp: grp,
    labels: labels(n),
    parent_id: head([(parent)-[:HAS_CHILD]->(n) | parent.id]),
    work_unit_id: head([(n)-[:FROM_UNIT]->(unit) | unit.id]),
    community_id: head([(n)-[:REPORTED_TO]->(community) | community.id])
  }) AS items
}
RETURN total, items
