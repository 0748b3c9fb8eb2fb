// Migration 001: one node per id.
// `Entity` carries every unit, household, cadre, work unit and points entry, so its constraint makes
// ids unique across kinds and makes `MATCH (n:Entity {id: $id})` an index lookup. Each kind's own
// constraint makes `MATCH (h:Household {id: $id})` an index lookup too, as organisers type it.
CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:Entity) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT street_committee_id IF NOT EXISTS FOR (n:StreetCommittee) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT community_committee_id IF NOT EXISTS FOR (n:CommunityCommittee) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT residential_branch_id IF NOT EXISTS FOR (n:ResidentialBranch) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT building_group_id IF NOT EXISTS FOR (n:BuildingGroup) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT household_id IF NOT EXISTS FOR (n:Household) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT central_household_id IF NOT EXISTS FOR (n:CentralHousehold) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT member_id IF NOT EXISTS FOR (n:Member) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT work_unit_id IF NOT EXISTS FOR (n:WorkUnit) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT points_entry_id IF NOT EXISTS FOR (n:PointsEntry) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT schema_version_id IF NOT EXISTS FOR (n:SchemaVersion) REQUIRE n.id IS UNIQUE;
