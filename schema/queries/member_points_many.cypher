// Each of these cadres' points entries dated in one year, by day then id (a cadre must earn at
// least 20 points a year). Parameters: $ids (member ids), $year. Returns one list, `found`, with
// an entry per id that names a cadre.
// In Neo4j Browser: :param ids => ['m1']  and  :param year => 2024
UNWIND $ids AS id
MATCH (member:Member {id: id})
OPTIONAL MATCH (member)-[:EARNED]->(entry:PointsEntry)
  WHERE date({year: $year, month: 1, day: 1}) <= entry.day < date({year: $year + 1, month: 1, day: 1})
WITH member, entry
ORDER BY entry.day, entry.id
WITH member.id AS member_id, collect(entry {.*}) AS entries
RETURN collect({member_id: member_id, entries: entries}) AS found
