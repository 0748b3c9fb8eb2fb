// Bring the whole city's figures up to date from its streets' (after they are fresh): kept on
// one node, (:CityFigures {id: 'orggraph'}), so reading the city's figures walks nothing.
// Parameters: none. Returns how many streets it summed.
// In Neo4j Browser: no parameters.
OPTIONAL MATCH (street:StreetCommittee)
WITH collect(street) AS streets
CALL (streets) {
  UNWIND streets AS street
  UNWIND street.fig_covering AS cadre
  RETURN count(DISTINCT cadre) AS covering
}
CALL (streets) {
  UNWIND streets AS street
  UNWIND street.fig_registered AS cadre
  RETURN count(DISTINCT cadre) AS registered
}
MERGE (city:CityFigures {id: 'orggraph'})
SET city.units = [level IN range(1, 4) |
      reduce(total = 0, street IN streets | total + street.fig_units[level - 1])],
    city.households = reduce(total = 0, street IN streets | total + street.fig_households),
    city.central = reduce(total = 0, street IN streets | total + street.fig_central),
    city.covered = reduce(total = 0, street IN streets | total + street.fig_covered),
    city.assignments = reduce(total = 0, street IN streets | total + street.fig_assignments),
    city.covering = covering,
    city.registered = registered,
    city.without_central = reduce(total = 0, street IN streets | total + street.fig_without_central),
    city.childless = reduce(total = 0, street IN streets | total + street.fig_childless)
RETURN size(streets) AS streets
