// Move a household's cover from one cadre to another in one step: the old cover ends on
// $since (kept as an EndedCover, reason 'transferred', naming the new cadre; one per cadre,
// household, start and end) and the new one
// starts then, keeping the old mode unless $mode is given; if the new cadre already covers
// the household, only the old cover ends.
// Parameters: $household_id, $from_member_id, $to_member_id, $since (a date), $mode (or null).
// No row (and no change) when $from_member_id does not cover the household.
MATCH (from:Member {id: $from_member_id})-[old:ASSIGNED]->(household:Household {id: $household_id})
MATCH (to:Member {id: $to_member_id})
MERGE (ended:EndedCover {
  household_id: household.id, member_id: from.id, since: old.since, ended: $since
})
SET ended.mode = old.mode, ended.reason = 'transferred', ended.to_member_id = to.id
WITH household, to, old, old.mode AS old_mode
DELETE old
MERGE (to)-[cover:ASSIGNED]->(household)
  ON CREATE SET cover.mode = coalesce($mode, old_mode), cover.since = $since
RETURN cover.mode AS mode, cover.since AS since
