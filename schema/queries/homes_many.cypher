// Where each of these nodes hangs before a write moves it: a unit's or household's parent, a
// cadre's community. The figures of those units are refreshed after the write.
// Parameters: $ids. Returns one list, `homes`, of unit ids.
// In Neo4j Browser: :param ids => ['S01-C01-B01-G01-H0001']
UNWIND $ids AS id
MATCH (node:Entity {id: id})
MATCH (node)<-[:HAS_CHILD]-(home)
RETURN collect(DISTINCT home.id) AS homes
UNION
UNWIND $ids AS id
MATCH (:Member {id: id})-[:REPORTED_TO]->(home)
RETURN collect(DISTINCT home.id) AS homes
