// Migration 003: the audit trail (who changed what through the API, and when).
// Audit entries are not part of the organisation graph, so they are not `Entity` nodes: their
// ids (time-sorted) are unique among audit entries only. Listing one person's changes filters
// on subject.
CREATE CONSTRAINT audit_entry_id IF NOT EXISTS FOR (n:AuditEntry) REQUIRE n.id IS UNIQUE;
CREATE INDEX audit_entry_subject IF NOT EXISTS FOR (n:AuditEntry) ON (n.subject);
