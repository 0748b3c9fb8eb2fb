// Record cadres' points entries (积分) that the store knows are new (none of the ids is stored
// yet): one PointsEntry each, linked from its cadre by EARNED. The store sends rows for stored
// ids to record_points_many instead.
// Parameters: $rows, a list of {id, member_id, day (an ISO date, yyyy-mm-dd), points, reason}.
// Returns rows, the number of entries created.
UNWIND $rows AS row
MATCH (member:Member {id: row.member_id})
CREATE (member)-[:EARNED]->(:Entity:PointsEntry {
  id: row.id, day: date(row.day), points: row.points, reason: row.reason
})
RETURN count(*) AS rows
