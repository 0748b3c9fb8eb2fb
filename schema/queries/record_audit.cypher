// Keep one audit entry: who (subject, role) did what (action, arguments) to which nodes
// (target_ids), when (at), with JSON snapshots of those nodes before and after.
// Parameters: $id, $at (a datetime), $subject, $role, $action, $target_ids (list),
// $arguments, $before, $after (JSON text). Returns created = 0 when the id is already taken.
OPTIONAL MATCH (taken:AuditEntry {id: $id})
WITH taken
WHERE taken IS NULL
CREATE (:AuditEntry {
  id: $id, at: $at, subject: $subject, role: $role, action: $action,
  target_ids: $target_ids, arguments: $arguments, before: $before, after: $after
})
RETURN count(*) AS created
