// End one cadre's cover of one household on $ended: the cover is kept in the history as an
// EndedCover (reason 'unassigned') and the ASSIGNED relationship goes.
// Parameters: $member_id, $household_id, $ended (a date).
// Returns how many covers were ended (0 or 1).
OPTIONAL MATCH (:Member {id: $member_id})-[cover:ASSIGNED]->(:Household {id: $household_id})
CALL (cover) {
  WITH cover WHERE cover IS NOT NULL
  CREATE (:EndedCover {
    member_id: $member_id, household_id: $household_id, mode: cover.mode,
    since: cover.since, ended: $ended, reason: 'unassigned'
  })
}
DELETE cover
RETURN count(cover) AS removed
