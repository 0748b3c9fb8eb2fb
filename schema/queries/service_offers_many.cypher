// Service offers by id, each as it stands.
// Parameters: $ids (list of offer ids). Returns one list, `found`, a map per known id.
// In Neo4j Browser: :param ids => ['SO-1']
UNWIND $ids AS id
MATCH (offer:ServiceOffer {id: id})
RETURN collect(offer {.*}) AS found
