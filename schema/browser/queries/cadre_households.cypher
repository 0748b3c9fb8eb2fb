// The households one cadre covers, drawn as a graph: the cadre, each household and its
// building group (hover a relationship for the mode and date of the cover).
// Parameters: $member_id.
MATCH path = (:Member {id: $member_id})-[:ASSIGNED]->(:Household)<-[:HAS_CHILD]-(:BuildingGroup)
RETURN path
