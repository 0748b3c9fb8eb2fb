// A dashboard's coverage table for the whole city: the figures of each street's subtree.
// Per street and level: nodes, central households, households with a cadre, covers (ASSIGNED),
// the ids of the covering cadres and how many cadres registered with a community there.
// Parameters: none.
MATCH (street:StreetCommittee)-[:HAS_CHILD*0..]->(n)
OPTIONAL MATCH (cadre:Member)-[:ASSIGNED]->(n)
OPTIONAL MATCH (registered:Member)-[:REPORTED_TO]->(n)
RETURN street {.*, labels: labels(street), parent_id: null} AS child,
       n.level AS level,
       count(DISTINCT n) AS nodes,
       count(DISTINCT CASE WHEN n.central THEN n END) AS central,
       count(DISTINCT CASE WHEN cadre IS NOT NULL THEN n END) AS covered,
       count(cadre) AS assignments,
       collect(DISTINCT cadre.id) AS covering_ids,
       count(DISTINCT registered) AS members
ORDER BY child.id, level
