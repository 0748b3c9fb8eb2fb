// Make cadres cover households (联户包保): one ASSIGNED relationship per pair, with the mode
// ('unit' or 'residence') and the date since when; an existing pair gets the new mode and date.
// A pair already as stored is left alone. Pairs must not repeat within one run. MERGE locks
// both ends, so two transactions covering the same pair at once still make one relationship.
// Parameters: $rows, a list of {member_id, household_id, mode, since (an ISO date, yyyy-mm-dd)}.
// Returns one row per kind of change: change ('created', 'updated', 'unchanged') and rows.
UNWIND $rows AS row
MATCH (member:Member {id: row.member_id})
MATCH (household:Household {id: row.household_id})
MERGE (member)-[cover:ASSIGNED]->(household)
  ON CREATE SET cover.mode = row.mode, cover.since = date(row.since), cover.just_made = true
WITH row, cover,
     CASE
       WHEN cover.just_made THEN 'created'
       WHEN cover.mode = row.mode AND cover.since = date(row.since) THEN 'unchanged'
       ELSE 'updated'
     END AS change
CALL (cover, change) {
  WITH cover, change WHERE change = 'created'
  REMOVE cover.just_made
}
CALL (row, cover, change) {
  WITH row, cover, change WHERE change = 'updated'
  SET cover.mode = row.mode, cover.since = date(row.since)
}
RETURN change, count(*) AS rows
