// Write service offers as a ledger import loads them (供给清单, 三(三)4), each as it now stands:
// recorded or withdrawn. As offer_write.cypher does for one offer, each hangs under its cadre
// or work unit (OFFERS) and points at the unit it serves (SERVES), both made once (the store
// has checked that a stored offer keeps its offerer and place). Ids must not repeat in a run.
// Parameters: $offers, a list of {id, offered_by, offered_by_kind, kind, text, recorded_by,
// recorded_at, serves_id, available_from, available_until, schedule, state, withdrawn_by,
// withdrawn_at, withdrawn_reason} (times as ISO text; days as ISO dates; nulls where unset).
// Returns rows, the number of offers written.
// In Neo4j Browser: :param offers => [{id: 'SO-1', offered_by: 'm1', offered_by_kind: 'member', kind: 'skill', text: '水电维修', recorded_by: 'c1.organiser', recorded_at: '2025-03-01T08:00:00+00:00', serves_id: 'c1', available_from: null, available_until: null, schedule: '', state: 'open', withdrawn_by: null, withdrawn_at: null, withdrawn_reason: ''}]
UNWIND $offers AS o
MERGE (offer:ServiceOffer {id: o.id})
SET offer.offered_by = o.offered_by,
    offer.offered_by_kind = o.offered_by_kind,
    offer.kind = o.kind,
    offer.text = o.text,
    offer.recorded_by = o.recorded_by,
    offer.recorded_at = datetime(o.recorded_at),
    offer.serves_id = o.serves_id,
    offer.available_from = date(o.available_from),
    offer.available_until = date(o.available_until),
    offer.schedule = o.schedule,
    offer.state = o.state,
    offer.withdrawn_by = o.withdrawn_by,
    offer.withdrawn_at = datetime(o.withdrawn_at),
    offer.withdrawn_reason = o.withdrawn_reason
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
RETURN count(*) AS rows
