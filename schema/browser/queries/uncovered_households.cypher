// The households under a unit (a community, a branch, ...) that no cadre covers, with what one
// needs to visit them: address, phone and building group. At most 200 rows, by id.
// Parameters: $unit_id.
MATCH (:Entity {id: $unit_id})-[:HAS_CHILD*1..4]->(household:Household)
WHERE NOT EXISTS { (:Member)-[:ASSIGNED]->(household) }
MATCH (building:BuildingGroup)-[:HAS_CHILD]->(household)
RETURN household.id AS `编号 id`,
       household.name AS `户主 name`,
       household.address AS `地址 address`,
       household.phone AS `电话 phone`,
       building.name AS `楼栋党小组 building group`
ORDER BY household.id
LIMIT 200
