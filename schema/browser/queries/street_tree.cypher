// A street's organisation tree as a graph: the street working committee, its community party
// committees and their residential branches (double-click a branch to open its building
// groups). Down to branches only, so a real street (about 80 units) stays under Browser's
// 300-node display limit.
// Parameters: $street_id. No row when no street has that id.
MATCH path = (:StreetCommittee {id: $street_id})-[:HAS_CHILD*0..2]->(unit)
RETURN path
ORDER BY unit.id
