// One page of the service offers serving a place in a scope, by id: those serving the whole
// city, a unit at or below the scope (a unit, or a household: none below it) or a unit above
// it; every offer for the whole city. Filters may be empty.
// Parameters: $scope_id (null: the city), $kinds (list; empty: any), $offered_by (or null),
// $open_only (bool), $after (last id of the previous page or null), $first.
// Returns one row: scope_found, total, has_next, page (list of offer maps).
// In Neo4j Browser: :param scope_id => 'g1', kinds => [], offered_by => null, open_only => false,
// after => null, first => 50
OPTIONAL MATCH (scope:Entity {id: $scope_id})
WHERE scope.level IS NOT NULL
WITH scope,
     [(above)-[:HAS_CHILD*1..4]->(scope) | above.id]
       + [(scope)-[:HAS_CHILD*0..3]->(unit) WHERE NOT unit:Household | unit.id] AS places
CALL (scope, places) {
  WITH scope
  WHERE $scope_id IS NULL
  MATCH (offer:ServiceOffer)
  RETURN offer
  UNION
  WITH scope
  WHERE scope IS NOT NULL
  MATCH (offer:ServiceOffer)
  WHERE offer.serves_id IS NULL
  RETURN offer
  UNION
  WITH scope, places
  WHERE scope IS NOT NULL
  UNWIND places AS place
  MATCH (offer:ServiceOffer {serves_id: place})
  RETURN offer
}
WITH offer
WHERE (size($kinds) = 0 OR offer.kind IN $kinds)
  AND ($offered_by IS NULL OR offer.offered_by = $offered_by)
  AND (NOT $open_only OR offer.state = 'open')
WITH offer
ORDER BY offer.id
WITH collect(offer) AS kept
WITH kept, [o IN kept WHERE $after IS NULL OR o.id > $after] AS rest
RETURN $scope_id IS NULL
         OR EXISTS { MATCH (scope:Entity {id: $scope_id}) WHERE scope.level IS NOT NULL }
         AS scope_found,
       size(kept) AS total,
       size(rest) > $first AS has_next,
       [o IN rest[..$first] | o {.*}] AS page
