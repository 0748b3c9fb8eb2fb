// Service requests by id, each as it stands.
// Parameters: $ids (list of request ids). Returns one list, `found`, a map per known id.
// In Neo4j Browser: :param ids => ['SR-1']
UNWIND $ids AS id
MATCH (request:ServiceRequest {id: id})
RETURN collect(request {.*}) AS found
