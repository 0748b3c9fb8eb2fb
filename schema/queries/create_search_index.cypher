// The search index exactly as migration 002 defines it, created if it is missing: after a
// bulk import into an empty database, and whenever the store is opened (an import killed
// before its end leaves the index dropped). await_indexes waits for it to be online.
// Parameters: none.
CREATE TEXT INDEX entity_search_name IF NOT EXISTS FOR (n:Entity) ON (n.search_name)
