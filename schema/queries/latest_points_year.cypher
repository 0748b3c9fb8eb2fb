// The latest calendar year of any points entry, read newest first from the day index: the
// default year of every points rule (gap queries, Member.points, reports, stats).
// Parameters: none. Returns one row, `year` (null when there is no entry).
OPTIONAL MATCH (entry:PointsEntry)
WHERE entry.day IS NOT NULL
WITH entry
ORDER BY entry.day DESC
LIMIT 1
RETURN entry.day.year AS year
