// Migration 006: the service loop (三(三)4). A ServiceRequest hangs under its household
// (REQUESTED) and keeps its steps as ServiceStep nodes (HAS_STEP). Request ids are their own
// namespace (not Entity), unique among requests; listings and the overdue gaps filter on state.
CREATE CONSTRAINT service_request_id IF NOT EXISTS FOR (n:ServiceRequest) REQUIRE n.id IS UNIQUE;
CREATE INDEX service_request_state IF NOT EXISTS FOR (n:ServiceRequest) ON (n.state);
CREATE INDEX service_request_household IF NOT EXISTS FOR (n:ServiceRequest) ON (n.household_id);
