// The whole city's figures, from its streets' kept figures (fig_*): the same fields as
// figures_many. Parameters: none. Returns one row (zeros for an empty store).
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
RETURN [level IN range(1, 4) |
         reduce(total = 0, street IN streets | total + street.fig_units[level - 1])] AS units,
       reduce(total = 0, street IN streets | total + street.fig_households) AS households,
       reduce(total = 0, street IN streets | total + street.fig_central) AS central,
       reduce(total = 0, street IN streets | total + street.fig_covered) AS covered,
       reduce(total = 0, street IN streets | total + street.fig_assignments) AS assignments,
       covering, registered,
       reduce(total = 0, street IN streets | total + street.fig_without_central) AS without_central,
       reduce(total = 0, street IN streets | total + street.fig_childless) AS childless
