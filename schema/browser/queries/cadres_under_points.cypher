// The cadres of a unit who earned fewer than $min_points points in $year (or, when $year is
// null, in the latest year with any points entry, the service's default), fewest first. A
// unit's cadres are those registered with a community in it and those covering a household
// in it. At most 200 rows.
// Parameters: $unit_id, $min_points (a whole number), $year (a year, or null).
CALL () {
  MATCH (entry:PointsEntry)
  RETURN max(entry.day.year) AS latest
}
WITH coalesce(toInteger($year), latest) AS year
MATCH (:Entity {id: $unit_id})-[:HAS_CHILD*0..4]->(n)
MATCH (cadre:Member)-[:ASSIGNED|REPORTED_TO]->(n)
WITH DISTINCT year, cadre
WITH year, cadre,
     reduce(total = 0, points IN [(cadre)-[:EARNED]->(entry:PointsEntry)
       WHERE entry.day.year = year | entry.points] | total + points) AS points
WHERE points < toInteger($min_points)
RETURN cadre.id AS `编号 id`,
       cadre.name AS `姓名 name`,
       cadre.phone AS `电话 phone`,
       points AS `积分 points`,
       year AS `年度 year`
ORDER BY points, cadre.id
LIMIT 200
