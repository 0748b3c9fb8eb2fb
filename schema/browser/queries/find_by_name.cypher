// Units, households and cadres whose name contains $text, with their id and kind, so an
// organiser can copy an id into the other slides. At most 50 rows.
// Parameters: $text (part of a name).
MATCH (n:Entity)
WHERE n.name CONTAINS $text AND NOT n:PointsEntry
RETURN n.id AS `编号 id`,
       n.name AS `名称 name`,
       CASE
         WHEN n:StreetCommittee THEN '街道大工委'
         WHEN n:CommunityCommittee THEN '社区大党委'
         WHEN n:ResidentialBranch THEN '小区党支部'
         WHEN n:BuildingGroup THEN '楼栋党小组'
         WHEN n:CentralHousehold THEN '党员中心户'
         WHEN n:Household THEN '住户'
         WHEN n:Member THEN '党员干部'
         WHEN n:WorkUnit THEN '派出单位'
       END AS `类别 kind`
ORDER BY `编号 id`
LIMIT 50
