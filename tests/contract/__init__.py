"""The store contract suite: every test runs once per `GraphStore` implementation."""
