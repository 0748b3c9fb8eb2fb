// Create or rename work units (the employers that dispatch cadres, 机关企事业单位).
// A row already as stored is left alone. Ids must not repeat within one run.
// Parameters: $rows, a list of {id, name}.
// Returns one row per kind of change: change ('created', 'updated', 'unchanged') and rows.
UNWIND $rows AS row
OPTIONAL MATCH (old:WorkUnit {id: row.id})
WITH row, old,
     CASE
       WHEN old IS NULL THEN 'created'
       WHEN old.name = row.name THEN 'unchanged'
       ELSE 'updated'
     END AS change
CALL (row, change) {
  WITH row, change WHERE change = 'created'
  CREATE (:Entity:WorkUnit {id: row.id, name: row.name, search_name: toLower(row.name)})
}
CALL (row, old, change) {
  WITH row, old, change WHERE change = 'updated'
  SET old.name = row.name, old.search_name = toLower(row.name)
}
RETURN change, count(*) AS rows
