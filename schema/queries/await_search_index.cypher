// Wait until the search index (migration 002's entity_search_name) is online; fails if it is
// not within $timeout_s seconds. Waits for this index only, so a slow or failed index
// elsewhere does not hold up opening the store.
// Parameters: $timeout_s (seconds to wait at most).
CALL db.awaitIndex('entity_search_name', $timeout_s)
