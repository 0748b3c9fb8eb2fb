// Wait until every index is online (a new index populates in the background).
// Parameters: $timeout_s (seconds to wait at most).
CALL db.awaitIndexes($timeout_s)
