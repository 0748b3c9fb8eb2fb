// Migration 002: indexes for what queries look up or filter on.
// search_name is the lower-cased name: a TEXT index serves search's CONTAINS and STARTS WITH.
// Households and cadres are the two big kinds organisers look up by name in Neo4j Browser
// (`MATCH (h:Household {name: '张伟'})`); units are few enough to scan. Points entries are
// selected by date for the quarterly and yearly points reports.
// Central households need no index of their own: they carry the label CentralHousehold (with
// its own id constraint), so `MATCH (h:CentralHousehold)` reads only them.
CREATE TEXT INDEX entity_search_name IF NOT EXISTS FOR (n:Entity) ON (n.search_name);
CREATE INDEX household_name IF NOT EXISTS FOR (n:Household) ON (n.name);
CREATE INDEX member_name IF NOT EXISTS FOR (n:Member) ON (n.name);
CREATE INDEX points_entry_day IF NOT EXISTS FOR (n:PointsEntry) ON (n.day);
