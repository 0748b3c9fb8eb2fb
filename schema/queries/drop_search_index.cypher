// Drop the search index (migration 002's entity_search_name) before a bulk import into an
// empty database: keeping a Lucene index current row by row costs the first import after the
// server starts several seconds more than building it once at the end. Search stays correct
// without it, only slower. create_search_index puts it back.
// Parameters: none.
DROP INDEX entity_search_name IF EXISTS
