// Keep ended covers from a ledger: one EndedCover per (member_id, household_id, since, ended);
// an existing one gets the row's mode, reason and successor. Rows must not repeat a key
// within one run.
// Parameters: $rows, a list of {member_id, household_id, mode, since, ended (ISO dates),
// reason, to_member_id (or null)}.
// Returns one row per kind of change: change ('created', 'updated', 'unchanged') and rows.
UNWIND $rows AS row
OPTIONAL MATCH (old:EndedCover {
  household_id: row.household_id, member_id: row.member_id,
  since: date(row.since), ended: date(row.ended)
})
WITH row, old,
     CASE
       WHEN old IS NULL THEN 'created'
       WHEN old.mode = row.mode AND old.reason = row.reason
            AND coalesce(old.to_member_id, '') = coalesce(row.to_member_id, '') THEN 'unchanged'
       ELSE 'updated'
     END AS change
CALL (row, change) {
  WITH row, change WHERE change = 'created'
  CREATE (:EndedCover {
    member_id: row.member_id, household_id: row.household_id, mode: row.mode,
    since: date(row.since), ended: date(row.ended), reason: row.reason,
    to_member_id: row.to_member_id
  })
}
CALL (row, old, change) {
  WITH row, old, change WHERE change = 'updated'
  SET old.mode = row.mode, old.reason = row.reason, old.to_member_id = row.to_member_id
}
RETURN change, count(*) AS rows
