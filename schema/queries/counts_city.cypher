// Figures for the whole city (every street's subtree): per level, how many nodes, central
// households, households with a cadre, covers (ASSIGNED), distinct covering cadres and cadres
// registered with a community.
// Parameters: none.
MATCH (:StreetCommittee)-[:HAS_CHILD*0..]->(n)
OPTIONAL MATCH (cadre:Member)-[:ASSIGNED]->(n)
OPTIONAL MATCH (registered:Member)-[:REPORTED_TO]->(n)
RETURN n.level AS level,
       count(DISTINCT n) AS nodes,
       count(DISTINCT CASE WHEN n.central THEN n END) AS central,
       count(DISTINCT CASE WHEN cadre IS NOT NULL THEN n END) AS covered,
       count(cadre) AS assignments,
       count(DISTINCT cadre) AS covering_members,
       count(DISTINCT registered) AS members
ORDER BY level
