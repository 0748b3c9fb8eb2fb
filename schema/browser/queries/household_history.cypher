// Every cadre who has covered one household (包保台账), by start date: the current covers and
// the ended ones kept when a cover was unassigned, transferred or the household removed, with
// the end date, the reason and, for a transfer, who took over.
// Parameters: $household_id.
CALL () {
  MATCH (cadre:Member)-[cover:ASSIGNED]->(:Household {id: $household_id})
  RETURN cadre.id AS id, cover.mode AS mode, cover.since AS since, null AS ended,
         null AS reason, null AS successor
  UNION ALL
  MATCH (ended:EndedCover {household_id: $household_id})
  RETURN ended.member_id AS id, ended.mode AS mode, ended.since AS since,
         ended.ended AS ended, ended.reason AS reason, ended.to_member_id AS successor
}
OPTIONAL MATCH (cadre:Member {id: id})
RETURN id AS `编号 id`,
       cadre.name AS `姓名 name`,
       mode AS `方式 mode`,
       since AS `起始 since`,
       ended AS `结束 ended`,
       reason AS `原因 reason`,
       successor AS `接替 taken over by`
ORDER BY since, id
