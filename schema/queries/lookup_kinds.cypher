// What kind of node each id names, to check a write that needs no more than that (households,
// cadres, work units, assignments, points): the node's labels and level. Unit writes, which
// must see the hierarchy, use lookup_ids instead; this lighter query keeps a bulk import's
// checks cheap.
// Parameters: $ids (list of ids). Returns one list, `found`, with an entry per known id.
// In Neo4j Browser: :param ids => ['h1', 'm1']
UNWIND $ids AS id
MATCH (n:Entity {id: id})
RETURN collect({id: n.id, labels: labels(n), level: n.level}) AS found
