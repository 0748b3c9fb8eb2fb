// Whether the kept figures need a full refresh: a bulk load left them stale, or some unit has
// none, or the city's are missing (a database written before figures were kept).
// Parameters: none.
// In Neo4j Browser: no parameters.
OPTIONAL MATCH (version:DataVersion {id: 'orggraph'})
RETURN coalesce(version.figures_stale, false)
       OR EXISTS {
         MATCH (unit:StreetCommittee|CommunityCommittee|ResidentialBranch|BuildingGroup)
         WHERE unit.fig_registered_count IS NULL
       }
       OR (EXISTS { MATCH (:StreetCommittee) } AND NOT EXISTS { MATCH (:CityFigures) })
       AS stale
