"""The GraphQL API: schema types, resolvers and the starlette app that serves them."""
