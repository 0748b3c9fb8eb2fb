// A unit's roster (名册): its cadres, registered with a community in it or covering a household
// in it, with the households they cover there and in all and their points in $year (or, when
// $year is null, in the latest year with any points entry), by id. At most 300 rows.
// Parameters: $unit_id, $year (a year, or null).
CALL () {
  MATCH (entry:PointsEntry)
  RETURN max(entry.day.year) AS latest
}
WITH coalesce(toInteger($year), latest) AS year
MATCH (:Entity {id: $unit_id})-[:HAS_CHILD*0..4]->(n)
MATCH (cadre:Member)-[link:ASSIGNED|REPORTED_TO]->(n)
WITH year, cadre,
     count(CASE WHEN type(link) = 'ASSIGNED' THEN 1 END) AS here,
     count(CASE WHEN type(link) = 'REPORTED_TO' THEN 1 END) > 0 AS registered
RETURN cadre.id AS `编号 id`,
       cadre.name AS `姓名 name`,
       CASE WHEN registered THEN '是 yes' ELSE '' END AS `在此报到 registered here`,
       here AS `此处包联户数 households here`,
       COUNT { (cadre)-[:ASSIGNED]->() } AS `包联户数 households in all`,
       reduce(total = 0, points IN [(cadre)-[:EARNED]->(entry:PointsEntry)
         WHERE entry.day.year = year | entry.points] | total + points) AS `积分 points`
ORDER BY cadre.id
LIMIT 300
