"""What operators watch: Prometheus metrics (metrics.py) and request-tagged logs (logs.py).

The lowest layer: it imports nothing of orggraph, so the stores and the API can both report
into it.
"""
