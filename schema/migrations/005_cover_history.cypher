// Migration 005: the assignment history. An ended cover is an EndedCover node holding the
// cadre's and the household's ids (not relationships, so no figure, gap or cover read sees
// it, and it outlives a removed household); a household's and a cadre's history look it up.
CREATE INDEX ended_cover_household IF NOT EXISTS FOR (n:EndedCover) ON (n.household_id);
CREATE INDEX ended_cover_member IF NOT EXISTS FOR (n:EndedCover) ON (n.member_id);
