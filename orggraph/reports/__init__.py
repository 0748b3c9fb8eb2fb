"""Reports organisers print, share and file: coverage gaps and the quarterly points publication.

Reports read only through the `GraphStore` protocol, so they give the same figures on either
store, and the same figures as the GraphQL API (`coverageSummary`, `coverageGaps`): the API and
the report ask the store the same questions.
"""
