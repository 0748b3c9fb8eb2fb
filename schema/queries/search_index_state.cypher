// The state of the search index (migration 002's entity_search_name): ONLINE, POPULATING,
// FAILED; no row when it is missing (dropped by an import into an empty database that was
// killed before its end). A read, so opening the store needs no schema rights when it is there.
// Parameters: none. Returns at most one row: state.
SHOW INDEXES YIELD name, state
WHERE name = 'entity_search_name'
RETURN state
