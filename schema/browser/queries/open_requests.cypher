// The open service requests (三(三)4) of a unit's households, oldest wait first: kind, state,
// since when, how many whole days waited, the household and whom it is dispatched to.
// Parameters: $unit_id (a community, or any unit or household).
MATCH (:Entity {id: $unit_id})-[:HAS_CHILD*0..4]->(home:Household)-[:REQUESTED]->(request)
WHERE NOT request.state IN ['verified', 'cancelled']
OPTIONAL MATCH (request)-[:DISPATCHED_TO]->(taker)
OPTIONAL MATCH (request)-[:ACCEPTED_BY]->(cadre:Member)
RETURN request.id AS `编号 id`,
       request.kind AS `类型 kind`,
       request.state AS `状态 state`,
       request.since AS `起始 since`,
       duration.inDays(date(request.since), date()).days AS `已等待天数 days`,
       home.id AS `住户 household`,
       taker.name AS `派给 dispatched to`,
       cadre.name AS `接单 accepted by`
ORDER BY request.since, request.id
