// The cadre gaps of a scope, from its cadres ($cadres: those covering households in it or
// registered with a community in it, each {id, registered}), judged by everything they cover
// and earn: how many cover 1 to $min_households - 1 households in all, more than
// $max_households, none (registered ones only), and how many earned under $min_points in $year.
// Parameters: $cadres, $min_households, $max_households, $min_points, $year. Returns one row.
// In Neo4j Browser: :param cadres => [{id: 'S01-M00001', registered: true}]  :param min_households => 10  :param max_households => 15  :param min_points => 20  :param year => 2022
UNWIND $cadres AS cadre
MATCH (member:Member {id: cadre.id})
WITH cadre,
     COUNT { (member)-[:ASSIGNED]->() } AS households,
     COLLECT {
       MATCH (member)-[:EARNED]->(entry:PointsEntry)
       WHERE date({year: $year, month: 1, day: 1}) <= entry.day < date({year: $year + 1, month: 1, day: 1})
       RETURN entry.points
     } AS points
RETURN count(CASE WHEN 1 <= households < $min_households THEN 1 END) AS under_band,
       count(CASE WHEN households > $max_households THEN 1 END) AS over_band,
       count(CASE WHEN households = 0 AND cadre.registered THEN 1 END) AS covering_none,
       count(CASE WHEN reduce(total = 0, p IN points | total + p) < $min_points THEN 1 END)
         AS under_points
