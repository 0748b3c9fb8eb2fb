// Bring the figures (fig_*) of the units of one level up to date after a write: those that
// are, or lie above, one of $ids. Each is made from its children's figures (so the level below
// must be fresh first) plus itself, and a community adds the cadres registered with it.
// Parameters: $ids (units or households a write touched), $level (1, 2 or 3).
// Returns how many were refreshed.
// In Neo4j Browser: :param ids => ['S01-C01-B01']  :param level => 3
UNWIND $ids AS id
MATCH (touched:Entity {id: id})
WHERE touched.level IS NOT NULL
MATCH (unit:Entity)-[:HAS_CHILD*0..4]->(touched)
WHERE unit.level = $level
WITH DISTINCT unit
CALL (unit) {
  OPTIONAL MATCH (unit)-[:HAS_CHILD]->(child)
  RETURN count(child) AS children,
         collect(child.fig_units) AS unit_lists,
         sum(coalesce(child.fig_households, 0)) AS households,
         sum(coalesce(child.fig_central, 0)) AS central,
         sum(coalesce(child.fig_covered, 0)) AS covered,
         sum(coalesce(child.fig_assignments, 0)) AS assignments,
         sum(coalesce(child.fig_without_central, 0)) AS without_central,
         sum(coalesce(child.fig_childless, 0)) AS childless,
         collect(child.fig_covering) AS covering_lists,
         collect(child.fig_registered) AS registered_lists
}
CALL (covering_lists) {
  UNWIND covering_lists AS cadres
  UNWIND cadres AS cadre
  RETURN collect(DISTINCT cadre) AS covering
}
CALL (unit, registered_lists) {
  OPTIONAL MATCH (own:Member)-[:REPORTED_TO]->(unit)
  WITH registered_lists, collect(own.id) AS own_cadres
  UNWIND registered_lists + [own_cadres] AS cadres
  UNWIND cadres AS cadre
  RETURN collect(DISTINCT cadre) AS registered
}
SET unit.fig_units = [level IN range(1, 4) |
      reduce(total = 0, counts IN unit_lists | total + counts[level - 1])
      + CASE WHEN level = unit.level THEN 1 ELSE 0 END],
    unit.fig_households = households,
    unit.fig_central = central,
    unit.fig_covered = covered,
    unit.fig_assignments = assignments,
    unit.fig_covering = covering,
    unit.fig_covering_count = size(covering),
    unit.fig_registered = registered,
    unit.fig_registered_count = size(registered),
    unit.fig_without_central = without_central,
    unit.fig_childless = childless + CASE WHEN children = 0 THEN 1 ELSE 0 END
RETURN count(unit) AS refreshed
