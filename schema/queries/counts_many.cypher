// Figures for the subtree under each of these units or households (the root itself included):
// per scope and level, how many nodes, central households, households with a cadre, covers
// (ASSIGNED), distinct covering cadres and cadres registered with a community of the subtree.
// Parameters: $ids (list of ids). Returns one list, `found`, with an entry per id and level; no
// entry for an id that names no unit or household.
// In Neo4j Browser: :param ids => ['s1']
UNWIND $ids AS id
MATCH (scope:Entity {id: id})
WHERE scope.level IS NOT NULL
MATCH (scope)-[:HAS_CHILD*0..]->(n)
OPTIONAL MATCH (cadre:Member)-[:ASSIGNED]->(n)
OPTIONAL MATCH (registered:Member)-[:REPORTED_TO]->(n)
WITH scope.id AS scope_id,
     n.level AS level,
     count(DISTINCT n) AS nodes,
     count(DISTINCT CASE WHEN n.central THEN n END) AS central,
     count(DISTINCT CASE WHEN cadre IS NOT NULL THEN n END) AS covered,
     count(cadre) AS assignments,
     count(DISTINCT cadre) AS covering_members,
     count(DISTINCT registered) AS members
RETURN collect({
  scope_id: scope_id, level: level, nodes: nodes, central: central, covered: covered,
  assignments: assignments, covering_members: covering_members, members: members
}) AS found
