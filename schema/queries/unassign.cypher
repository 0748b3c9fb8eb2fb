// End one cadre's cover of one household on $ended: the cover is kept in the history as an
// EndedCover (reason 'unassigned'; one per cadre, household, start and end, as in a ledger)
// and the ASSIGNED relationship goes.
// Parameters: $member_id, $household_id, $ended (a date).
// Returns how many covers were ended (0 or 1).
OPTIONAL MATCH (:Member {id: $member_id})-[cover:ASSIGNED]->(:Household {id: $household_id})
CALL (cover) {
  WITH cover WHERE cover IS NOT NULL
  MERGE (ended:EndedCover {
    household_id: $household_id, member_id: $member_id, since: cover.since, ended: $ended
  })
  SET ended.mode = cover.mode, ended.reason = 'unassigned', ended.to_member_id = null
}
DELETE cover
RETURN count(cover) AS removed
