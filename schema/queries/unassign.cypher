// End one cadre's cover of one household.
// Parameters: $member_id, $household_id.
// Returns whether the cadre and the household exist and how many covers were removed (0 or 1).
OPTIONAL MATCH (member:Member {id: $member_id})
OPTIONAL MATCH (household:Household {id: $household_id})
OPTIONAL MATCH (member)-[cover:ASSIGNED]->(household)
DELETE cover
RETURN member IS NOT NULL AS member_found,
       household IS NOT NULL AS household_found,
       count(cover) AS removed
