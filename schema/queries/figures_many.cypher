// The figures of each of these units or households, as kept by the figures_refresh queries
// (a household's are made on the spot: it has no children). Units per level (street first),
// households, central households, covered households, covers (ASSIGNED), how many distinct
// cadres cover households there and how many are registered with a community there.
// Parameters: $ids. Returns one list, `found`, with an entry per id that names a unit or
// household.
// In Neo4j Browser: :param ids => ['S01', 'S01-C01']
UNWIND $ids AS id
MATCH (scope:Entity {id: id})
WHERE scope.level IS NOT NULL
CALL (scope) {
  WITH scope WHERE scope.level < 5
  RETURN scope.fig_units AS units, scope.fig_households AS households,
         scope.fig_central AS central, scope.fig_covered AS covered,
         scope.fig_assignments AS assignments, scope.fig_covering_count AS covering,
         scope.fig_registered_count AS registered, scope.fig_without_central AS without_central,
         scope.fig_childless AS childless
  UNION
  WITH scope WHERE scope.level = 5
  OPTIONAL MATCH (cadre:Member)-[:ASSIGNED]->(scope)
  WITH scope, collect(cadre.id) AS cadres
  RETURN [0, 0, 0, 0] AS units, 1 AS households,
         CASE WHEN scope.central THEN 1 ELSE 0 END AS central,
         CASE WHEN size(cadres) > 0 THEN 1 ELSE 0 END AS covered,
         size(cadres) AS assignments, size(cadres) AS covering, 0 AS registered,
         0 AS without_central, 0 AS childless
}
RETURN collect({
  id: scope.id, units: units, households: households, central: central, covered: covered,
  assignments: assignments, covering: covering, registered: registered,
  without_central: without_central, childless: childless
}) AS found
