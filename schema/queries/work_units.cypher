// Work units (派出单位) by id, with $search those whose name contains it (Latin letters
// case-insensitive): how many in all and one page after $after.
// Parameters: $search (or null), $after (the last id of the previous page, or null), $first.
// Returns one row: total and page (up to $first + 1 work units; one more tells a next page).
// In Neo4j Browser: :param search => null  :param after => null  :param first => 50
CALL () {
  MATCH (unit:WorkUnit)
  WHERE $search IS NULL OR unit.search_name CONTAINS toLower($search)
  RETURN unit ORDER BY unit.id
}
WITH collect(unit) AS units
RETURN size(units) AS total,
       [unit IN units WHERE $after IS NULL OR unit.id > $after | unit {.id, .name}][0..$first + 1]
         AS page
