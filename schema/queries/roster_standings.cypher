// The standing of every cadre of each asked scope, for its roster (名册): whether registered
// with a community inside it, households covered inside it and in all, the modes of their
// covers, their work unit and their points dated in the year. A scope's cadres are those
// registered with a community inside it and those covering a household inside it (read from
// the scope's kept figures, fig_registered and fig_covering; a household's own cadres); the
// city's (scope_id null) are every cadre. Filtering, order and paging are the caller's.
// Parameters: $requests, a list of {scope_id (or null), year}. Returns one row per request
// whose scope exists: index (its place in $requests) and standings, a list of
// {id, work_unit_id, registered, here, total, points, modes}.
// In Neo4j Browser: :param requests => [{scope_id: 'S01-C01', year: 2022}]
UNWIND range(0, size($requests) - 1) AS index
WITH index, $requests[index] AS request
OPTIONAL MATCH (scope:Entity {id: request.scope_id})
WHERE scope.level IS NOT NULL
WITH index, request, scope
WHERE request.scope_id IS NULL OR scope IS NOT NULL
CALL (scope) {
  WITH scope WHERE scope IS NULL
  MATCH (member:Member)
  RETURN member, EXISTS { (member)-[:REPORTED_TO]->() } AS registered
  UNION
  WITH scope WHERE scope IS NOT NULL
  UNWIND coalesce(scope.fig_covering, COLLECT {
    MATCH (cadre:Member)-[:ASSIGNED]->(scope)
    RETURN cadre.id
  }) AS id
  MATCH (member:Member {id: id})
  RETURN member, id IN coalesce(scope.fig_registered, []) AS registered
  UNION
  WITH scope WHERE scope IS NOT NULL
  UNWIND coalesce(scope.fig_registered, []) AS id
  MATCH (member:Member {id: id})
  RETURN member, true AS registered
}
WITH index, request, scope, member, registered,
     COLLECT { MATCH (member)-[cover:ASSIGNED]->() RETURN cover.mode } AS modes
WITH index, request, member, registered, modes,
     CASE
       WHEN scope IS NULL THEN size(modes)
       WHEN scope:Household THEN COUNT { (member)-[:ASSIGNED]->(scope) }
       ELSE COUNT { (member)-[:ASSIGNED]->(:Household)<-[:HAS_CHILD*1..4]-(scope) }
     END AS here
RETURN index, collect({
  id: member.id,
  work_unit_id: head([(member)-[:FROM_UNIT]->(unit) | unit.id]),
  registered: registered,
  here: here,
  total: size(modes),
  modes: modes,
  points: reduce(total = 0, points IN [(member)-[:EARNED]->(entry:PointsEntry)
    WHERE date({year: request.year, month: 1, day: 1}) <= entry.day
          < date({year: request.year + 1, month: 1, day: 1}) | entry.points] | total + points)
}) AS standings
