"""Who may see and change what: one caller's view of the store.

Authentication (who the caller is) is `orggraph.auth`; this layer is authorisation, one
concern a module: `visibility` (what lies inside a scope), `masking` (personal fields hidden
from dashboards, as pure functions), `permissions` (which roles may write), `audit` (the
record of every write) and `scoped` (the view that puts them together).
"""

from orggraph.access.scoped import ScopedStore

__all__ = ["ScopedStore"]
