// Coverage gaps inside a scope (the whole city when $scope_id is null), of the asked kinds, by
// kind then subject id: how many of each kind, and one page after the cursor, each gap with the
// subject (its name, and the node as get_nodes gives it), the unit it belongs to and that
// unit's names from the street down.
// Kinds by rank: 0 household no cadre covers; 1 cadre covering some households but fewer than
// $min_households; 2 cadre covering more than $max_households; 3 registered cadre covering
// none; 4 building group without a central household; 5 unit without children; 6 cadre with
// fewer than $min_points points dated in $year. A scope's cadres are those registered with a
// community in it and those covering a household in it; their households count in all.
// Parameters: $scope_id; $ranks (list of kind ranks); $min_households, $max_households,
// $min_points, $year; $after_rank and $after_id (the cursor, or nulls); $first (page size;
// -1 to count only). No row when $scope_id names no unit or household.
// In Neo4j Browser: :param scope_id => null  :param ranks => [0, 1, 2, 3, 4, 5, 6]
//   :param min_households => 10  :param max_households => 15  :param min_points => 20
//   :param year => 2024  :param after_rank => null  :param after_id => null  :param first => 50
OPTIONAL MATCH (scope:Entity {id: $scope_id})
WHERE scope.level IS NOT NULL
WITH scope
WHERE $scope_id IS NULL OR scope IS NOT NULL
WITH CASE
       WHEN scope IS NULL THEN COLLECT { MATCH (street:StreetCommittee) RETURN street }
       ELSE [scope]
     END AS roots
CALL (roots) {
  UNWIND roots AS root
  MATCH (root)-[:HAS_CHILD*0..]->(n)
  RETURN [x IN collect(n) WHERE x:Household] AS households,
         [x IN collect(n) WHERE x.level < 5] AS units
}
CALL (households, units) {
  // the scope's cadres, only when a cadre kind is asked
  UNWIND CASE WHEN any(rank IN [1, 2, 3, 6] WHERE rank IN $ranks)
    THEN households + [unit IN units WHERE unit.level = 2] ELSE [] END AS n
  MATCH (cadre:Member)-[link:ASSIGNED|REPORTED_TO]->(n)
  RETURN collect(DISTINCT cadre) AS cadres,
         collect(DISTINCT CASE WHEN type(link) = 'REPORTED_TO' THEN cadre END) AS registered
}
WITH households, units, cadres, registered,
     [cadre IN CASE WHEN 1 IN $ranks OR 2 IN $ranks THEN cadres ELSE [] END |
       {id: cadre.id, covers: COUNT { (cadre)-[:ASSIGNED]->() }}] AS loads,
     [cadre IN CASE WHEN 6 IN $ranks THEN cadres ELSE [] END | {
       id: cadre.id,
       points: reduce(total = 0, points IN [(cadre)-[:EARNED]->(entry:PointsEntry)
         WHERE date({year: $year, month: 1, day: 1}) <= entry.day
               < date({year: $year + 1, month: 1, day: 1}) | entry.points] | total + points)
     }] AS earnings
WITH
  CASE WHEN 0 IN $ranks THEN
    [h IN households WHERE NOT EXISTS { (h)<-[:ASSIGNED]-() } | {rank: 0, id: h.id, value: null}]
  ELSE [] END +
  CASE WHEN 1 IN $ranks THEN
    [l IN loads WHERE 0 < l.covers < $min_households | {rank: 1, id: l.id, value: l.covers}]
  ELSE [] END +
  CASE WHEN 2 IN $ranks THEN
    [l IN loads WHERE l.covers > $max_households | {rank: 2, id: l.id, value: l.covers}]
  ELSE [] END +
  CASE WHEN 3 IN $ranks THEN
    [c IN registered WHERE NOT EXISTS { (c)-[:ASSIGNED]->() } | {rank: 3, id: c.id, value: 0}]
  ELSE [] END +
  CASE WHEN 4 IN $ranks THEN
    [b IN units WHERE b.level = 4 AND NOT EXISTS { (b)-[:HAS_CHILD]->(:CentralHousehold) }
      | {rank: 4, id: b.id, value: 0}]
  ELSE [] END +
  CASE WHEN 5 IN $ranks THEN
    [u IN units WHERE NOT EXISTS { (u)-[:HAS_CHILD]->() } | {rank: 5, id: u.id, value: 0}]
  ELSE [] END +
  CASE WHEN 6 IN $ranks THEN
    [e IN earnings WHERE e.points < $min_points | {rank: 6, id: e.id, value: e.points}]
  ELSE [] END AS found
CALL (found) {
  UNWIND found AS gap
  WITH gap
  ORDER BY gap.rank, gap.id
  RETURN collect(gap) AS gaps
}
WITH gaps,
     [gap IN gaps
       WHERE $after_rank IS NULL OR gap.rank > $after_rank
             OR (gap.rank = $after_rank AND gap.id > $after_id)][0..$first + 1] AS page
CALL (page) {
  UNWIND page AS gap
  MATCH (subject:Entity {id: gap.id})
  WITH gap, subject,
       CASE
         WHEN subject.level < 5 THEN subject
         WHEN subject:Household THEN head([(building)-[:HAS_CHILD]->(subject) | building])
         ELSE coalesce(
           head([(subject)-[:REPORTED_TO]->(community) | community]),
           head(COLLECT {
             MATCH (subject)-[:ASSIGNED]->(household)<-[:HAS_CHILD]-(building)
             RETURN building ORDER BY household.id LIMIT 1
           }))
       END AS home
  RETURN collect(gap {
    .*,
    name: subject.name,
    subject: subject {
      .id, .name, .level, .address, .phone, .central,
      labels: labels(subject),
      parent_id: head([(parent)-[:HAS_CHILD]->(subject) | parent.id]),
      work_unit_id: head([(subject)-[:FROM_UNIT]->(unit) | unit.id]),
      community_id: head([(subject)-[:REPORTED_TO]->(community) | community.id])
    },
    unit_id: home.id,
    unit_path: head(COLLECT {
      MATCH path = (top)-[:HAS_CHILD*0..]->(home)
      WHERE NOT ()-[:HAS_CHILD]->(top)
      RETURN [unit IN nodes(path) | unit.name]
    })
  }) AS items
}
RETURN [rank IN range(0, 6) | size([gap IN gaps WHERE gap.rank = rank])] AS per_rank,
       size(gaps) AS total,
       items
