// Pages of children down one to three levels from each parent, with each child's kept figures
// on the levels that ask: a dashboard's tree of units and their counts in one round trip.
// Level 0 pages the parent's children; level 1 pages the children of each child on that page
// (its first `first`, not the one more that tells a next page exists); level 2 likewise.
// Parameters: $requests, a list of {parent_id, levels: [{first, after (the last id of the
// previous page, or null), figures (boolean)}, ...]} with one to three levels.
// Returns one list, `found`, with an entry per request whose parent_id names a unit or
// household: its index and its pages, each {depth, parent_id, total, page (up to first + 1
// children, each with `figures` when its level asks, as figures_many gives them)}.
// In Neo4j Browser: :param requests => [{parent_id: 'S01-C01', levels: [{first: 50,
//   after: null, figures: false}, {first: 50, after: null, figures: true}]}]
UNWIND range(0, size($requests) - 1) AS index
WITH index, $requests[index].levels AS levels, $requests[index].parent_id AS parent_id
MATCH (root:Entity {id: parent_id})
WHERE root.level IS NOT NULL
CALL (root, levels) {
  WITH [root] AS parents, levels[0] AS ask
  UNWIND parents AS parent
  RETURN collect({
    depth: 0, parent: parent, total: COUNT { (parent)-[:HAS_CHILD]->() },
    page: COLLECT {
      MATCH (parent)-[:HAS_CHILD]->(child)
      WHERE ask.after IS NULL OR child.id > ask.after
      RETURN child ORDER BY child.id
    }[0..ask.first + 1]
  }) AS pages0
}
CALL (pages0, levels) {
  WITH reduce(all = [], p IN pages0 | all + p.page[0..levels[0].first]) AS parents,
       levels[1] AS ask
  UNWIND CASE WHEN ask IS NULL THEN [] ELSE parents END AS parent
  RETURN collect({
    depth: 1, parent: parent, total: COUNT { (parent)-[:HAS_CHILD]->() },
    page: COLLECT {
      MATCH (parent)-[:HAS_CHILD]->(child)
      WHERE ask.after IS NULL OR child.id > ask.after
      RETURN child ORDER BY child.id
    }[0..ask.first + 1]
  }) AS pages1
}
CALL (pages1, levels) {
  WITH reduce(all = [], p IN pages1 | all + p.page[0..levels[1].first]) AS parents,
       levels[2] AS ask
  UNWIND CASE WHEN ask IS NULL THEN [] ELSE parents END AS parent
  RETURN collect({
    depth: 2, parent: parent, total: COUNT { (parent)-[:HAS_CHILD]->() },
    page: COLLECT {
      MATCH (parent)-[:HAS_CHILD]->(child)
      WHERE ask.after IS NULL OR child.id > ask.after
      RETURN child ORDER BY child.id
    }[0..ask.first + 1]
  }) AS pages2
}
WITH index, levels, pages0 + pages1 + pages2 AS pages
RETURN collect({
  index: index,
  pages: [p IN pages | {
    depth: p.depth,
    parent_id: p.parent.id,
    total: p.total,
    page: [child IN p.page | child {
      .id, .name, .level, .address, .phone, .central,
      labels: labels(child),
      parent_id: p.parent.id,
      figures: CASE
        WHEN NOT levels[p.depth].figures THEN null
        WHEN child.level < 5 THEN {
          units: child.fig_units, households: child.fig_households,
          central: child.fig_central, covered: child.fig_covered,
          assignments: child.fig_assignments, covering: child.fig_covering_count,
          registered: child.fig_registered_count, without_central: child.fig_without_central,
          childless: child.fig_childless
        }
        ELSE {
          units: [0, 0, 0, 0], households: 1,
          central: CASE WHEN child.central THEN 1 ELSE 0 END,
          covered: CASE WHEN EXISTS { (:Member)-[:ASSIGNED]->(child) } THEN 1 ELSE 0 END,
          assignments: COUNT { (:Member)-[:ASSIGNED]->(child) },
          covering: COUNT { (:Member)-[:ASSIGNED]->(child) },
          registered: 0, without_central: 0, childless: 0
        }
      END
    }]
  }]
}) AS found
