"""The organisation chain, cadres, assignments and points: plain values, no storage."""
