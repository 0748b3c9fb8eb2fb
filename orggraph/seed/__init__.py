"""Synthetic cities from profiles in seed/profiles/: the document's figures, written as ledgers."""

from orggraph.seed.generate import generate_city
from orggraph.seed.profile import Profile, ProfileError, load_profile

__all__ = ["Profile", "ProfileError", "generate_city", "load_profile"]
