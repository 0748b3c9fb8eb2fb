// Does the database answer? (The service's readiness check.)
// Parameters: none.
RETURN 1 AS ok
