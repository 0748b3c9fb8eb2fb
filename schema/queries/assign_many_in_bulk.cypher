// Make cadres cover households (联户包保): one ASSIGNED relationship per pair, with the mode
// ('unit' or 'residence') and the date since when; an existing pair gets the new mode and date.
// A pair already as stored is left alone. Pairs must not repeat within one run. The fast path
// of an import's big batches: it reads the old relationship and creates a missing one without
// MERGE's locks, which two batches in flight would contend for; the small calls organisers
// make go through assign_many, which MERGEs.
// Parameters: $rows, a list of {member_id, household_id, mode, since (an ISO date, yyyy-mm-dd)}.
// Returns one row per kind of change: change ('created', 'updated', 'unchanged') and rows.
UNWIND $rows AS row
MATCH (member:Member {id: row.member_id})
MATCH (household:Household {id: row.household_id})
OPTIONAL MATCH (member)-[old:ASSIGNED]->(household)
WITH row, member, household, old,
     CASE
       WHEN old IS NULL THEN 'created'
       WHEN old.mode = row.mode AND old.since = date(row.since) THEN 'unchanged'
       ELSE 'updated'
     END AS change
CALL (row, member, household, change) {
  WITH row, member, household, change WHERE change = 'created'
  CREATE (member)-[:ASSIGNED {mode: row.mode, since: date(row.since)}]->(household)
}
CALL (row, old, change) {
  WITH row, old, change WHERE change = 'updated'
  SET old.mode = row.mode, old.since = date(row.since)
}
RETURN change, count(*) AS rows
