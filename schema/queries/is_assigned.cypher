// Does this cadre cover this household?
// Parameters: $member_id, $household_id.
RETURN EXISTS {
  (:Member {id: $member_id})-[:ASSIGNED]->(:Household {id: $household_id})
} AS assigned
