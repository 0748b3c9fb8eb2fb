// Record cadres' points entries (积分): one PointsEntry per id, linked from its cadre by EARNED;
// an entry with a known id is replaced (and moved to another cadre if the member changed).
// A row already as stored is left alone. Ids must not repeat within one run.
// Parameters: $rows, a list of {id, member_id, day (an ISO date, yyyy-mm-dd), points, reason}.
// Returns one row per kind of change: change ('created', 'updated', 'unchanged') and rows.
UNWIND $rows AS row
OPTIONAL MATCH (old_member:Member)-[:EARNED]->(old:PointsEntry {id: row.id})
WITH row, old, old_member,
     CASE
       WHEN old IS NULL THEN 'created'
       WHEN old.day = date(row.day) AND old.points = row.points AND old.reason = row.reason
            AND old_member.id = row.member_id
         THEN 'unchanged'
       ELSE 'updated'
     END AS change
CALL (row, change) {
  WITH row, change WHERE change = 'created'
  MATCH (member:Member {id: row.member_id})
  CREATE (member)-[:EARNED]->(:Entity:PointsEntry {
    id: row.id, day: date(row.day), points: row.points, reason: row.reason
  })
}
CALL (row, old, old_member, change) {
  WITH row, old, old_member, change WHERE change = 'updated'
  SET old.day = date(row.day), old.points = row.points, old.reason = row.reason
  WITH row, old, old_member WHERE old_member.id <> row.member_id
  MATCH (old_member)-[link:EARNED]->(old)
  MATCH (member:Member {id: row.member_id})
  DELETE link
  CREATE (member)-[:EARNED]->(old)
}
RETURN change, count(*) AS rows
