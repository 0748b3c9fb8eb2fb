// The standing of the cadres of each asked scope, for its roster (名册): whether registered
// with a community inside it, households covered inside it and in all, the modes of their
// covers, their work unit and their points dated in the year. A scope's cadres are those
// registered with a community inside it and those covering a household inside it (read from
// the scope's kept figures, fig_registered and fig_covering; a household's own cadres); the
// city's (scope_id null) are every cadre. With `ids`, only those of them (a page). Filtering,
// order and paging are the caller's.
// Parameters: $requests, a list of {scope_id (or null), year, ids (a list, or null)}.
// Returns one row per request whose scope exists: index (its place in $requests) and
// standings, a list of {id, work_unit_id, registered, here, total, points, modes}.
// In Neo4j Browser: :param requests => [{scope_id: 'S01-C01', year: 2022, ids: null}]
UNWIND range(0, size($requests) - 1) AS index
WITH index, $requests[index] AS request
OPTIONAL MATCH (scope:Entity {id: request.scope_id})
WHERE scope.level IS NOT NULL
WITH index, request, scope,
     date({year: request.year, month: 1, day: 1}) AS first_day,
     date({year: request.year + 1, month: 1, day: 1}) AS next_first_day
WHERE request.scope_id IS NULL OR scope IS NOT NULL
CALL (request, scope, first_day, next_first_day) {
  CALL (request, scope) {
    WITH request, scope WHERE scope IS NULL AND request.ids IS NULL
    MATCH (member:Member)
    RETURN member, EXISTS { (member)-[:REPORTED_TO]->() } AS registered
    UNION
    WITH request, scope WHERE scope IS NULL AND request.ids IS NOT NULL
    UNWIND request.ids AS id
    MATCH (member:Member {id: id})
    RETURN member, EXISTS { (member)-[:REPORTED_TO]->() } AS registered
    UNION
    WITH request, scope WHERE scope IS NOT NULL
    UNWIND coalesce(scope.fig_covering, COLLECT {
      MATCH (cadre:Member)-[:ASSIGNED]->(scope)
      RETURN cadre.id
    }) + coalesce(scope.fig_registered, []) AS id
    WITH DISTINCT request, scope, id
    WHERE request.ids IS NULL OR id IN request.ids
    MATCH (member:Member {id: id})
    RETURN member, id IN coalesce(scope.fig_registered, []) AS registered
  }
  WITH scope, first_day, next_first_day, member, registered,
       COLLECT { MATCH (member)-[cover:ASSIGNED]->() RETURN cover.mode } AS modes
  WITH first_day, next_first_day, member, registered, modes,
       CASE
         WHEN scope IS NULL THEN size(modes)
         WHEN scope:Household THEN COUNT { (member)-[:ASSIGNED]->(scope) }
         ELSE COUNT {
           MATCH (member)-[:ASSIGNED]->(household:Household)
           WHERE scope.id IN [(household)<-[:HAS_CHILD*1..4]-(above) | above.id]
         }
       END AS here
  RETURN collect({
    id: member.id,
    work_unit_id: head([(member)-[:FROM_UNIT]->(unit) | unit.id]),
    registered: registered,
    here: here,
    total: size(modes),
    modes: modes,
    points: reduce(total = 0, points IN [(member)-[:EARNED]->(entry:PointsEntry)
      WHERE first_day <= entry.day < next_first_day | entry.points] | total + points)
  }) AS standings
}
RETURN index, standings
