// The whole city's figures, as figures_refresh_city keeps them: the same fields as
// figures_many. Parameters: none. Returns one row (zeros for an empty store).
// In Neo4j Browser: no parameters.
OPTIONAL MATCH (city:CityFigures {id: 'orggraph'})
RETURN coalesce(city.units, [0, 0, 0, 0]) AS units, city.households AS households,
       city.central AS central, city.covered AS covered, city.assignments AS assignments,
       city.covering AS covering, city.registered AS registered,
       city.without_central AS without_central, city.childless AS childless
