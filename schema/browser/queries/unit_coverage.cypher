// Coverage of a unit's children (a street's communities, a community's branches, ...): how
// many households each holds, how many of them a cadre covers, and the share covered (empty
// for a unit without households).
// Parameters: $unit_id.
MATCH (unit:Entity {id: $unit_id})-[:HAS_CHILD]->(child)
WHERE NOT child:Household
CALL (child) {
  MATCH (child)-[:HAS_CHILD*1..3]->(household:Household)
  RETURN count(household) AS households,
         count(CASE WHEN EXISTS { (:Member)-[:ASSIGNED]->(household) } THEN 1 END) AS covered
}
RETURN child.id AS `编号 id`,
       child.name AS `名称 name`,
       households AS `住户 households`,
       covered AS `已包联 covered`,
       CASE WHEN households = 0 THEN null ELSE round(100.0 * covered / households, 1) END
         AS `覆盖率% coverage`
ORDER BY child.id
