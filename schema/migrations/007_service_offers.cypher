// Migration 007: the supply list (供给清单, 三(三)4). A ServiceOffer hangs under the cadre or
// work unit that offers it (OFFERS) and points at the unit whose place it serves (SERVES; none
// for the whole city). Offer ids are their own namespace (not Entity), unique among offers;
// listings find offers by the place they serve and by who offers them.
CREATE CONSTRAINT service_offer_id IF NOT EXISTS FOR (n:ServiceOffer) REQUIRE n.id IS UNIQUE;
CREATE INDEX service_offer_serves IF NOT EXISTS FOR (n:ServiceOffer) ON (n.serves_id);
CREATE INDEX service_offer_offered_by IF NOT EXISTS FOR (n:ServiceOffer) ON (n.offered_by);
