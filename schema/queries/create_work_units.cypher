// Create work units (机关企事业单位) that the store knows are new (none of the ids is stored yet).
// The store sends rows for stored ids to upsert_work_units instead.
// Parameters: $rows, a list of {id, name}.
// Returns rows, the number of work units created.
UNWIND $rows AS row
CREATE (:Entity:WorkUnit {id: row.id, name: row.name, search_name: toLower(row.name)})
RETURN count(*) AS rows
