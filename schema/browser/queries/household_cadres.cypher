// Who covers one household, drawn as a graph: the household, its cadres and the work unit
// each cadre comes from.
// Parameters: $household_id.
MATCH path = (:Household {id: $household_id})<-[:ASSIGNED]-(cadre:Member)
OPTIONAL MATCH unit = (cadre)-[:FROM_UNIT]->(:WorkUnit)
RETURN path, unit
