// Bring the figures (the fig_* properties) of building groups up to date after a write: those
// that are, or hold, one of $ids. A building group's figures are made from its households: how
// many, how many central, covered (by at least one cadre), covers (ASSIGNED), the ids of the
// covering cadres; and whether it lacks a central household or any household at all.
// Parameters: $ids (units or households a write touched). Returns how many were refreshed.
// In Neo4j Browser: :param ids => ['S01-C01-B01-G01']
UNWIND $ids AS id
MATCH (touched:Entity {id: id})
WHERE touched.level >= 4
MATCH (building:BuildingGroup)-[:HAS_CHILD*0..1]->(touched)
WITH DISTINCT building
CALL (building) {
  OPTIONAL MATCH (building)-[:HAS_CHILD]->(household:Household)
  CALL (household) {
    OPTIONAL MATCH (cadre:Member)-[:ASSIGNED]->(household)
    RETURN collect(cadre.id) AS cadres
  }
  RETURN count(household) AS households,
         sum(CASE WHEN household.central THEN 1 ELSE 0 END) AS central,
         sum(CASE WHEN size(cadres) > 0 THEN 1 ELSE 0 END) AS covered,
         sum(size(cadres)) AS assignments,
         collect(cadres) AS cadre_lists
}
CALL (cadre_lists) {
  UNWIND cadre_lists AS cadres
  UNWIND cadres AS cadre
  RETURN collect(DISTINCT cadre) AS covering
}
SET building.fig_units = [0, 0, 0, 1],
    building.fig_households = households,
    building.fig_central = central,
    building.fig_covered = covered,
    building.fig_assignments = assignments,
    building.fig_covering = covering,
    building.fig_covering_count = size(covering),
    building.fig_registered = [],
    building.fig_registered_count = 0,
    building.fig_without_central = CASE WHEN central = 0 THEN 1 ELSE 0 END,
    building.fig_childless = CASE WHEN households = 0 THEN 1 ELSE 0 END
RETURN count(building) AS refreshed
