// Write a service offer as it now stands (recorded, or withdrawn): it hangs under its cadre or
// work unit (OFFERS) and points at the unit it serves (SERVES), both made once (the offerer and the place never change).
// Parameters: $offer {id, offered_by, offered_by_kind, kind, text, recorded_by, recorded_at,
// serves_id, available_from, available_until, schedule, state, withdrawn_by, withdrawn_at,
// withdrawn_reason} (times as ISO text; days as ISO dates; nulls where unset).
// Returns the offer's id.
MERGE (offer:ServiceOffer {id: $offer.id})
SET offer.offered_by = $offer.offered_by,
    offer.offered_by_kind = $offer.offered_by_kind,
    offer.kind = $offer.kind,
    offer.text = $offer.text,
    offer.recorded_by = $offer.recorded_by,
    offer.recorded_at = datetime($offer.recorded_at),
    offer.serves_id = $offer.serves_id,
    offer.available_from = date($offer.available_from),
    offer.available_until = date($offer.available_until),
    offer.schedule = $offer.schedule,
    offer.state = $offer.state,
    offer.withdrawn_by = $offer.withdrawn_by,
    offer.withdrawn_at = datetime($offer.withdrawn_at),
    offer.withdrawn_reason = $offer.withdrawn_reason
WITH offer
CALL (offer) {
  WITH offer
  WHERE NOT EXISTS { ()-[:OFFERS]->(offer) }
  MATCH (offerer:Entity {id: offer.offered_by})
  WHERE offerer:Member OR offerer:WorkUnit
  CREATE (offerer)-[:OFFERS]->(offer)
}
CALL (offer) {
  WITH offer
  WHERE offer.serves_id IS NOT NULL AND NOT EXISTS { (offer)-[:SERVES]->() }
  MATCH (place:Entity {id: offer.serves_id})
  CREATE (offer)-[:SERVES]->(place)
}
RETURN offer.id AS id
