// Migration 004: the node that keeps the whole city's figures (figures_refresh_city) is one
// of its kind.
CREATE CONSTRAINT city_figures_id IF NOT EXISTS FOR (n:CityFigures) REQUIRE n.id IS UNIQUE;
