// The cadres of a unit who cover more than $max_households households in all, most loaded
// first. A unit's cadres are those registered with a community in it and those covering a
// household in it (as in the service's gap list). At most 200 rows.
// Parameters: $unit_id, $max_households (the policy's upper limit, a whole number).
MATCH (:Entity {id: $unit_id})-[:HAS_CHILD*0..4]->(n)
MATCH (cadre:Member)-[:ASSIGNED|REPORTED_TO]->(n)
WITH DISTINCT cadre
WITH cadre, COUNT { (cadre)-[:ASSIGNED]->() } AS households
WHERE households > toInteger($max_households)
RETURN cadre.id AS `编号 id`,
       cadre.name AS `姓名 name`,
       cadre.phone AS `电话 phone`,
       households AS `包联户数 households`
ORDER BY households DESC, cadre.id
LIMIT 200
