// What recording or withdrawing a service offer needs to know, read in its own write
// transaction: the offer stored under the id, what the offerer is, and whether the place it
// serves is a unit.
// Parameters: $offer_id, $offered_by, $serves_id (the last two may be null).
// Returns one row: offer (map or null), offered_by_kind ('member', 'work_unit' or null),
// serves_found.
// In Neo4j Browser: :param offer_id => 'SO-1', offered_by => 'm1', serves_id => 'c1'
OPTIONAL MATCH (offer:ServiceOffer {id: $offer_id})
OPTIONAL MATCH (offerer:Entity {id: $offered_by})
WHERE offerer:Member OR offerer:WorkUnit
OPTIONAL MATCH (place:Entity {id: $serves_id})
WHERE place.level IS NOT NULL AND NOT place:Household
RETURN offer {.*} AS offer,
       CASE WHEN offerer:Member THEN 'member' WHEN offerer:WorkUnit THEN 'work_unit' END
         AS offered_by_kind,
       place IS NOT NULL AS serves_found
