// Whether this cadre and this household exist, and the cover between them if there is one.
// Parameters: $member_id, $household_id. Returns one row: member_found, household_found,
// and the cover's mode and since (nulls when the cadre does not cover the household).
// In Neo4j Browser: :param member_id => 'M000001'  :param household_id => 'S01-C01-B01-G01-H0001'
OPTIONAL MATCH (member:Member {id: $member_id})
OPTIONAL MATCH (household:Household {id: $household_id})
OPTIONAL MATCH (member)-[cover:ASSIGNED]->(household)
RETURN member IS NOT NULL AS member_found,
       household IS NOT NULL AS household_found,
       cover.mode AS mode,
       cover.since AS since
