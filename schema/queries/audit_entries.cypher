// Audit entries newest first (ids sort by time), optionally of one subject only: how many
// there are, and one page older than the cursor (up to $first + 1; one more tells a next
// page exists). Parameters: $subject (or null for everyone), $after (the last id of the
// previous page, or null), $first (page size).
// In Neo4j Browser: :param subject => null  :param after => null  :param first => 50
CALL () {
  MATCH (entry:AuditEntry)
  WHERE $subject IS NULL OR entry.subject = $subject
  RETURN count(entry) AS total
}
CALL () {
  MATCH (entry:AuditEntry)
  WHERE ($subject IS NULL OR entry.subject = $subject) AND ($after IS NULL OR entry.id < $after)
  WITH entry
  ORDER BY entry.id DESC
  LIMIT $first + 1
  RETURN collect(entry {.*}) AS page
}
RETURN total, page
