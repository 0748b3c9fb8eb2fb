// The cadres of a roster page, each with the communities of the households they cover.
// Parameters: $ids (member ids). Returns one list, `found`, with an entry per id that names
// a cadre: {member, communities (community ids, sorted)}.
// In Neo4j Browser: :param ids => ['M000001']
UNWIND $ids AS id
MATCH (member:Member {id: id})
RETURN collect({
  member: member {
    .id, .name, .phone,
    work_unit_id: head([(member)-[:FROM_UNIT]->(unit) | unit.id]),
    community_id: head([(member)-[:REPORTED_TO]->(community) | community.id])
  },
  communities: COLLECT {
    MATCH (member)-[:ASSIGNED]->(:Household)<-[:HAS_CHILD*3]-(community:CommunityCommittee)
    RETURN DISTINCT community.id AS community_id ORDER BY community_id
  }
}) AS found
