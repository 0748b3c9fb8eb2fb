// One page of children per request: a unit's children (units or households), or the streets
// when parent_id is null; each page by id, after its cursor.
// Parameters: $requests, a list of {parent_id, after (the last id of the previous page, or null),
// first (page size)}.
// Returns one list, `found`, with an entry per request (by its index in the list): the number of
// children and up to first + 1 of them (one more tells a next page exists); only those are
// read beyond their ids. No entry for a parent_id that names no unit or household, nor for
// the streets of an empty city.
// In Neo4j Browser: :param requests => [{parent_id: 'g5', after: null, first: 3}]
UNWIND range(0, size($requests) - 1) AS index
WITH index, $requests[index] AS request
CALL (request) {
  MATCH (parent:Entity {id: request.parent_id})
  WHERE parent.level IS NOT NULL
  OPTIONAL MATCH (parent)-[:HAS_CHILD]->(child)
  RETURN parent.id AS parent_id, child
  UNION ALL
  MATCH (child:StreetCommittee)
  WHERE request.parent_id IS NULL
  RETURN null AS parent_id, child
}
WITH index, request, parent_id, child
ORDER BY child.id
WITH index, request, parent_id, collect(child) AS children
WITH index, request, parent_id, size(children) AS total,
     [child IN children WHERE request.after IS NULL OR child.id > request.after]
       [0..request.first + 1] AS page
RETURN collect({
  index: index,
  total: total,
  page: [child IN page | child {
    .id, .name, .level, .address, .phone, .central, labels: labels(child), parent_id: parent_id
  }]
}) AS found
